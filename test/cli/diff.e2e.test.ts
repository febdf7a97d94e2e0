import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cfgtrail, FIXTURES, git } from '../helpers/cli.js';

type Row = { file: string; kind: string; path?: unknown[]; pathText?: string; from?: unknown; to?: unknown; patch?: string; warning?: string; status?: string; fromSize?: number; toSize?: number };

const BLOB_A = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const BLOB_B = Buffer.concat([BLOB_A, Buffer.from([0, 1, 2, 3, 0])]);

/** The field changes between snapshots A and B, as the test makes them (file order, then document order). */
const A_TO_B: Row[] = [
  // a plain list is aligned by value: a replaced entry is a removal and an addition at its position (as dyff)
  { file: 'conf.d/cache.yaml', path: ['cache', 'servers', 1], pathText: 'cache.servers[1]', kind: 'removed', from: 'cache-2:6379' },
  { file: 'conf.d/cache.yaml', path: ['cache', 'servers', 1], pathText: 'cache.servers[1]', kind: 'added', to: 'cache-9:6379' },
  { file: 'config.yaml', path: ['database', 'pool', 'max'], pathText: 'database.pool.max', kind: 'changed', from: 20, to: 30 },
  { file: 'config.yaml', path: ['upstreams', { name: 'auth' }, 'timeout'], pathText: 'upstreams[name=auth].timeout', kind: 'changed', from: '2s', to: '5s' },
  { file: 'limits.json', path: ['tenants', 'acme'], pathText: 'tenants.acme', kind: 'changed', from: 100, to: 101 },
];

let dir = '';
let store = '';
let revA = '';
let revB = '';

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(join(dir, file), 'utf8');
  if (!text.includes(from)) throw new Error(`test setup: '${from}' not in ${file}`);
  writeFileSync(join(dir, file), text.replace(from, to));
}

