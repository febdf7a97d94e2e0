/** Git tree objects: parse, serialize in git's order, and flatten. */
import { CfgtrailError } from '../errors.js';
import type { ObjectStore } from './objects.js';
import { treeProblems } from './tree-check.js';
import { hasEscapedBytes, nameFromBytes, nameToBytes } from '../path-name.js';

/** One tree entry. `mode` is git's octal text: '100644' | '100755' | '120000' | '40000' | '160000'. */
export interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
}

/** Parses a raw tree object; throws CORRUPT_STORE on malformed input. */
export function parseTree(buf: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let p = 0;
  while (p < buf.length) {
    const space = buf.indexOf(0x20, p);
    const nul = space < 0 ? -1 : buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) {
      throw new CfgtrailError('CORRUPT_STORE', `malformed tree entry at byte ${p}`);
    }
    // Names are bytes: one that is not valid UTF-8 keeps its bytes as escapes (path-name.ts), never U+FFFD.
    let path = buf.toString('utf8', space + 1, nul);
    if (path.includes('\ufffd')) path = nameFromBytes(buf.subarray(space + 1, nul));
    entries.push({
      mode: buf.toString('latin1', p, space),
      path,
      oid: buf.toString('hex', nul + 1, nul + 21),
    });
    p = nul + 21;
  }
  return entries;
}

/** Git sorts tree entries by name bytes, comparing a subtree's name as if it ended in '/'. */
function sortKey(e: TreeEntry): Buffer {
  return nameToBytes(e.mode === '40000' ? `${e.path}/` : e.path);
}

/**
 * Serializes entries as a git tree object (sorted the way git sorts).
 * @example hashObject('tree', serializeTree([{ mode: '100644', path: 'a.yaml', oid }]))
 */
export function serializeTree(entries: TreeEntry[]): Buffer {
  const keyed = entries.map((e) => ({ e, key: sortKey(e) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (const { e } of keyed) {
    if (hasEscapedBytes(e.path)) parts.push(Buffer.from(`${e.mode} `), nameToBytes(e.path), Buffer.from([0]), Buffer.from(e.oid, 'hex'));
    else parts.push(Buffer.from(`${e.mode} ${e.path}\0`, 'utf8'), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

/**
 * Flattens a tree to its non-tree entries by full path (`a/b/c.yaml`).
 * Submodule entries (160000) are kept as entries, not descended into.
 * With `strict`, a tree git's fsck refuses (see tree-check.ts) throws
 * CORRUPT_STORE: files about to be written must come from well-formed trees.
 */
export function readTreeRecursive(store: ObjectStore, treeOid: string, opts: { strict?: boolean } = {}): Map<string, { mode: string; oid: string }> {
  const out = new Map<string, { mode: string; oid: string }>();
  const walk = (oid: string, prefix: string): void => {
    const obj = store.read(oid);
    if (obj.type !== 'tree') throw new CfgtrailError('CORRUPT_STORE', `object ${oid} is a ${obj.type}, expected a tree`, { oid });
    const bad = opts.strict ? treeProblems(obj.content).filter((b) => b.severity === 'error') : [];
    if (bad.length > 0) {
      const where = prefix ? `'${prefix}'` : 'the top directory';
      const text = bad.map((b) => `${b.message} (${b.id})`).join('; ');
      throw new CfgtrailError('CORRUPT_STORE', `tree ${oid} (${where}) is malformed: ${text}; git fsck --strict refuses it too`, { oid, path: prefix, problems: bad });
    }
    for (const e of parseTree(obj.content)) {
      const full = prefix + e.path;
      if (e.mode === '40000') walk(e.oid, `${full}/`);
      else out.set(full, { mode: e.mode, oid: e.oid });
    }
  };
  walk(treeOid, '');
  return out;
}

/**
 * The entry at `path` (`a/b/c.yaml`) under tree `treeOid`, reading only the
 * trees on the way; null when there is none.
 * @example entryAtPath(store, commit.tree, 'conf.d/db.yaml') // { mode: '100644', oid: '…' }
 */
export function entryAtPath(store: ObjectStore, treeOid: string, path: string): { mode: string; oid: string } | null {
  let tree = treeOid;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const obj = store.read(tree);
    if (obj.type !== 'tree') throw new CfgtrailError('CORRUPT_STORE', `object ${tree} is a ${obj.type}, expected a tree`, { oid: tree });
    const e = parseTree(obj.content).find((x) => x.path === parts[i]);
    if (!e) return null;
    if (i === parts.length - 1) return e.mode === '40000' ? null : { mode: e.mode, oid: e.oid };
    if (e.mode !== '40000') return null;
    tree = e.oid;
  }
  return null;
}
