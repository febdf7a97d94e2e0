/**
 * The files that differ between two trees, found by reading only the
 * subtrees whose ids differ (as `git diff-tree -r` does), instead of
 * flattening both whole trees for every commit of a history walk.
 */
import { CfgtrailError } from '../errors.js';
import type { ObjectStore } from '../git/objects.js';
import { parseTree, type TreeEntry } from '../git/tree.js';

/** A file entry (not a tree), as flattened trees hold it. */
export interface FileEntry {
  mode: string;
  oid: string;
}

/** One path that differs: its entry before and after (undefined where absent). */
export interface EntryPair {
  before: FileEntry | undefined;
  after: FileEntry | undefined;
}

const TREE_MODE = '40000';

/** Thrown inside the walk when a tree names one entry twice or has a name with '/': the caller flattens instead. */
class AmbiguousName extends Error {}

/**
 * Paths whose entry (mode or id) differs between trees `a` and `b` (null: the
 * empty tree), with both entries; what `readTreeRecursive` of each, compared
 * path by path, would find. Null when a tree names an entry twice or has a
 * name with '/' (malformed trees, whose flattened paths can collide: the
 * caller must flatten too).
 * @example diffTreeEntries(objects, parentTree, tree) // Map { 'app.yaml' => { before, after } }
 */
export function diffTreeEntries(objects: ObjectStore, a: string | null, b: string | null): Map<string, EntryPair> | null {
  const out = new Map<string, EntryPair>();
  try {
    walk(objects, a, b, '', out);
  } catch (e) {
    if (e instanceof AmbiguousName) return null;
    throw e;
  }
  return out;
}

function walk(objects: ObjectStore, a: string | null, b: string | null, prefix: string, out: Map<string, EntryPair>): void {
  if (a === b) return;
  const left = a === null ? new Map<string, TreeEntry>() : level(objects, a);
  const right = b === null ? new Map<string, TreeEntry>() : level(objects, b);
  for (const [key, x] of left) {
    const y = right.get(key);
    if (x.mode === TREE_MODE) walk(objects, x.oid, y ? y.oid : null, `${prefix}${x.path}/`, out);
    else if (!y) out.set(prefix + x.path, { before: file(x), after: undefined });
    else if (x.oid !== y.oid || x.mode !== y.mode) out.set(prefix + x.path, { before: file(x), after: file(y) });
  }
  for (const [key, y] of right) {
    if (left.has(key)) continue;
    if (y.mode === TREE_MODE) walk(objects, null, y.oid, `${prefix}${y.path}/`, out);
    else out.set(prefix + y.path, { before: undefined, after: file(y) });
  }
}

/**
 * A tree's entries by name, a subtree's name ending in '/' so that a file and
 * a directory of one name stay apart (as they do in flattened paths).
 */
function level(objects: ObjectStore, oid: string): Map<string, TreeEntry> {
  const obj = objects.read(oid);
  if (obj.type !== 'tree') throw new CfgtrailError('CORRUPT_STORE', `object ${oid} is a ${obj.type}, expected a tree`, { oid });
  const entries = new Map<string, TreeEntry>();
  for (const e of parseTree(obj.content)) {
    const key = e.mode === TREE_MODE ? `${e.path}/` : e.path;
    if (entries.has(key) || e.path.includes('/')) throw new AmbiguousName();
    entries.set(key, e);
  }
  return entries;
}

function file(e: TreeEntry): FileEntry {
  return { mode: e.mode, oid: e.oid };
}
