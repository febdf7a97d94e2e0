/** Ancestry questions over the commit graph, answered from our own object store. */
import { parseCommit } from './commit.js';
import type { ObjectStore } from './objects.js';

/**
 * The commits reachable from `tip` and not from any of `stop` (stop commits
 * the store lacks are ignored), counted. Walks parents breadth-first and
 * stops early once `limit` is reached.
 * @example countNew(objects, newTip, [oldTip]) // 3
 */
export function countNew(objects: ObjectStore, tip: string, stop: readonly string[], limit = Infinity): number {
  const seen = new Set<string>(reachableFrom(objects, stop.filter((s) => objects.has(s))));
  let count = 0;
  const queue = seen.has(tip) ? [] : [tip];
  seen.add(tip);
  while (queue.length > 0 && count < limit) {
    const oid = queue.shift()!;
    count++;
    for (const p of parseCommit(objects.read(oid).content).parents) {
      if (!seen.has(p)) {
        seen.add(p);
        queue.push(p);
      }
    }
  }
  return count;
}

/**
 * Whether `ancestor` is `tip` or one of its ancestors. False when the store
 * does not hold `ancestor` (a commit we never had cannot be in our history).
 */
export function isAncestor(objects: ObjectStore, ancestor: string, tip: string): boolean {
  if (ancestor === tip) return true;
  if (!objects.has(ancestor) || !objects.has(tip)) return false;
  return reachableFrom(objects, [tip]).has(ancestor);
}

function reachableFrom(objects: ObjectStore, tips: readonly string[]): Set<string> {
  const seen = new Set<string>(tips);
  const stack = [...tips];
  while (stack.length > 0) {
    const oid = stack.pop()!;
    for (const p of parseCommit(objects.read(oid).content).parents) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return seen;
}
