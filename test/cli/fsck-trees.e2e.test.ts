/**
 * Trees git's fsck refuses (duplicate names, a file and a directory of one
 * name, wrong order, bad modes, `.`/`..`/`.git`/`/`/empty names): `cfgtrail
 * fsck` refuses each as `git fsck --full --strict` does, naming git's message
 * id, and a rollback to such a tree exits 7 before anything is written.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfgtrail, tempDir } from '../helpers/cli.js';

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };

function gitB(store: string, args: string[], input?: Buffer | string): string {
  return execFileSync('git', ['--git-dir', store, ...args], { input, env, encoding: 'utf8' }).trim();
}

type Entry = [mode: string, name: string, oid: string];

/** A tree object written as given: no sorting, no checks (git mktree would refuse some of these). */
function rawTree(store: string, entries: Entry[]): string {
  const body = Buffer.concat(entries.map(([mode, name, oid]) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')])));
  return gitB(store, ['hash-object', '-w', '-t', 'tree', '--literally', '--stdin'], body);
}

/** A store with two snapshots of config.yaml and conf.d/x.yaml, plus a blob and a subtree to build trees from. */
function setup() {
  const dir = tempDir();
  execFileSync('mkdir', ['-p', join(dir, 'conf.d')]);
  writeFileSync(join(dir, 'config.yaml'), 'a: 1\n');
  writeFileSync(join(dir, 'conf.d/x.yaml'), 'x: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'v1'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'config.yaml'), 'a: 2\n');
  expect(cfgtrail(['snapshot', '-m', 'v2'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  const blob = gitB(store, ['hash-object', '-w', '--stdin'], 'dup: 1\n');
  const sub = rawTree(store, [['100644', 'x.yaml', blob]]);
  /** Commits `tree` on the branch HEAD names. */
  const commit = (tree: string) => {
    const c = gitB(store, ['commit-tree', tree, '-p', 'HEAD', '-m', 'crafted']);
    gitB(store, ['update-ref', 'HEAD', c]);
    return c;
  };
  return { dir, store, blob, sub, commit };
}

/** The message ids `git fsck --full --strict` gives for `tree`, and whether it failed. */
function gitVerdict(store: string, tree: string): { ok: boolean; ids: string[] } {
  const r = spawnSync('git', ['--git-dir', store, 'fsck', '--full', '--strict', '--no-dangling'], { env, encoding: 'utf8' });
  const ids = [...`${r.stdout}${r.stderr}`.matchAll(new RegExp(`(?:error|warning) in tree ${tree}: (\\w+):`, 'g'))].map((m) => m[1]!);
  return { ok: r.status === 0, ids };
}

const CASES: [string, (b: string, s: string) => Entry[]][] = [
  ['a file entry twice', (b) => [['100644', 'a.yaml', b], ['100644', 'a.yaml', b]]],
  ['a file and a directory of one name, unsorted', (b, s) => [['40000', 'conf.d', s], ['100644', 'config.yaml', b], ['100644', 'conf.d', b]]],
  ['a file and a directory of one name, in order', (b, s) => [['100644', 'x', b], ['100644', 'x-a', b], ['40000', 'x', s]]],
  ['names out of order', (b) => [['100644', 'b.yaml', b], ['100644', 'a.yaml', b]]],
  ['a directory sorted as if without its slash', (b, s) => [['40000', 'a', s], ['100644', 'a.yaml', b]]],
  ['a zero-padded mode', (b, s) => [['040000', 'd', s]]],
  ['a .. entry', (b) => [['100644', '..', b]]],
  ['a . entry', (b) => [['100644', '.', b]]],
  ['a .git entry', (b, s) => [['40000', '.GIT', s]]],
  ['a name with a slash', (b) => [['100644', 'a/b.yaml', b]]],
  ['an empty name', (b) => [['100644', '', b]]],
];

describe('cfgtrail fsck checks tree entries as git fsck --strict does', () => {
  it.each(CASES)('%s: both refuse it, cfgtrail naming git\'s message id', (_name, entries) => {
    const { dir, store, blob, sub, commit } = setup();
    const tree = rawTree(store, entries(blob, sub));
    commit(tree);
    const git = gitVerdict(store, tree);
    expect(git.ok).toBe(false);
    const r = cfgtrail(['fsck'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(7);
    const ours = [...`${r.stdout}${r.stderr}`.matchAll(new RegExp(`${tree}.*\\((\\w+)\\)$`, 'gm'))].map((m) => m[1]!);
    for (const id of git.ids) expect(ours, `${r.stdout}${r.stderr}`).toContain(id);
  });

  it.each([['100664'], ['100600']])('mode %s: git only warns (badFilemode), and so does cfgtrail (exit 0)', (mode) => {
    const { dir, store, blob, commit } = setup();
    const tree = rawTree(store, [[mode, 'a.yaml', blob]]);
    commit(tree);
    expect(gitVerdict(store, tree)).toEqual({ ok: true, ids: ['badFilemode'] });
    const r = cfgtrail(['fsck'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^warning: object ${tree}: .*mode ${mode} \\(badFilemode\\)$`, 'm'));
  });

  it('a well-formed tree built the same way passes both', () => {
    const { dir, store, blob, sub, commit } = setup();
    const tree = rawTree(store, [['100644', '.cfgtrail-x', blob], ['100644', 'a', blob], ['100644', 'a-b', blob], ['40000', 'a.d', sub], ['100755', 'run', blob], ['40000', 'sub', sub]]);
    commit(tree);
    expect(gitVerdict(store, tree).ok).toBe(true);
    const r = cfgtrail(['fsck'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

describe('a rollback to a malformed tree is refused before anything is written', () => {
  it.each([
    ['duplicate entries', (b: string, s: string): Entry[] => [['40000', 'conf.d', s], ['100644', 'config.yaml', b], ['100644', 'config.yaml', b]], 'duplicateEntries'],
    ['a file and a directory conf.d', (b: string, s: string): Entry[] => [['40000', 'conf.d', s], ['100644', 'config.yaml', b], ['100644', 'conf.d', b]], 'treeNotSorted'],
    ['a .. entry in a subdirectory', (b: string, s: string, raw: (e: Entry[]) => string): Entry[] => [['40000', 'conf.d', raw([['100644', '..', b]])], ['100644', 'config.yaml', b]], 'hasDotdot'],
  ])('%s: exit 7 naming the problem; files, HEAD and the drift untouched', (_name, entries, id) => {
    const { dir, store, blob, sub, commit } = setup();
    const target = commit(rawTree(store, entries(blob, sub, (e) => rawTree(store, e))));
    // Back to a well-formed HEAD, with an uncommitted edit (a rollback would snapshot it first).
    const good = gitB(store, ['commit-tree', `${target}~1^{tree}`, '-p', target, '-m', 'good again']);
    gitB(store, ['update-ref', 'HEAD', good]);
    writeFileSync(join(dir, 'config.yaml'), 'a: 5\n');
    const r = cfgtrail(['rollback', target, '--yes'], { cwd: dir });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(`(${id})`);
    expect(r.stderr).toMatch(/malformed/);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('a: 5\n');
    expect(readFileSync(join(dir, 'conf.d/x.yaml'), 'utf8')).toBe('x: 1\n');
    expect(gitB(store, ['rev-parse', 'HEAD'])).toBe(good);
  });
});
