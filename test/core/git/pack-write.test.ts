import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPathHints } from '../../../src/core/git/gc.js';
import { readRefTips } from '../../../src/core/git/refs.js';
import { listLooseOids, openObjectStore } from '../../../src/core/git/objects.js';
import { parsePackIndex } from '../../../src/core/git/pack-read.js';
import { buildIndex, writePack } from '../../../src/core/git/pack-write.js';
import { buildHistory, git, readAllWithGit, tempRepo } from './objects-fixtures.js';

import { CORPUS as CHARTS } from '../../helpers/corpus.js';

const CORPUS = `${CHARTS}/prometheus`;

/** Replays every corpus version as a commit of one file (plus static files) with git fast-import. */
function importCorpus(dir: string): number {
  const versions = fs.readdirSync(CORPUS).filter((f) => /^\d+\.yaml$/.test(f)).sort();
  const parts: Buffer[] = [];
  const data = (b: Buffer): void => { parts.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n')); };
  versions.forEach((v, i) => {
    parts.push(Buffer.from(`commit refs/heads/main\nauthor A <a@x> ${1500000000 + i * 60} +0000\ncommitter A <a@x> ${1500000000 + i * 60} +0000\n`));
    data(Buffer.from(`values ${v}\n`));
    if (i === 0) {
      for (const s of ['Chart.yaml', 'README.md', 'templates/NOTES.txt']) {
        parts.push(Buffer.from(`M 100644 inline ${s}\n`));
        data(Buffer.from(`static ${s}\n`.repeat(50)));
      }
    }
    parts.push(Buffer.from('M 100644 inline values.yaml\n'));
    data(fs.readFileSync(path.join(CORPUS, v)));
  });
  git(dir, ['fast-import', '--quiet'], Buffer.concat(parts));
  return versions.length;
}

function packSize(gitdir: string): number {
  const dir = path.join(gitdir, 'objects', 'pack');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.pack')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

describe('writePack', () => {
  it('writes a pack that git verifies, with deltas and the same idx git index-pack builds', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 30);
    const before = readAllWithGit(dir);
    const store = openObjectStore(gitdir);
    const oids = listLooseOids(gitdir);
    const pathHints = collectPathHints(store, readRefTips(gitdir));
    expect(pathHints.size).toBeGreaterThan(30);
    const res = writePack(gitdir, oids, store, { pathHints });
    expect(res.count).toBe(oids.length);
    expect(path.basename(res.packPath)).toMatch(/^pack-[0-9a-f]{40}\.pack$/);
    const verify = git(dir, ['verify-pack', '-v', res.idxPath]);
    const deltas = verify.split('\n').filter((l) => /^[0-9a-f]{40}\s+\w+\s+\d+\s+\d+\s+\d+\s+\d+\s+[0-9a-f]{40}$/.test(l));
    expect(deltas.length).toBeGreaterThan(40);
    // git's own index of our pack is byte-identical to ours
    const gitIdx = path.join(dir, 'git-built.idx');
    git(dir, ['index-pack', '-o', gitIdx, res.packPath]);
    expect(fs.readFileSync(gitIdx).equals(fs.readFileSync(res.idxPath))).toBe(true);
    git(dir, ['prune-packed']);
    expect(listLooseOids(gitdir)).toEqual([]);
    expect(git(dir, ['fsck', '--strict', '--no-dangling'])).toBe('');
    const after = readAllWithGit(dir);
    expect(after.size).toBe(before.size);
    for (const [oid, obj] of before) expect(after.get(oid)!.content.equals(obj.content)).toBe(true);
  });

  it('packs every prometheus version in the corpus at most 2x the size of git gc', () => {
    const { dir, gitdir } = tempRepo();
    const commits = importCorpus(dir);
    const ref = `${dir}-gc`;
    fs.cpSync(dir, ref, { recursive: true });
    try {
      git(ref, ['gc', '-q', '--prune=now']);
      const gcSize = packSize(path.join(ref, '.git'));
      const store = openObjectStore(gitdir);
      const oids = [...readAllWithGit(dir).keys()];
      const t0 = performance.now();
      const res = writePack(gitdir, oids, store, { pathHints: collectPathHints(store, readRefTips(gitdir)) });
      const ms = performance.now() - t0;
      const ours = fs.statSync(res.packPath).size;
      console.log(`${commits} commits, ${oids.length} objects: writePack ${ours} bytes in ${ms.toFixed(0)} ms, git gc ${gcSize} bytes (ratio ${(ours / gcSize).toFixed(2)})`);
      git(dir, ['verify-pack', res.idxPath]);
      expect(ours).toBeLessThanOrEqual(2 * gcSize);
    } finally {
      fs.rmSync(ref, { recursive: true, force: true });
    }
  });

  it('builds and reads 64-bit offsets in the index', () => {
    const items = [
      { oid: 'ab'.repeat(20), crc: 0xdeadbeef, offset: 12 },
      { oid: '01'.repeat(20), crc: 1, offset: 2 ** 33 + 5 },
      { oid: 'ff'.repeat(20), crc: 2, offset: 2 ** 31 },
    ];
    const idx = parsePackIndex(buildIndex(items, Buffer.alloc(20, 7)), 'test.idx');
    expect(idx.count).toBe(3);
    for (const it of items) {
      const i = idx.find(Buffer.from(it.oid, 'hex'));
      expect(i).toBeDefined();
      expect(idx.oidAt(i!)).toBe(it.oid);
      expect(idx.offsetAt(i!)).toBe(it.offset);
    }
    expect(idx.find(Buffer.from('02'.repeat(20), 'hex'))).toBeUndefined();
  });
});
