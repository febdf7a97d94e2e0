import fs from 'node:fs';
import path from 'node:path';
import { CfgtrailError } from '../errors.js';
import { openObjectStore } from './objects.js';
import { packDir } from './pack-files.js';
import { readIdxOids } from './pack-read.js';

/**
 * Moves a pack and its index made elsewhere (a fetch's scratch directory,
 * same filesystem) into `gitdir`'s `objects/pack/`, after reading every
 * object back from it (hash-checked) so a damaged download never joins the
 * store. Both files are fsynced, then the `.pack` is renamed in before the
 * `.idx`: git and our reader see a pack only through its index, so a kill at
 * any point leaves the store without it or with all of it. Returns the oids
 * it holds. The caller holds the store lock.
 * @throws CfgtrailError CORRUPT_STORE when the pack does not read back
 */
export function installPack(gitdir: string, idxPath: string): string[] {
  const scratchGitdir = path.dirname(path.dirname(path.dirname(idxPath)));
  const fresh = openObjectStore(scratchGitdir, { onlyPacks: [idxPath] });
  let oids: string[];
  try {
    oids = readIdxOids(idxPath);
    for (const oid of oids) fresh.read(oid);
  } catch (e) {
    throw new CfgtrailError('CORRUPT_STORE', `the fetched pack does not read back: ${(e as Error).message}`, { idxPath }, { cause: e });
  } finally {
    fresh.close();
  }
  const dir = packDir(gitdir);
  fs.mkdirSync(dir, { recursive: true });
  const packPath = idxPath.replace(/\.idx$/, '.pack');
  for (const f of [packPath, idxPath]) {
    const fd = fs.openSync(f, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(f, path.join(dir, path.basename(f)));
  }
  return oids;
}