function snap(title: string): string {
  const r = cfgtrail(['snapshot', '-m', title, '--json'], { cwd: dir });
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as { commit: string }).commit;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfgtrail-diff-'));
  cpSync(join(FIXTURES, 'example'), dir, { recursive: true });
  store = join(dir, '.cfgtrail');
  writeFileSync(join(dir, 'order.yaml'), 'a: 1\nb: two\n');
  writeFileSync(join(dir, 'typed.yaml'), 'count: "10"\n');
  writeFileSync(join(dir, 'gone.yaml'), 'old: true\n');
  writeFileSync(join(dir, 'broken.yaml'), 'ok: 1\n');
  writeFileSync(join(dir, 'logo.png'), BLOB_A);
  cfgtrail(['init'], { cwd: dir });
  revA = snap('A');
  replaceIn('conf.d/cache.yaml', 'cache-2:6379', 'cache-9:6379');
  replaceIn('config.yaml', 'max: 20', 'max: 30');
  replaceIn('config.yaml', 'timeout: 2s', 'timeout: 5s');
  replaceIn('limits.json', '"acme": 100', '"acme": 101');
  revB = snap('B');
  // Live drift since B.
  writeFileSync(join(dir, 'typed.yaml'), 'count: 10\n');
  writeFileSync(join(dir, 'order.yaml'), '# reordered\nb: two\na: 1\n');
  // PyYAML also places this error on line 2.
  writeFileSync(join(dir, 'broken.yaml'), 'ok: 1\nbad: x: y\n');
  writeFileSync(join(dir, 'logo.png'), BLOB_B);
  unlinkSync(join(dir, 'gone.yaml'));
  writeFileSync(join(dir, 'added.yaml'), 'fresh:\n  on: yes\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function diffJson(args: string[]): Row[] {
  const r = cfgtrail(['diff', '--json', ...args], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}

describe('diff between revisions', () => {
  it('REV REV gives exactly the field changes made, with string, number and {name} path segments', () => {
    expect(diffJson([revA, revB])).toEqual(A_TO_B);
    expect(diffJson(['HEAD~1', 'HEAD'])).toEqual(A_TO_B);
  });

  it('REV REV the other way round swaps from and to', () => {
    const swapped = (r: Row): Row => {
      if (r.kind === 'changed') return { ...r, from: r.to, to: r.from };
      const { from, to, ...rest } = r;
      return r.kind === 'removed' ? { ...rest, kind: 'added', to: from } : { ...rest, kind: 'removed', from: to };
    };
    const reversed = A_TO_B.map(swapped);
    // the removal of cache-9 comes before the addition of cache-2
    expect(diffJson([revB, revA])).toEqual([reversed[1], reversed[0], ...reversed.slice(2)]);
  });

  it('-- PATH limits to a file or a directory', () => {
    expect(diffJson([revA, revB, '--', 'config.yaml'])).toEqual(A_TO_B.filter((r) => r.file === 'config.yaml'));
    expect(diffJson([revA, revB, '--', 'conf.d'])).toEqual(A_TO_B.filter((r) => r.file.startsWith('conf.d/')));
    expect(diffJson([revA, revB, '--', 'conf.d/', 'limits.json'])).toEqual(A_TO_B.filter((r) => r.file !== 'config.yaml'));
  });

  it('text output names each field with from → to', () => {
    const r = cfgtrail(['diff', revA, revB, '--', 'config.yaml'], { cwd: dir });
    expect(r.stdout).toBe('config.yaml (modified)\n  database.pool.max: 20 → 30\n  upstreams[name=auth].timeout: 2s → 5s\n');
  });

  it('more than two revisions is a usage error', () => {
    const r = cfgtrail(['diff', revA, revB, 'HEAD'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at most two revisions/);
  });
});

describe('diff of the live files', () => {
  it('live vs HEAD: one row per change, of every kind', () => {
    const rows = diffJson([]);
    expect(rows.map((r) => r.file)).toEqual(['added.yaml', 'broken.yaml', 'gone.yaml', 'logo.png', 'order.yaml', 'typed.yaml']);
    const by = (file: string) => rows.filter((r) => r.file === file);
    expect(by('added.yaml')).toEqual([{ file: 'added.yaml', path: ['fresh'], pathText: 'fresh', kind: 'added', to: { on: 'yes' } }]);
    expect(by('gone.yaml')).toEqual([{ file: 'gone.yaml', path: ['old'], pathText: 'old', kind: 'removed', from: true }]);
    expect(by('logo.png')).toEqual([{ file: 'logo.png', kind: 'binary', status: 'modified', fromSize: BLOB_A.length, toSize: BLOB_B.length }]);
    expect(by('order.yaml')).toEqual([{ file: 'order.yaml', kind: 'formatting' }]);
    // A quoted "10" and a bare 10 differ in type: that is a change.
    expect(by('typed.yaml')).toEqual([{ file: 'typed.yaml', path: ['count'], pathText: 'count', kind: 'changed', from: '10', to: 10 }]);
    const [broken] = by('broken.yaml');
    expect(broken).toMatchObject({ file: 'broken.yaml', kind: 'text' });
    expect(broken!.warning).toMatch(/^broken\.yaml:2:\d+: /);
    expect(broken!.patch).toContain('\n+bad: x: y\n');
    // The unchanged line is context, as in git's patch of the stored version.
    expect(git(['--git-dir', store, 'show', `${revB}:broken.yaml`])).toBe('ok: 1\n');
    expect(broken!.patch).toMatch(/^ ok: 1$/m);
  });

  it('text output: formatting only, the parse warning with file:line:col, binary sizes', () => {
    const r = cfgtrail(['diff'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^order\.yaml \(modified\)\n {2}\(formatting only: no field changed\)$/m);
    expect(r.stdout).toMatch(/^warning: broken\.yaml:2:\d+: .+ — showing a text diff$/m);
    expect(r.stdout).toContain(`binary file changed (${BLOB_A.length} B → ${BLOB_B.length} B)`);
    expect(r.stdout).toMatch(/^typed\.yaml \(modified\)\n {2}count: "10" → 10$/m);
    expect(r.stdout).toMatch(/^gone\.yaml \(deleted\)$/m);
    expect(r.stdout).toMatch(/^added\.yaml \(added\)$/m);
  });

  it('live vs an older REV includes the committed changes and the drift', () => {
    const rows = diffJson([revA]);
    for (const change of A_TO_B) expect(rows).toContainEqual(change);
    expect(rows).toContainEqual({ file: 'typed.yaml', path: ['count'], pathText: 'count', kind: 'changed', from: '10', to: 10 });
    expect(diffJson([revA, '--', 'config.yaml'])).toEqual(A_TO_B.filter((r) => r.file === 'config.yaml'));
  });

  it('status --json and --exit-code report drift; a snapshot makes them clean', () => {
    const copy = mkdtempSync(join(tmpdir(), 'cfgtrail-diff-status-'));
    try {
      cpSync(dir, copy, { recursive: true });
      const st = cfgtrail(['status', '--json'], { cwd: copy });
      const json = JSON.parse(st.stdout) as { head: string; clean: boolean; files: { path: string; status: string; formattingOnly: boolean; format: string }[] };
      expect(json.head).toBe(revB);
      expect(json.clean).toBe(false);
      expect(json.files.map((f) => [f.path, f.status])).toEqual([
        ['added.yaml', 'added'], ['broken.yaml', 'modified'], ['gone.yaml', 'deleted'], ['logo.png', 'modified'], ['order.yaml', 'modified'], ['typed.yaml', 'modified'],
      ]);
      expect(json.files.find((f) => f.path === 'order.yaml')!.formattingOnly).toBe(true);
      expect(cfgtrail(['status', '--exit-code'], { cwd: copy }).code).toBe(1);
      expect(cfgtrail(['diff', '--exit-code'], { cwd: copy }).code).toBe(1);
      const s = cfgtrail(['snapshot', '-m', 'record drift'], { cwd: copy });
      expect(s.code).toBe(0);
      expect(s.stderr).toMatch(/^warning: broken\.yaml:2:\d+: /);
      expect(cfgtrail(['status', '--exit-code'], { cwd: copy }).code).toBe(0);
      expect(cfgtrail(['diff', '--exit-code'], { cwd: copy })).toMatchObject({ code: 0, stdout: '' });
      expect(JSON.parse(cfgtrail(['status', '--json'], { cwd: copy }).stdout)).toMatchObject({ clean: true, files: [] });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
