import type { LiveFile } from './scan.js';
import { formatMeta, META_FILE } from './meta.js';
import { blobOid } from './scan.js';
import { hashObject, writeLooseObject } from '../git/objects.js';
import { serializeTree } from '../git/tree.js';

type TreeEntry = { mode: string; path: string; oid: string; type: 'blob' | 'tree' };
type Dir = Map<string, Dir | { mode: string; oid: string }>;

/**
 * Writes the blobs and trees for a set of live files (plus `.cfgtrail-meta`),
 * without touching any index file. Objects the store already has (`has`,
 * loose or packed) are not written again, so recording a state the store has
 * seen before (a rollback) writes almost nothing. Returns the root tree id.
 *
 * Objects are written as loose objects by `writeLooseObject` (temp file +
 * rename, native zlib) rather than isomorphic-git's `writeBlob`/`writeTree`:
 * those write the object file in place, so a kill mid-write leaves a
 * truncated object that breaks `git fsck`, and they deflate through
 * CompressionStream, which loads undici (~35 ms of a cold snapshot).
 */
export async function writeLiveTree(gitdir: string, files: Map<string, LiveFile>, has: (oid: string) => boolean): Promise<string> {
  const metaBuf = Buffer.from(formatMeta([...files].filter(([, f]) => f.mode !== '120000')));
  const all: [string, { mode: string; content: Buffer; oid: string }][] = [...files];
  all.push([META_FILE, { mode: '100644', content: metaBuf, oid: blobOid(metaBuf) }]);
  const root: Dir = new Map();
  for (const [path, f] of all) {
    const oid = has(f.oid) ? f.oid : writeLooseObject(gitdir, 'blob', f.content);
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
  const body = serializeTree(tree.map((e) => ({ mode: e.mode === '040000' ? '40000' : e.mode, path: e.path, oid: e.oid })));
  const oid = hashObject('tree', body);
  return has(oid) ? oid : writeLooseObject(gitdir, 'tree', body);
}
