import fs from 'node:fs';
import path from 'node:path';
import ig from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { packStore } from '../../../src/core/git/gc.js';
import { listLooseOids, openObjectStore, writeLooseObject } from '../../../src/core/git/objects.js';
import { buildHistory, git, readAllWithGit, tempRepo } from './objects-fixtures.js';

function packFiles(gitdir: string): string[] {
  return fs.readdirSync(path.join(gitdir, 'objects', 'pack')).sort();
}

describe('packStore', () => {
  it('packs loose objects and old packs into one verified pack, keeping unreachable objects', async () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 12);
    git(dir, ['repack', '-dq']); // an old pack holding the first commits
    buildHistory(path.join(dir, 'more'), 0); // new files (incl. a symlink) in the next commit only
    fs.writeFileSync(path.join(dir, 'later.txt'), 'later\n');
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-qm', 'later']);
    const dangling = writeLooseObject(gitdir, 'blob', Buffer.from('referenced by nothing\n'));
    git(dir, ['tag', '-a', 'v1', '-m', 'annotated']);
    const before = readAllWithGit(dir);
    const loose = listLooseOids(gitdir).length;
    expect(loose).toBeGreaterThan(0);

    const res = await packStore(gitdir);
    expect(res).toMatchObject({ looseBefore: loose, packsBefore: 1, packsAfter: 1, packedObjects: before.size });
    expect(res.bytesAfter).toBeLessThan(res.bytesBefore);
    expect(listLooseOids(gitdir)).toEqual([]);
    expect(packFiles(gitdir).filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    expect(git(dir, ['fsck', '--strict', '--no-dangling'])).toBe('');
    const after = readAllWithGit(dir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(after.get(dangling)?.content.toString()).toBe('referenced by nothing\n');
    const store = openObjectStore(gitdir);
    for (const [oid, obj] of before) expect(store.read(oid).content.equals(obj.content)).toBe(true);
    expect(git(dir, ['log', '--format=%s', '-1', 'v1'])).toBe('later');
    // isomorphic-git, a second reader besides native git, reads the new pack too
    const log = await ig.log({ fs, gitdir, cache: {} });
    expect(log.map((c) => c.oid)).toEqual(git(dir, ['rev-list', 'HEAD']).split('\n'));
    const blob = await ig.readBlob({ fs, gitdir, oid: git(dir, ['rev-parse', 'HEAD:conf/big.yaml']), cache: {} });
    expect(Buffer.from(blob.blob).equals(before.get(blob.oid)!.content)).toBe(true);
  });

  it('is idempotent: repacking a single pack keeps a readable store', async () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 5);
    await packStore(gitdir);
    const first = packFiles(gitdir);
    const res = await packStore(gitdir);
    expect(res).toMatchObject({ looseBefore: 0, packsBefore: 1, packsAfter: 1 });
    expect(packFiles(gitdir)).toEqual(first);
    expect(git(dir, ['fsck', '--strict', '--no-dangling'])).toBe('');
  });

  it('removes nothing when an object cannot be read (the old objects stay)', async () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 4);
    const loose = listLooseOids(gitdir);
    const blob = git(dir, ['rev-parse', 'HEAD:README.md']);
    const file = path.join(gitdir, 'objects', blob.slice(0, 2), blob.slice(2));
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, Buffer.from('not zlib at all'));
    let err: unknown;
    await packStore(gitdir).catch((e: unknown) => { err = e; });
    expect(isCfgtrailError(err, 'CORRUPT_STORE')).toBe(true);
    expect(listLooseOids(gitdir).sort()).toEqual(loose.sort());
    expect(fs.existsSync(path.join(gitdir, 'objects', 'pack')) ? packFiles(gitdir).filter((f) => f.startsWith('tmp')) : []).toEqual([]);
  });

  it('returns zeros for an empty store', async () => {
    const { gitdir } = tempRepo();
    expect(await packStore(gitdir)).toEqual({ looseBefore: 0, packedObjects: 0, packsBefore: 0, packsAfter: 0, bytesBefore: 0, bytesAfter: 0 });
  });
});
