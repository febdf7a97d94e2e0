import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countNew, isAncestor } from '../../../src/core/git/ancestry.js';
import { objectsToSend } from '../../../src/core/git/objects-to-send.js';
import { openObjectStore } from '../../../src/core/git/objects.js';
import { deleteRef } from '../../../src/core/git/refs.js';
import { listRefs } from '../../../src/core/git/ref-list.js';
import { git, tempDir } from '../../helpers/cli.js';

/** A repository with a fork and a merge: a - b - c (main), b - d (side), m = merge(c, d). */
function forkedRepo(): { gitdir: string; oid: (rev: string) => string } {
  const dir = tempDir();
  const g = (...args: string[]) => git(['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@x', ...args]);
  g('init', '-q', '-b', 'main');
  for (const name of ['a', 'b']) {
    writeFileSync(join(dir, name), name);
    g('add', name);
    g('commit', '-q', '-m', name);
  }
  g('checkout', '-q', '-b', 'side');
  writeFileSync(join(dir, 'd'), 'd');
  g('add', 'd');
  g('commit', '-q', '-m', 'd');
  g('checkout', '-q', 'main');
  writeFileSync(join(dir, 'c'), 'c');
  g('add', 'c');
  g('commit', '-q', '-m', 'c');
  g('checkout', '-q', '-b', 'merged');
  g('merge', '-q', '--no-edit', 'side');
  return { gitdir: join(dir, '.git'), oid: (rev) => g('rev-parse', rev).trim() };
}

describe('ancestry answered from our object store, native git as the witness', () => {
  it('agrees with git merge-base --is-ancestor and git rev-list --count', () => {
    const { gitdir, oid } = forkedRepo();
    const objects = openObjectStore(gitdir);
    const revs = ['main~2', 'main~1', 'main', 'side', 'merged'];
    for (const a of revs) {
      for (const b of revs) {
        let native = true;
        try {
          git(['--git-dir', gitdir, 'merge-base', '--is-ancestor', oid(a), oid(b)]);
        } catch {
          native = false;
        }
        expect(isAncestor(objects, oid(a), oid(b)), `${a} ancestor of ${b}`).toBe(native);
        const count = Number(git(['--git-dir', gitdir, 'rev-list', '--count', oid(b), `^${oid(a)}`]).trim());
        expect(countNew(objects, oid(b), [oid(a)]), `${a}..${b}`).toBe(count);
      }
    }
    expect(isAncestor(objects, 'f'.repeat(40), oid('main'))).toBe(false); // a commit we never had
  });
});

describe('listRefs and deleteRef over loose and packed refs', () => {
  it('lists what git for-each-ref lists, and deletes so that git no longer sees the ref', () => {
    const { gitdir, oid } = forkedRepo();
    git(['--git-dir', gitdir, 'update-ref', 'refs/remotes/o/hosts/web-1', oid('main')]);
    git(['--git-dir', gitdir, 'update-ref', 'refs/remotes/o/hosts/web-2', oid('side')]);
    git(['--git-dir', gitdir, 'tag', '-a', '-m', 't', 'v1', oid('main')]);
    git(['--git-dir', gitdir, 'pack-refs', '--all']);
    git(['--git-dir', gitdir, 'update-ref', 'refs/remotes/o/hosts/web-2', oid('merged')]); // loose over packed
    const native = (prefix: string) => new Map(git(['--git-dir', gitdir, 'for-each-ref', '--format=%(refname) %(objectname)', prefix]).split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
    expect(listRefs(gitdir, 'refs/remotes/o/hosts/')).toEqual(native('refs/remotes/o/hosts/'));
    expect(listRefs(gitdir, 'refs/tags/')).toEqual(native('refs/tags/'));
    deleteRef(gitdir, 'refs/remotes/o/hosts/web-2');
    deleteRef(gitdir, 'refs/tags/v1'); // packed, with a peeled line
    expect(native('refs/remotes/o/hosts/')).toEqual(new Map([['refs/remotes/o/hosts/web-1', oid('main')]]));
    expect(native('refs/tags/')).toEqual(new Map());
    git(['--git-dir', gitdir, 'fsck', '--strict']);
  });
});

describe('objectsToSend, native git rev-list --objects as the witness', () => {
  it('sends every object git would send for WANT ^HAVE, and none the server has', () => {
    const { gitdir, oid } = forkedRepo();
    const objects = openObjectStore(gitdir);
    const native = (want: string, have?: string) => new Set(git(['--git-dir', gitdir, 'rev-list', '--objects', want, ...(have ? [`^${have}`] : [])]).split('\n').filter(Boolean).map((l) => l.slice(0, 40)));
    const haveAll = (have: string) => new Set(git(['--git-dir', gitdir, 'rev-list', '--objects', have]).split('\n').filter(Boolean).map((l) => l.slice(0, 40)));
    for (const [want, have] of [['main', 'main~2'], ['main', 'main~1'], ['side', 'main~1'], ['main', undefined]] as const) {
      const ours = new Set(objectsToSend(objects, [oid(want)], have ? [oid(have)] : []).keys());
      for (const o of native(want, have && oid(have))) expect(ours.has(o), `${want} ^${have}: ${o}`).toBe(true);
      if (have) for (const o of ours) expect(haveAll(oid(have)).has(o), `${want} ^${have} sends ${o} the server has`).toBe(false);
    }
  });
});
