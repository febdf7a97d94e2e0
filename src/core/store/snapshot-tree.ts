import fs from 'node:fs';
import { isoGit } from '../lazy.js';
import type { LiveFile } from './scan.js';
import { formatMeta, META_FILE } from './meta.js';
import { blobOid } from './scan.js';
import { hashObject } from '../repo/objects.js';
import { serializeTree } from '../repo/tree.js';

type TreeEntry = { mode: string; path: string; oid: string; type: 'blob' | 'tree' };
type Dir = Map<string, Dir | { mode: string; oid: string }>;

/**
 * Writes the blobs and trees for a set of live files (plus `.cfgtrail-meta`)
 * through isomorphic-git, without touching any index file. Objects the store
 * already has (`has`, loose or packed) are not written again, so recording a
 * state the store has seen before (a rollback) writes almost nothing.
 * Returns the root tree id.
 */
export async function writeLiveTree(gitdir: string, files: Map<string, LiveFile>, has: (oid: string) => boolean): Promise<string> {
  const metaBuf = Buffer.from(formatMeta([...files].filter(([, f]) => f.mode !== '120000')));
  const all: [string, { mode: string; content: Buffer; oid: string }][] = [...files];
  all.push([META_FILE, { mode: '100644', content: metaBuf, oid: blobOid(metaBuf) }]);
  const root: Dir = new Map();
  for (const [path, f] of all) {
    const oid = has(f.oid) ? f.oid : await isoGit().writeBlob({ fs, gitdir, blob: f.content });
    const parts = path.split('/');
    let dir = root;
    for (const p of parts.slice(0, -1)) {
      let sub = dir.get(p);
      if (!(sub instanceof Map)) {
        sub = new Map();
        dir.set(p, sub);
      }
      dir = sub;
    }
    dir.set(parts[parts.length - 1]!, { mode: f.mode, oid });
  }
  return writeDir(gitdir, root, has);
}

async function writeDir(gitdir: string, dir: Dir, has: (oid: string) => boolean): Promise<string> {
  const tree: TreeEntry[] = [];
  for (const [name, v] of dir) {
    if (v instanceof Map) tree.push({ mode: '040000', path: name, oid: await writeDir(gitdir, v, has), type: 'tree' });
    else tree.push({ mode: v.mode, path: name, oid: v.oid, type: 'blob' });
  }
  // Hash the tree ourselves first: an unchanged directory costs no write.
  const oid = hashObject('tree', serializeTree(tree.map((e) => ({ mode: e.mode === '040000' ? '40000' : e.mode, path: e.path, oid: e.oid }))));
  return has(oid) ? oid : isoGit().writeTree({ fs, gitdir, tree });
}
