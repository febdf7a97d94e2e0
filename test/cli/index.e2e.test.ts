import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { cfgtrail, FIXTURES, gitIn, tempDir } from '../helpers/cli.js';

const T0 = 1_790_000_000;
let template = '';

/** Edits one line of a config file in place. */
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(join(dir, file), 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`test setup: ${String(from)} not in ${file}`);
  writeFileSync(join(dir, file), next);
}

function snapshot(dir: string, title: string, n: number, extra: string[] = []): string {
  const r = cfgtrail(['snapshot', '-m', title, '--json', ...extra], { cwd: dir, env: { GIT_AUTHOR_DATE: `@${T0 + n * 3600} +0100` } });
  if (r.code !== 0) throw new Error(`snapshot failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { commit: string }).commit;
}

beforeAll(() => {
  template = mkdtempSync(join(tmpdir(), 'cfgtrail-index-'));
  cpSync(join(FIXTURES, 'example'), template, { recursive: true });
  cfgtrail(['init'], { cwd: template });
  snapshot(template, 'Initial', 0, ['--risk', 'low']);
  for (let i = 1; i <= 6; i++) {
    edit(template, 'config.yaml', /max: \d+/, `max: ${20 + i}`);
    if (i % 2 === 0) edit(template, 'conf.d/cache.yaml', /ttl: \d+/, `ttl: ${300 + i}`);
    snapshot(template, `Step ${i}`, i, ['--risk', i % 3 === 0 ? 'high' : 'medium']);
  }
});

afterAll(() => {
  if (template) rmSync(template, { recursive: true, force: true });
});

/** A fresh copy of the template store and config dir. */
function copy(): { dir: string; store: string } {
  const dir = tempDir();
  cpSync(template, dir, { recursive: true });
  return { dir, store: join(dir, '.cfgtrail') };
}

const idx = (store: string, name: string) => join(store, 'cfgtrail-index', name);

/** Checks the on-disk index against its own header and against native git; returns its text. */
function expectValidIndex(store: string): string {
  const buf = readFileSync(idx(store, 'commits'));
  const head = JSON.parse(readFileSync(idx(store, 'head.json'), 'utf8')) as { head: string; count: number; bytes: number; crc: number };
  expect(head.bytes).toBe(buf.length);
  expect(head.crc).toBe(crc32(buf));
  const oids = buf.toString('utf8').split('\n').filter(Boolean).map((l) => l.slice(0, 40));
  expect(oids).toEqual(gitIn(store, ['rev-list', '--reverse', 'HEAD']).split('\n').filter(Boolean));
  expect(head.count).toBe(oids.length);
  expect(head.head).toBe(gitIn(store, ['rev-parse', 'HEAD']).trim());
  return buf.toString('utf8');
}

function logJson(dir: string, args: string[] = []): string {
  const r = cfgtrail(['log', '--json', ...args], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const mtimes = (store: string) => [statSync(idx(store, 'commits')).mtimeMs, statSync(idx(store, 'head.json')).mtimeMs];

describe('a missing or damaged index is rebuilt from git', () => {
  const damage: [string, (store: string) => void][] = [
    ['deleted', (s) => rmSync(join(s, 'cfgtrail-index'), { recursive: true })],
    ['commits truncated', (s) => truncateSync(idx(s, 'commits'), Math.floor(statSync(idx(s, 'commits')).size / 2))],
    ['commits empty', (s) => truncateSync(idx(s, 'commits'), 0)],
    ['bytes flipped in the middle', (s) => {
      const buf = readFileSync(idx(s, 'commits'));
      const mid = Math.floor(buf.length / 2);
      for (let i = mid; i < mid + 8; i++) buf[i] = buf[i]! ^ 0x5a;
      writeFileSync(idx(s, 'commits'), buf);
    }],
    ['a commit id changed (same size)', (s) => {
      const text = readFileSync(idx(s, 'commits'), 'utf8');
      const first = text.slice(0, 40);
      writeFileSync(idx(s, 'commits'), text.replace(first, first.split('').reverse().join('')));
    }],
    ['garbage head.json', (s) => writeFileSync(idx(s, 'head.json'), '{"version":1,"head":')],
    ['head.json missing', (s) => rmSync(idx(s, 'head.json'))],
    ['head.json names an older head', (s) => {
      const h = JSON.parse(readFileSync(idx(s, 'head.json'), 'utf8')) as { head: string };
      h.head = gitIn(s, ['rev-parse', 'HEAD~3']).trim();
      writeFileSync(idx(s, 'head.json'), JSON.stringify(h));
    }],
  ];

  for (const [name, harm] of damage) {
    it(`${name}: same log, same show; valid again after the next snapshot and not rebuilt after that`, () => {
      const { dir, store } = copy();
      const before = logJson(dir);
      const goodText = expectValidIndex(store);
      const show = cfgtrail(['show', 'HEAD~2'], { cwd: dir }).stdout;
      harm(store);
      expect(logJson(dir)).toBe(before);
      expect(logJson(dir, ['--risk', 'high'])).toBe(`[\n${(JSON.parse(before) as { trailers: { value: string }[] }[]).filter((e) => e.trailers.some((t) => t.value === 'high')).map((e) => JSON.stringify(e)).join(',\n')}\n]\n`);
      expect(cfgtrail(['show', 'HEAD~2'], { cwd: dir }).stdout).toBe(show);
      edit(dir, 'limits.json', '"burst": 50', '"burst": 60');
      const next = snapshot(dir, 'After damage', 10);
      const text = expectValidIndex(store);
      expect(text.startsWith(goodText)).toBe(true);
      expect(text.slice(goodText.length).startsWith(`${next}\t`)).toBe(true);
      const stamp = mtimes(store);
      const after = logJson(dir);
      expect(JSON.parse(after)[0].commit).toBe(next);
      expect(after.endsWith(before.slice(2))).toBe(true);
      expect(mtimes(store)).toEqual(stamp);
      // A rebuild replaces the file (new inode); a valid index is appended to in place.
      const inode = statSync(idx(store, 'commits')).ino;
      edit(dir, 'limits.json', '"burst": 60', '"burst": 61');
      snapshot(dir, 'Second after damage', 11);
      expect(statSync(idx(store, 'commits')).ino).toBe(inode);
      expect(expectValidIndex(store).startsWith(text)).toBe(true);
    });
  }

  // readIndex checks the line count as well as size and CRC: a wrong count
  // would otherwise survive every later append (and skew gc_every).
  it('a wrong count in head.json is caught like any other damage', () => {
    const { dir, store } = copy();
    const before = logJson(dir);
    const h = JSON.parse(readFileSync(idx(store, 'head.json'), 'utf8')) as { count: number };
    h.count += 5;
    writeFileSync(idx(store, 'head.json'), JSON.stringify(h));
    expect(logJson(dir)).toBe(before);
    edit(dir, 'limits.json', '"burst": 50', '"burst": 60');
    snapshot(dir, 'After damage', 10);
    expectValidIndex(store);
  });

  it('a snapshot appends to a same-size damaged index without reading it; the next read rebuilds it', () => {
    const { dir, store } = copy();
    const before = logJson(dir);
    const buf = readFileSync(idx(store, 'commits'));
    const mid = Math.floor(buf.length / 2);
    for (let i = mid; i < mid + 8; i++) buf[i] = buf[i]! ^ 0x5a;
    writeFileSync(idx(store, 'commits'), buf);
    edit(dir, 'limits.json', '"burst": 50', '"burst": 60');
    const next = snapshot(dir, 'Straight after damage', 10);
    const after = logJson(dir);
    expect(JSON.parse(after)[0].commit).toBe(next);
    expect(after.endsWith(before.slice(2))).toBe(true);
    expectValidIndex(store);
  });
});

/** Commits one file change with native git (a temporary git index; the store has none). */
function nativeCommit(dir: string, store: string, file: string, message: string, n: number): string {
  const env = {
    GIT_INDEX_FILE: join(tempDir(), 'index'),
    GIT_AUTHOR_NAME: 'Native Nora',
    GIT_AUTHOR_EMAIL: 'nora@example.net',
    GIT_COMMITTER_NAME: 'Native Nora',
    GIT_COMMITTER_EMAIL: 'nora@example.net',
    GIT_AUTHOR_DATE: `@${T0 + n * 3600} +0000`,
    GIT_COMMITTER_DATE: `@${T0 + n * 3600} +0000`,
  };
  gitIn(store, ['read-tree', 'HEAD'], env);
  gitIn(store, ['--work-tree', dir, 'add', file], env);
  gitIn(store, ['--work-tree', dir, 'commit', '-q', '-m', message], env);
  return gitIn(store, ['rev-parse', 'HEAD']).trim();
}

describe('history changed behind cfgtrail\'s back', () => {
  it('native git commits show up in log with their files, fields and trailers', () => {
    const { dir, store } = copy();
    const indexed = expectValidIndex(store);
    edit(dir, 'config.yaml', /max: \d+/, 'max: 99');
    const a = nativeCommit(dir, store, 'config.yaml', 'Native pool change\n\nChange-Id: I00000000000000a1\nRisk: critical', 20);
    edit(dir, 'conf.d/cache.yaml', /ttl: \d+/, 'ttl: 1');
    const b = nativeCommit(dir, store, 'conf.d/cache.yaml', 'Native ttl change\n\nChange-Id: I00000000000000b2', 21);
    const revList = gitIn(store, ['rev-list', 'HEAD']).split('\n').filter(Boolean);
    const ids = (args: string[]) => (JSON.parse(logJson(dir, args)) as { commit: string }[]).map((e) => e.commit);
    // The first command after them catches the index up in memory: a query for
    // plain text (searched in the index's bytes) sees the new commits too.
    expect(ids(['--author', 'Nora'])).toEqual([b, a]);
    const all = JSON.parse(logJson(dir)) as { commit: string; changeId: string; author: { name: string }; files: unknown[]; trailers: unknown[] }[];
    expect(all.map((e) => e.commit)).toEqual(revList);
    expect(all[0]).toMatchObject({ commit: b, changeId: 'I00000000000000b2', author: { name: 'Native Nora' }, files: [{ path: 'conf.d/cache.yaml', status: 'modified' }] });
    expect(all[1]).toMatchObject({ commit: a, files: [{ path: 'config.yaml', status: 'modified' }], trailers: [{ key: 'Change-Id', value: 'I00000000000000a1' }, { key: 'Risk', value: 'critical' }] });
    const byGitPath = (p: string) => gitIn(store, ['log', '--format=%H', '--', p]).split('\n').filter(Boolean);
    // Every change to config.yaml in this history (the root one included) touched database.pool.max.
    expect(ids(['--field', 'config.yaml:database.pool.max'])).toEqual(byGitPath('config.yaml'));
    expect(ids(['--field', 'cache.ttl'])[0]).toBe(b);
    expect(ids(['--risk', 'critical'])).toEqual([a]);
    expect(ids(['--author', 'Nora'])).toEqual([b, a]);
    expect(JSON.parse(cfgtrail(['show', 'I00000000000000a1', '--json'], { cwd: dir }).stdout).diff).toEqual([
      expect.objectContaining({ file: 'config.yaml', pathText: 'database.pool.max', from: 26, to: 99 }),
    ]);
    // The next snapshot catches the index up instead of rebuilding it.
    edit(dir, 'limits.json', '"burst": 50', '"burst": 70');
    snapshot(dir, 'After native commits', 22);
    expect(expectValidIndex(store).startsWith(indexed)).toBe(true);
  });

  it('HEAD moved back (reset): log shows exactly the reachable history', () => {
    const { dir, store } = copy();
    const dropped = gitIn(store, ['rev-parse', 'HEAD']).trim();
    gitIn(store, ['update-ref', 'refs/heads/main', 'HEAD~2']);
    const ids = (JSON.parse(logJson(dir)) as { commit: string }[]).map((e) => e.commit);
    expect(ids).toEqual(gitIn(store, ['rev-list', 'HEAD']).split('\n').filter(Boolean));
    expect(ids).not.toContain(dropped);
    // An unreachable commit can still be shown by its full id, as git can.
    expect(JSON.parse(cfgtrail(['show', dropped, '--json'], { cwd: dir }).stdout).commit).toBe(dropped);
    edit(dir, 'limits.json', '"burst": 50', '"burst": 70');
    snapshot(dir, 'After reset', 30);
    expectValidIndex(store);
  });

  it('HEAD moved to a sibling branch: log follows it', () => {
    const { dir, store } = copy();
    gitIn(store, ['update-ref', 'refs/heads/main', 'HEAD~1']);
    edit(dir, 'myapp.env', 'WORKERS=4', 'WORKERS=16');
    const side = nativeCommit(dir, store, 'myapp.env', 'Side change\n\nChange-Id: I00000000000000c3', 40);
    gitIn(store, ['update-ref', 'refs/heads/main', side]);
    const ids = (JSON.parse(logJson(dir)) as { commit: string }[]).map((e) => e.commit);
    expect(ids).toEqual(gitIn(store, ['rev-list', 'HEAD']).split('\n').filter(Boolean));
    expect(ids[0]).toBe(side);
  });
});
