import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, configDir, git } from '../helpers/cli.js';

/** A config dir with a store holding two snapshots; returns the dir, the store and HEAD. */
function storeWithHistory(): { dir: string; store: string; head: string } {
  const dir = configDir('example');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
  appendFileSync(join(dir, 'config.yaml'), 'extra: 1\n');
  expect(cfgtrail(['snapshot', '-m', 'second'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  return { dir, store, head: git(['--git-dir', store, 'rev-parse', 'HEAD']).trim() };
}

/** Every object file and pack of a store: a refused command must add none. */
function objectFiles(store: string): string[] {
  const dir = join(store, 'objects');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /^[0-9a-f]{2}\/|pack-/.test(p)).sort();
}

/** Every command that reads HEAD, as a user runs it. */
const COMMANDS: string[][] = [
  ['status'],
  ['diff'],
  ['log', '--json'],
  ['log', '--oneline'],
  ['show'],
  ['export'],
  ['snapshot', '-m', 'third', '--allow-empty'],
  ['rollback', 'HEAD~1', '--yes'],
  ['mark-good'],
  ['gc'],
];

const DAMAGE: [string, (store: string, head: string) => void][] = [
  ['an empty branch ref', (store) => writeFileSync(join(store, 'refs/heads/main'), '')],
  ['garbage in the branch ref', (store) => writeFileSync(join(store, 'refs/heads/main'), 'not a commit\n')],
  ['garbage in HEAD', (store) => writeFileSync(join(store, 'HEAD'), 'garbage\n')],
  ['an empty HEAD', (store) => writeFileSync(join(store, 'HEAD'), '')],
  ['a deleted branch ref (the reflog remembers it)', (store) => rmSync(join(store, 'refs/heads/main'))],
];

describe('a damaged HEAD or branch ref', () => {
  it.each(DAMAGE)('with %s, every command that reads HEAD exits 7 naming the last head, and writes nothing', (_what, damage) => {
    const { dir, store, head } = storeWithHistory();
    damage(store, head);
    const before = objectFiles(store);
    for (const args of COMMANDS) {
      const r = cfgtrail(args, { cwd: dir });
      expect({ args, code: r.code }).toEqual({ args, code: 7 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(head);
      expect(r.stderr).toMatch(/fsck --lost-found/);
      expect(r.stdout).toBe('');
    }
    // No root commit (or anything else) was written over the history.
    expect(objectFiles(store)).toEqual(before);
  });

  it('refuses like native git, whose verdict on the same damage is "broken"', () => {
    const { dir, store } = storeWithHistory();
    writeFileSync(join(store, 'refs/heads/main'), '');
    expect(() => git(['--git-dir', store, 'log'], undefined, undefined)).toThrow(/broken/);
    expect(cfgtrail(['status'], { cwd: dir }).code).toBe(7);
  });

  it('the restore command it prints brings the whole history back', () => {
    const { dir, store, head } = storeWithHistory();
    writeFileSync(join(store, 'refs/heads/main'), '');
    const msg = cfgtrail(['status'], { cwd: dir }).stderr;
    const m = /to restore it: rm -f (\S+) && git --git-dir=(\S+) update-ref (\S+) ([0-9a-f]{40})/.exec(msg);
    expect(m).not.toBeNull();
    expect(m![4]).toBe(head);
    rmSync(m![1]!);
    git(['--git-dir', m![2]!, 'update-ref', m![3]!, m![4]!]);
    const log = cfgtrail(['log', '--oneline'], { cwd: dir });
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/second[\s\S]*first/);
    git(['--git-dir', store, 'fsck', '--strict']);
  });

  it('names HEAD and how to rewrite it when HEAD is garbage; the fix works', () => {
    const { dir, store } = storeWithHistory();
    writeFileSync(join(store, 'HEAD'), 'garbage\n');
    const r = cfgtrail(['log'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/HEAD is damaged/);
    expect(r.stderr).toContain(`printf 'ref: refs/heads/main\\n' > ${store}/HEAD`);
    writeFileSync(join(store, 'HEAD'), 'ref: refs/heads/main\n');
    expect(cfgtrail(['log', '--oneline'], { cwd: dir }).stdout).toMatch(/second[\s\S]*first/);
  });

  it('without a reflog (an older store), a deleted ref is still refused because the store holds commits', () => {
    const { dir, store, head } = storeWithHistory();
    rmSync(join(store, 'logs'), { recursive: true });
    rmSync(join(store, 'refs/heads/main'));
    const r = cfgtrail(['snapshot', '-m', 'third', '--allow-empty'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/store holds commits/);
    // The index remembers the head.
    expect(r.stderr).toContain(head);
    expect(existsSync(join(store, 'refs/heads/main'))).toBe(false);
  });

  it('a new store (no ref file, no objects) is still "no snapshot yet", and its first snapshot works', () => {
    const dir = configDir('example');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const s = cfgtrail(['status'], { cwd: dir });
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/no snapshot yet/);
    expect(cfgtrail(['log', '--json'], { cwd: dir }).stdout).toBe('[]\n');
    expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, '.cfgtrail/refs/heads/main'), 'utf8')).toMatch(/^[0-9a-f]{40}\n$/);
  });

  it('a first snapshot killed before its ref is written leaves a new store, not a damaged one', () => {
    const dir = configDir('example');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    // Which rename moves the ref: counted on a traced run of the same command on a copy.
    const copy = configDir('example');
    cpSync(dir, copy, { recursive: true });
    const log = `${copy}.strace`;
    spawnSync('strace', ['-f', '-qq', '-o', log, '-e', 'trace=rename', process.execPath, BIN, 'snapshot', '-m', 'first'], { cwd: copy, env: cliEnv() });
    const when = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('rename(')).findIndex((l) => l.includes('/refs/heads/main")')) + 1;
    rmSync(log);
    expect(when).toBeGreaterThan(0);
    const killed = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename', '-e', `inject=rename:signal=SIGKILL:when=${when}`,
      process.execPath, BIN, 'snapshot', '-m', 'first'], { cwd: dir, env: cliEnv() });
    expect(killed.status).toBe(null);
    expect(existsSync(join(dir, '.cfgtrail/refs/heads/main'))).toBe(false);
    expect(readFileSync(join(dir, '.cfgtrail/logs/HEAD'), 'utf8')).toMatch(/^0{40} [0-9a-f]{40} /); // its reflog line was written
    const s = cfgtrail(['status'], { cwd: dir });
    expect(s.stderr).toBe('');
    expect(s.stdout).toMatch(/no snapshot yet/);
    expect(cfgtrail(['snapshot', '-m', 'first again'], { cwd: dir }).code).toBe(0);
    expect(git(['--git-dir', join(dir, '.cfgtrail'), 'log', '--format=%s'])).toBe('first again\n');
    git(['--git-dir', join(dir, '.cfgtrail'), 'fsck', '--strict', '--no-dangling']);
  });
});

