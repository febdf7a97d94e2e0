/** What a push must send: the objects of `wants` a server holding `haves` lacks (git rev-list --objects WANTS ^HAVES). */
import { parseCommit } from './commit.js';
import type { ObjectStore } from './objects.js';
import { tagTarget } from './oid.js';
import { parseTree } from './tree.js';

/**
 * The objects reachable from `wants` and not from `haves`, each with the path
 * it was found at (a hint for delta search). The commit walk stops at the
 * `haves` (the server's tips, which a fast-forward push has as ancestors), and
 * trees and blobs of the stop commits are left out, as git does with its
 * edge commits. A have the store lacks is ignored. History that reaches a
 * server commit only through a side branch may send some objects twice, never
 * too few.
 * @example objectsToSend(objects, [localTip], [serverTip]) // Map { commitOid => '', treeOid => '', blobOid => 'app.yaml', … }
 */
export function objectsToSend(store: ObjectStore, wants: readonly string[], haves: readonly string[]): Map<string, string> {
  const stop = new Set(haves.filter((h) => store.has(h)));
  const edge = new Set<string>();
  for (const h of stop) {
    const obj = store.read(h);
    if (obj.type === 'commit') addTree(store, parseCommit(obj.content).tree, '', edge, null); // into null: collects into edge
  }
  const out = new Map<string, string>();
  const seen = new Set<string>();
  const stack = [...wants];
  while (stack.length > 0) {
    const oid = stack.pop()!;
    if (seen.has(oid) || stop.has(oid)) continue;
    seen.add(oid);
    const obj = store.read(oid);
    out.set(oid, '');
    if (obj.type === 'tag') {
      const target = tagTarget(obj.content);
      if (target) stack.push(target);
    } else if (obj.type === 'commit') {
      const c = parseCommit(obj.content);
      addTree(store, c.tree, '', edge, out);
      stack.push(...c.parents);
    }
  }
  return out;
}

/**
 * Visits tree `oid` and everything under it, with paths, skipping anything
 * `skip` holds and anything `into` has already: each object once.
 */
function addTree(store: ObjectStore, oid: string, dir: string, skip: Set<string>, into: Map<string, string> | null): void {
  const add = (o: string, p: string): boolean => {
    if (skip.has(o) || into?.has(o)) return false;
    if (into) into.set(o, p);
    else skip.add(o);
    return true;
  };
  if (!add(oid, dir)) return;
  for (const e of parseTree(store.read(oid).content)) {
    const p = dir ? `${dir}/${e.path}` : e.path;
    if (e.mode === '40000') addTree(store, e.oid, p, skip, into);
    else if (e.mode !== '160000') add(e.oid, p);
  }
}
