import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { planRollback } from '../../../src/ops/rollback/plan.js';
import { serializeTree, type TreeEntry } from '../../../src/core/git/tree.js';
import { writeLooseObject } from '../../../src/core/git/objects.js';
import { git, tempDir } from '../../helpers/cli.js';
import { picture, snap, storeWith } from './builders.js';

/** Commits a hand-made tree (entries git's own tools refuse) on top of HEAD. */
function commitTree(gitdir: string, entries: TreeEntry[], nested?: { name: string; entries: TreeEntry[] }): string {
  const all = [...entries];
  if (nested) all.push({ mode: '40000', path: nested.name, oid: writeLooseObject(gitdir, 'tree', serializeTree(nested.entries)) });
  const tree = writeLooseObject(gitdir, 'tree', serializeTree(all));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' };
  const head = git(['--git-dir', gitdir, 'rev-parse', 'HEAD']).trim();
  const commit = execFileSync('git', ['--git-dir', gitdir, 'commit-tree', tree, '-p', head, '-m', 'crafted'], { env, encoding: 'utf8' }).trim();
  git(['--git-dir', gitdir, 'update-ref', 'HEAD', commit]);
  return commit;
}

describe('path safety', () => {
  it.each([
    ['an entry named ..', (blob: string) => [{ mode: '100644', path: '..', oid: blob }]],
    ['an entry with a slash climbing out', (blob: string) => [{ mode: '100644', path: '../../escaped.yaml', oid: blob }]],
    ['an absolute entry', (blob: string) => [{ mode: '100644', path: '/tmp/escaped.yaml', oid: blob }]],
    ['an entry inside the store', (blob: string) => [{ mode: '100644', path: '.cfgtrail/HEAD', oid: blob }]],
  ])('refuses %s before writing anything', async (_name, entries) => {
    const { dir, store } = await storeWith({ 'a.yaml': 'a: 1\n' });
    await snap(dir, 'one');
    const gitdir = join(dir, '.cfgtrail');
    const blob = writeLooseObject(gitdir, 'blob', Buffer.from('owned: true\n'));
    const bad = commitTree(gitdir, entries(blob));
    const before = picture(dir, '');
    // Such names cannot be in a well-formed git tree: reading the tree refuses it (git fsck's checks).
    expect(() => planRollback(store(), { rev: bad, services: [], restart: false, verify: false })).toThrow(expect.objectContaining({ code: 'CORRUPT_STORE', message: expect.stringMatching(/is malformed/) }));
    expect(picture(dir, '')).toEqual(before);
  });

  it('refuses to write through a live symlink that points out of the root', async () => {
    const { dir, store } = await storeWith({ 'conf.d/a.yaml': 'a: 1\n' });
    const one = await snap(dir, 'one');
    // conf.d is replaced by a symlink to a directory outside the root.
    const outside = tempDir();
    renameSync(join(dir, 'conf.d'), join(dir, 'conf.d.old'));
    symlinkSync(outside, join(dir, 'conf.d'));
    expect(() => planRollback(store(), { rev: one.commit, services: [], restart: false, verify: false })).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a stored tree that writes below a symlink it also restores', async () => {
    const { dir, store } = await storeWith({ 'a.yaml': 'a: 1\n' });
    await snap(dir, 'one');
    const gitdir = join(dir, '.cfgtrail');
    const link = writeLooseObject(gitdir, 'blob', Buffer.from(tempDir()));
    const blob = writeLooseObject(gitdir, 'blob', Buffer.from('x: 1\n'));
    // Both 'ln' (a symlink) and 'ln/x.yaml' (a file below it): a crafted tree with a duplicate name.
    const bad = commitTree(gitdir, [{ mode: '120000', path: 'ln', oid: link }], { name: 'ln', entries: [{ mode: '100644', path: 'x.yaml', oid: blob }] });
    expect(() => planRollback(store(), { rev: bad, services: [], restart: false, verify: false })).toThrow(expect.objectContaining({ code: 'CORRUPT_STORE', message: expect.stringMatching(/duplicateEntries/) }));
  });
});
