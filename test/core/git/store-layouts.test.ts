/**
 * Store layouts native git makes that cfgtrail once failed on: version-1
 * pack indexes, alternates, a damaged idx, kept and cruft packs, a stale
 * multi-pack-index, and deep delta chains that a gc must not inflate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CfgtrailError } from '../../../src/core/errors.js';
import { packStore } from '../../../src/core/git/gc.js';
import { openObjectStore } from '../../../src/core/git/objects.js';
import { fastImportEdits } from './native-layouts.js';
import { buildHistory, git, readAllWithGit, tempRepo } from './objects-fixtures.js';

function expectSameAsGit(dir: string, gitdir: string): number {
  const expected = readAllWithGit(dir);
  const store = openObjectStore(gitdir);
  try {
    for (const [oid, obj] of expected) {
      const got = store.read(oid);
      expect(got.type).toBe(obj.type);
      expect(got.content.equals(obj.content), oid).toBe(true);
    }
  } finally {
    store.close();
  }
  return expected.size;
}

const packDir = (gitdir: string): string => path.join(gitdir, 'objects', 'pack');
const packFiles = (gitdir: string, ext = ''): string[] => fs.readdirSync(packDir(gitdir)).filter((f) => f.endsWith(ext)).sort();

function thrown(f: () => unknown): CfgtrailError {
  try {
    f();
  } catch (e) {
    if (e instanceof CfgtrailError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('version-1 pack indexes', () => {
  it('reads every object, resolves prefixes, and gc replaces the pack with one git verifies', async () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 20);
    git(dir, ['-c', 'pack.indexVersion=1', 'repack', '-adfq']);
    const [idx] = packFiles(gitdir, '.idx');
    expect(fs.readFileSync(path.join(packDir(gitdir), idx!)).readUInt32BE(0)).not.toBe(0xff744f63);
    const n = expectSameAsGit(dir, gitdir);
    const head = git(dir, ['rev-parse', 'HEAD']);
    expect(openObjectStore(gitdir).resolvePrefix(head.slice(0, 7))).toEqual([head]);
    const res = await packStore(gitdir);
    expect(res.packedObjects).toBe(n);
    git(dir, ['fsck', '--strict', '--full']);
    expect(expectSameAsGit(dir, gitdir)).toBe(n);
  });
});

describe('alternates', () => {
  /** base <- mid (clone --shared) <- top (clone --shared), each with commits of its own. */
  function chain(): { base: string; mid: string; top: string } {
    const { dir: base } = tempRepo();
    buildHistory(base, 8);
    git(base, ['gc', '-q']);
    const mid = `${base}-mid`;
    const top = `${base}-top`;
    git(path.dirname(base), ['clone', '-q', '--shared', base, mid]);
    git(path.dirname(base), ['clone', '-q', '--shared', mid, top]);
    for (const [d, name] of [[mid, 'mid'], [top, 'top']] as const) {
      fs.writeFileSync(path.join(d, `${name}.yaml`), `${name}: 1\n`);
      git(d, ['add', '-A']);
      git(d, ['-c', 'user.name=T', '-c', 'user.email=t@x', 'commit', '-qm', name]);
    }
    return { base, mid, top };
  }

  it('reads objects through nested alternates, absolute and relative, and gc copies none of them', async () => {
    const { base, mid, top } = chain();
    try {
      const gitdir = path.join(top, '.git');
      const alt = path.join(gitdir, 'objects', 'info', 'alternates');
      expect(path.isAbsolute(fs.readFileSync(alt, 'utf8').trim())).toBe(true);
      const all = expectSameAsGit(top, gitdir);
      // git resolves a relative entry against the objects directory that lists it
      fs.writeFileSync(alt, `# written by hand\n${path.relative(path.join(gitdir, 'objects'), path.join(mid, '.git', 'objects'))}\n`);
      expect(expectSameAsGit(top, gitdir)).toBe(all);
      const head = git(base, ['rev-parse', 'HEAD']);
      expect(openObjectStore(gitdir).resolvePrefix(head.slice(0, 8))).toEqual([head]);

      const seen = new Set(git(top, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).split('\n'));
      const res = await packStore(gitdir);
      expect(res.packedObjects).toBeLessThan(10); // the top commit's own objects only
      git(top, ['fsck', '--strict', '--full']);
      expect(expectSameAsGit(top, gitdir)).toBe(seen.size);
    } finally {
      fs.rmSync(mid, { recursive: true, force: true });
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('an object missing everywhere is "object not found", naming a listed alternate that does not exist', () => {
    const { gitdir } = tempRepo();
    fs.mkdirSync(path.join(gitdir, 'objects', 'info'), { recursive: true });
    fs.writeFileSync(path.join(gitdir, 'objects', 'info', 'alternates'), '/nonexistent/objects\n');
    const err = thrown(() => openObjectStore(gitdir).read('0'.repeat(40)));
    expect(err.code).toBe('CORRUPT_STORE');
    expect(err.message).toContain('object not found (alternate /nonexistent/objects listed in objects/info/alternates does not exist)');
  });
});

describe('a damaged pack index', () => {
  function packed(): { dir: string; gitdir: string; idx: string; head: string } {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 10);
    git(dir, ['repack', '-adfq']);
    git(dir, ['prune-packed']);
    const idx = path.join(packDir(gitdir), packFiles(gitdir, '.idx')[0]!);
    fs.chmodSync(idx, 0o644);
    return { dir, gitdir, idx, head: git(dir, ['rev-parse', 'HEAD']) };
  }
  const damaged = (idx: string, f: () => unknown): void => {
    const err = thrown(f);
    expect(err.code).toBe('CORRUPT_STORE');
    expect(err.message).toContain(`pack index ${idx} is damaged`);
    expect(err.data.idx).toBe(idx);
  };

  it('is named when its oid table is overwritten (every lookup misses)', () => {
    const { gitdir, idx, head } = packed();
    const buf = fs.readFileSync(idx);
    buf.fill(0, 1032, 1032 + 20 * buf.readUInt32BE(8 + 255 * 4));
    fs.writeFileSync(idx, buf);
    damaged(idx, () => openObjectStore(gitdir).read(head));
    // the idx is hashed once per store; a second miss still names it
    const store = openObjectStore(gitdir);
    damaged(idx, () => store.read(head));
    damaged(idx, () => store.read(head));
  });

  it('is named when its offsets point at the wrong entries', () => {
    const { gitdir, idx, head } = packed();
    const buf = fs.readFileSync(idx);
    const n = buf.readUInt32BE(8 + 255 * 4);
    const off = 1032 + n * 24;
    for (let i = 0; i < n; i++) buf.writeUInt32BE(buf.readUInt32BE(off + i * 4) + 3, off + i * 4);
    fs.writeFileSync(idx, buf);
    damaged(idx, () => openObjectStore(gitdir).read(head));
  });

  it('is named when truncated, out of order, or emptied', () => {
    const { gitdir, idx, head } = packed();
    const good = fs.readFileSync(idx);
    fs.writeFileSync(idx, good.subarray(0, good.length - 100));
    damaged(idx, () => openObjectStore(gitdir).read(head));
    const swapped = Buffer.from(good);
    swapped.writeUInt32BE(0xffffff, 8 + 10 * 4);
    fs.writeFileSync(idx, swapped);
    damaged(idx, () => openObjectStore(gitdir).read(head));
    fs.writeFileSync(idx, Buffer.alloc(0));
    damaged(idx, () => openObjectStore(gitdir).read(head));
  });
});

