import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { hashObject, listLooseOids, openObjectStore, writeLooseObject } from '../../../src/core/git/objects.js';
import { openPack } from '../../../src/core/git/pack-read.js';
import { buildHistory, git, readAllWithGit, tempRepo } from './objects-fixtures.js';

function expectSameAsGit(dir: string, gitdir: string): number {
  const expected = readAllWithGit(dir);
  const store = openObjectStore(gitdir);
  for (const [oid, obj] of expected) {
    const got = store.read(oid);
    expect(got.type).toBe(obj.type);
    expect(got.content.equals(obj.content)).toBe(true);
  }
  store.close();
  return expected.size;
}

/** Counts the entry kinds of every pack in a repo by walking each idx offset. */
function entryKinds(gitdir: string): Record<string, number> {
  const kinds: Record<string, number> = {};
  const dir = path.join(gitdir, 'objects', 'pack');
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.idx'))) {
    const pack = openPack(path.join(dir, f));
    for (let i = 0; i < pack.index.count; i++) {
      const k = pack.readEntry(pack.index.offsetAt(i)).kind;
      kinds[k] = (kinds[k] ?? 0) + 1;
    }
    pack.close();
  }
  return kinds;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isCfgtrailError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('openObjectStore', () => {
  it('reads every loose object exactly as git does', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 6);
    expect(listLooseOids(gitdir).length).toBeGreaterThan(20);
    expect(expectSameAsGit(dir, gitdir)).toBe(listLooseOids(gitdir).length);
  });

  it('reads OFS_DELTA packs (git repack -adf) exactly as git does', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 25);
    git(dir, ['repack', '-adfq', '--depth=50']);
    git(dir, ['prune-packed']);
    const kinds = entryKinds(gitdir);
    expect(kinds.ofs).toBeGreaterThan(10);
    expect(listLooseOids(gitdir)).toEqual([]);
    expectSameAsGit(dir, gitdir);
  });

  it('reads REF_DELTA packs exactly as git does', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 25);
    git(dir, ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-adfq']);
    const kinds = entryKinds(gitdir);
    expect(kinds.ref).toBeGreaterThan(10);
    expect(kinds.ofs).toBeUndefined();
    expectSameAsGit(dir, gitdir);
  });

  it('answers has() and resolvePrefix() over loose and packed objects', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 8);
    git(dir, ['gc', '-q']);
    const blob = writeLooseObject(gitdir, 'blob', Buffer.from('loose after gc\n'));
    const all = [...readAllWithGit(dir).keys()];
    expect(all).toContain(blob);
    const store = openObjectStore(gitdir);
    for (const oid of all) expect(store.has(oid)).toBe(true);
    expect(store.has('0'.repeat(40))).toBe(false);
    for (const oid of all.slice(0, 20).concat(blob)) {
      const prefix = oid.slice(0, 4);
      expect(store.resolvePrefix(prefix)).toEqual(all.filter((o) => o.startsWith(prefix)).sort());
      expect(store.resolvePrefix(oid)).toEqual([oid]);
    }
    expect(codeOf(() => store.resolvePrefix('abc'))).toBe('BAD_INPUT');
    const packDir = path.join(gitdir, 'objects', 'pack');
    const idx = path.join(packDir, fs.readdirSync(packDir).find((f) => f.endsWith('.idx'))!);
    const packOnly = openObjectStore(gitdir, { onlyPacks: [idx] });
    expect(packOnly.has(blob)).toBe(false);
    expect(packOnly.resolvePrefix(blob)).toEqual([]);
    expect(packOnly.has(git(dir, ['rev-parse', 'HEAD']))).toBe(true);
  });

  it('finds objects of a pack written after the store was opened', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 3);
    const store = openObjectStore(gitdir);
    const head = git(dir, ['rev-parse', 'HEAD']);
    expect(store.read(head).type).toBe('commit');
    fs.writeFileSync(path.join(dir, 'new.txt'), 'new\n');
    git(dir, ['add', 'new.txt']);
    git(dir, ['commit', '-qm', 'new']);
    git(dir, ['gc', '-q', '--prune=now']);
    expect(listLooseOids(gitdir)).toEqual([]);
    const next = git(dir, ['rev-parse', 'HEAD']);
    expect(store.read(next).type).toBe('commit');
    expect(store.read(head).type).toBe('commit');
  });

  it('answers a second read of an object from memory, while has() keeps asking the disk', () => {
    const { gitdir } = tempRepo();
    const content = Buffer.from('read twice\n');
    const oid = writeLooseObject(gitdir, 'blob', content);
    const store = openObjectStore(gitdir);
    expect(store.read(oid).content.equals(content)).toBe(true);
    fs.rmSync(path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
    expect(store.read(oid).content.equals(content)).toBe(true);
    // a snapshot skips writing objects has() reports, so it must never answer from the cache
    expect(store.has(oid)).toBe(false);
    expect(codeOf(() => openObjectStore(gitdir).read(oid))).toBe('CORRUPT_STORE');
  });

  it('keeps a small cached object in memory of its own size, not in a zlib chunk', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 3);
    git(dir, ['gc', '-q']);
    const store = openObjectStore(gitdir);
    const head = git(dir, ['rev-parse', 'HEAD']);
    const loose = writeLooseObject(gitdir, 'blob', Buffer.from('small\n'));
    for (const oid of [head, loose]) {
      store.read(oid);
      const cached = store.read(oid).content;
      expect(cached.buffer.byteLength).toBe(cached.length);
    }
  });

  it('throws CORRUPT_STORE for missing, damaged and truncated loose objects', () => {
    const { gitdir } = tempRepo();
    const oid = writeLooseObject(gitdir, 'blob', Buffer.from('some content that will be damaged\n'.repeat(10)));
    const file = path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
    const good = fs.readFileSync(file);
    expect(codeOf(() => openObjectStore(gitdir).read('1'.repeat(40)))).toBe('CORRUPT_STORE');
    fs.chmodSync(file, 0o644);
    let rejected = 0;
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i]! ^= 0x40;
      fs.writeFileSync(file, bad);
      // a flip in deflate's unused padding bits still yields the right bytes: then the read must succeed
      let content: Buffer | undefined;
      const code = codeOf(() => (content = openObjectStore(gitdir).read(oid).content));
      if (code === 'CORRUPT_STORE') rejected++;
      else expect(hashObject('blob', content!)).toBe(oid);
    }
    expect(rejected).toBeGreaterThan(good.length - 3);
    fs.writeFileSync(file, good.subarray(0, good.length - 6));
    expect(codeOf(() => openObjectStore(gitdir).read(oid))).toBe('CORRUPT_STORE');
    // right zlib, wrong content: the hash check catches it
    fs.writeFileSync(file, zlib.deflateSync(Buffer.from('blob 5\0hello')));
    expect(codeOf(() => openObjectStore(gitdir).read(oid))).toBe('CORRUPT_STORE');
  });

  it('throws CORRUPT_STORE, never anything else, for flipped bytes in a pack', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 10);
    git(dir, ['repack', '-adfq']);
    git(dir, ['prune-packed']);
    const oids = [...readAllWithGit(dir).keys()];
    const packDir = path.join(gitdir, 'objects', 'pack');
    const packFile = path.join(packDir, fs.readdirSync(packDir).find((f) => f.endsWith('.pack'))!);
    const good = fs.readFileSync(packFile);
    fs.chmodSync(packFile, 0o644);
    let failures = 0;
    for (let k = 0; k < 40; k++) {
      const bad = Buffer.from(good);
      const at = 12 + Math.floor(((k + 0.5) / 40) * (good.length - 32));
      bad[at]! ^= 0x10;
      fs.writeFileSync(packFile, bad);
      const store = openObjectStore(gitdir);
      for (const oid of oids) if (codeOf(() => store.read(oid)) === 'CORRUPT_STORE') failures++;
      store.close();
    }
    expect(failures).toBeGreaterThanOrEqual(40);
    fs.writeFileSync(packFile, Buffer.from('PACK but not really'));
    expect(codeOf(() => openObjectStore(gitdir).read(oids[0]!))).toBe('CORRUPT_STORE');
  });

  it('has() finds a loose object although a pack cannot be opened, and reports the pack otherwise', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 3);
    git(dir, ['repack', '-adq']);
    const loose = writeLooseObject(gitdir, 'blob', Buffer.from('loose beside a broken pack\n'));
    const packDir = path.join(gitdir, 'objects', 'pack');
    const packFile = path.join(packDir, fs.readdirSync(packDir).find((f) => f.endsWith('.pack'))!);
    fs.chmodSync(packFile, 0o644);
    fs.writeFileSync(packFile, Buffer.from('PACK but not really'));
    expect(openObjectStore(gitdir).has(loose)).toBe(true);
    expect(codeOf(() => openObjectStore(gitdir).has('1'.repeat(40)))).toBe('CORRUPT_STORE');
  });
});

