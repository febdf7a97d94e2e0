import fs from 'node:fs';
import git from 'isomorphic-git';
import type { LiveFile } from './scan.js';
import { formatMeta, META_FILE } from './meta.js';

type TreeEntry = { mode: string; path: string; oid: string; type: 'blob' | 'tree' };

/**
 * Writes the blobs and trees for a set of live files (plus `.cfgtrail-meta`)
 * through isomorphic-git, without touching any index file. Blobs already in
 * `known` (ids in the parent's tree) are not written again.
 * Returns the root tree id.
 */
export async function writeLiveTree(gitdir: string, files: Map<string, LiveFile>, known: Set<string>): Promise<string> {
  const meta = formatMeta([...files].filter(([, f]) => f.mode !== '120000'));
  const metaBuf = Buffer.from(meta);
  const all: [string, { mode: string; content: Buffer; oid: string }][] = [...files];
  all.push([META_FILE, { mode: '100644', content: metaBuf, oid: '' }]);
  const root: Dir = new Map();
  for (const [path, f] of all) {
    const oid = f.oid && known.has(f.oid) ? f.oid : await git.writeBlob({ fs, gitdir, blob: f.content });
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
  return writeDir(gitdir, root);
}

type Dir = Map<string, Dir | { mode: string; oid: string }>;

async function writeDir(gitdir: string, dir: Dir): Promise<string> {
  const tree: TreeEntry[] = [];
  for (const [name, v] of dir) {
    if (v instanceof Map) tree.push({ mode: '040000', path: name, oid: await writeDir(gitdir, v), type: 'tree' });
    else tree.push({ mode: v.mode, path: name, oid: v.oid, type: 'blob' });
  }
  return git.writeTree({ fs, gitdir, tree });
}