describe('gc among the packs git leaves', () => {
  it('keeps a .keep pack whole, removes .mtimes/.rev/.bitmap with their packs, and drops the stale multi-pack-index', async () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 6);
    git(dir, ['repack', '-adq']);
    const keptPack = packFiles(gitdir, '.pack')[0]!;
    fs.writeFileSync(path.join(packDir(gitdir), keptPack.replace(/\.pack$/, '.keep')), '');
    buildHistory(path.join(dir, 'two'), 0);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-qm', 'two']);
    git(dir, ['-c', 'pack.writeReverseIndex=true', 'repack', '-dq']);
    git(dir, ['hash-object', '-w', '--stdin'], 'dangling\n');
    git(dir, ['repack', '--cruft', '-dq']);
    git(dir, ['multi-pack-index', 'write', '--bitmap']);
    const before = readAllWithGit(dir);
    const keptBytes = fs.readFileSync(path.join(packDir(gitdir), keptPack));
    expect(packFiles(gitdir, '.mtimes')).toHaveLength(1);
    expect(packFiles(gitdir).some((f) => f.startsWith('multi-pack-index'))).toBe(true);

    const res = await packStore(gitdir);
    expect(res.packsAfter).toBe(2);
    expect(fs.readFileSync(path.join(packDir(gitdir), keptPack)).equals(keptBytes)).toBe(true);
    const left = packFiles(gitdir);
    expect(left.filter((f) => !/\.(idx|pack)$/.test(f))).toEqual([keptPack.replace(/\.pack$/, '.keep')]);
    git(dir, ['fsck', '--strict', '--full']);
    const after = readAllWithGit(dir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    // the new pack holds none of the kept pack's objects (git's --honor-pack-keep)
    expect(res.packedObjects).toBe(before.size - Number(git(dir, ['show-index'], fs.readFileSync(path.join(packDir(gitdir), keptPack.replace(/\.pack$/, '.idx')))).split('\n').length));
  });

  it('never makes a store with long delta chains bigger: deltas are reused', async () => {
    const { dir, gitdir } = tempRepo();
    fastImportEdits(gitdir, 500, { lines: 3000 });
    git(dir, ['repack', '-adfq', '--depth=4095', '--window=250']);
    const bytes = (): number => packFiles(gitdir, '.pack').reduce((n, f) => n + fs.statSync(path.join(packDir(gitdir), f)).size, 0);
    const gitBytes = bytes();
    const res = await packStore(gitdir);
    const ours = bytes();
    console.log(`500 edits of a 3000-line YAML file, git repack --depth=4095 --window=250: ${gitBytes} bytes; after cfgtrail gc: ${ours} bytes`);
    expect(res.bytesAfter).toBeLessThanOrEqual(res.bytesBefore);
    expect(ours).toBeLessThanOrEqual(gitBytes * 1.01);
    git(dir, ['fsck', '--strict', '--full']);
    const chains = git(dir, ['verify-pack', '-s', path.join(packDir(gitdir), packFiles(gitdir, '.idx')[0]!)]);
    expect(chains).toMatch(/chain length = [1-9]\d\d: /); // the deep chains were kept, not cut at 50
  });

  it('merges several packs as git gc does: the old deltas stay, the chain roots of each pack get deltas too', async () => {
    const { dir, gitdir } = tempRepo();
    for (let k = 0; k < 8; k++) fastImportEdits(gitdir, 40, { lines: 1500, seed: k * 40 });
    expect(packFiles(gitdir, '.pack')).toHaveLength(8);
    const bytes = (g: string): number => packFiles(g, '.pack').reduce((n, f) => n + fs.statSync(path.join(packDir(g), f)).size, 0);
    const copy = `${dir}-gitgc`;
    fs.cpSync(dir, copy, { recursive: true });
    let gitBytes: number;
    try {
      git(copy, ['gc', '-q']);
      gitBytes = bytes(path.join(copy, '.git'));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
    const before = bytes(gitdir);
    await packStore(gitdir);
    const ours = bytes(gitdir);
    console.log(`8 fast-import packs of 40 edits each: ${before} bytes; git gc ${gitBytes} bytes; cfgtrail gc ${ours} bytes`);
    expect(ours).toBeLessThan(before * 0.85);
    expect(ours).toBeLessThanOrEqual(gitBytes * 1.05);
    git(dir, ['fsck', '--strict', '--full']);
  });

  it('keeps a lone loose object loose: a pack and its index would take more disk', async () => {
    const { dir, gitdir } = tempRepo();
    git(dir, ['hash-object', '-w', '--stdin'], 'one object\n');
    const res = await packStore(gitdir);
    expect(res).toMatchObject({ looseBefore: 1, packedObjects: 0, packsAfter: 0 });
    expect(res.bytesAfter).toBe(res.bytesBefore);
    expect(fs.existsSync(packDir(gitdir)) ? packFiles(gitdir) : []).toEqual([]);
  });
});