describe('writeLooseObject / hashObject', () => {
  it('writes objects native git reads, with the ids git computes', () => {
    const { dir, gitdir } = tempRepo();
    const contents = [Buffer.alloc(0), Buffer.from('a: 1\n'), Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251))];
    for (const c of contents) {
      const oid = writeLooseObject(gitdir, 'blob', c);
      expect(oid).toBe(git(dir, ['hash-object', '--stdin'], c));
      expect(hashObject('blob', c)).toBe(oid);
      expect(git(dir, ['cat-file', '-s', oid])).toBe(String(c.length));
      expect(writeLooseObject(gitdir, 'blob', c)).toBe(oid);
    }
    expect(git(dir, ['fsck', '--strict', '--no-dangling'])).toBe('');
    expect(fs.readdirSync(path.join(gitdir, 'objects')).some((f) => f.includes('tmp'))).toBe(false);
  });

  it('reads HEAD and its tree from a packed repo quickly with a fresh store', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 400, 3);
    git(dir, ['gc', '-q', '--prune=now']);
    const count = git(dir, ['count-objects', '-v']);
    const head = git(dir, ['rev-parse', 'HEAD']);
    const t0 = performance.now();
    const store = openObjectStore(gitdir);
    const commit = store.read(head);
    const treeOid = /^tree ([0-9a-f]{40})/.exec(commit.content.toString())![1]!;
    const tree = store.read(treeOid);
    const ms = performance.now() - t0;
    console.log(`fresh store, HEAD commit + tree of a packed repo (${count.replace(/\n/g, ', ')}): ${ms.toFixed(2)} ms`);
    expect(tree.type).toBe('tree');
    expect(tree.content.equals(readAllWithGit(dir).get(treeOid)!.content)).toBe(true);
  });
});