/** Native git's `log` on the store: false when it fails. */
function gitLogOk(store: string): boolean {
  return spawnSync('git', ['--git-dir', store, 'log', '--oneline'], { encoding: 'utf8' }).status === 0;
}

const WARNING = /^warning: the store is damaged \(.+\); run cfgtrail fsck\n/;

describe('audit commands on a damaged store', () => {
  const corruptHeadCommit = (store: string, head: string) => {
    const file = join(store, 'objects', head.slice(0, 2), head.slice(2));
    // Damaged zlib data: native git cannot read it either.
    const b = readFileSync(file);
    chmodSync(file, 0o644);
    writeFileSync(file, Buffer.concat([b.subarray(0, 10), Buffer.from([b[10]! ^ 0xff]), b.subarray(11)]));
  };

  it('log still answers from the index but warns in one line when the HEAD commit is damaged (git log fails)', () => {
    const { dir, store, head } = storeWithHistory();
    expect(cfgtrail(['log', '--oneline'], { cwd: dir }).stderr).toBe('');
    corruptHeadCommit(store, head);
    expect(gitLogOk(store)).toBe(false);
    const r = cfgtrail(['log', '--oneline'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/second[\s\S]*first/);
    expect(r.stderr).toMatch(WARNING);
    expect(r.stderr).toContain(head);
    expect(r.stderr.split('\n')).toHaveLength(2);
    const json = cfgtrail(['log', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toHaveLength(2);
    expect(json.stderr).toMatch(WARNING);
  });

  it('log warns when a pack is truncated (git log fails)', () => {
    const { dir, store } = storeWithHistory();
    expect(cfgtrail(['gc'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['log', '--oneline'], { cwd: dir }).stderr).toBe('');
    const packs = join(store, 'objects/pack');
    const pack = join(packs, readdirSync(packs).find((f) => f.endsWith('.pack'))!);
    chmodSync(pack, 0o644);
    truncateSync(pack, readFileSync(pack).length - 40);
    expect(gitLogOk(store)).toBe(false);
    const r = cfgtrail(['log', '--oneline'], { cwd: dir });
    expect(r.stderr).toMatch(WARNING);
    expect(r.stderr).toMatch(/pack-[0-9a-f]+\.pack/);
  });

  it('show and export warn first, before anything that fails for the damage', () => {
    const { dir, store, head } = storeWithHistory();
    const first = git(['--git-dir', store, 'rev-parse', 'HEAD~1']).trim();
    corruptHeadCommit(store, head);
    for (const args of [['show'], ['export'], ['show', 'HEAD~1']]) {
      const r = cfgtrail(args, { cwd: dir });
      expect(r.stderr).toMatch(WARNING);
      expect(r.code === 0 || r.code === 7).toBe(true);
    }
    // A commit that still reads is shown, with the warning.
    const older = cfgtrail(['show', first, '--json'], { cwd: dir });
    expect(older.code).toBe(0);
    expect(JSON.parse(older.stdout)).toMatchObject({ title: 'first' });
  });
});
