/** Ancestry questions over the commit graph, answered from our own object store. */
import { parseCommit } from './commit.js';
import type { ObjectStore } from './objects.js';

const NEW = 1;
const OLD = 2;

/**
 * How many commits are reachable from `tip` and not from any of `stop`
 * (git rev-list --count TIP ^STOP…). Walks newest first from both sides at
 * once, as git's merge-base code does, and ends when no commit left to walk
 * could still reach one counted as new: a push or fetch of a few commits
 * onto a long history reads a few commits. Commits of the same second are
 * walked again when a stop path reaches them later. Stop commits the store
 * lacks are ignored.
 * @example countNew(objects, newTip, [oldTip]) // 3
 */
export function countNew(objects: ObjectStore, tip: string, stop: readonly string[]): number {
  const flags = new Map<string, number>();
  const times = new Map<string, number>();
  const queue: string[] = [];
  const mark = (oid: string, flag: number): void => {
    const had = flags.get(oid) ?? 0;
    if ((had | flag) === had || !objects.has(oid)) return;
    flags.set(oid, had | flag);
    if (!times.has(oid)) times.set(oid, parseCommit(objects.read(oid).content).committer.timestamp);
    queue.push(oid);
  };
  const onlyNew = (oid: string) => flags.get(oid) === NEW;
  for (const s of stop) mark(s, OLD);
  mark(tip, NEW);
  const fresh = new Set<string>();
  let oldestFresh = Infinity;
  // A stop-side commit matters while it is no older than some commit counted new: it may reach it.
  const mayReachFresh = (oid: string) => !(flags.get(oid)! & OLD) || times.get(oid)! >= oldestFresh;
  while (queue.some(mayReachFresh)) {
    queue.sort((a, b) => times.get(a)! - times.get(b)!);
    const oid = queue.pop()!;
    const f = flags.get(oid)!;
    if (f === NEW) {
      fresh.add(oid);
      oldestFresh = Math.min(oldestFresh, times.get(oid)!);
    }
    for (const p of parseCommit(objects.read(oid).content).parents) mark(p, f & OLD ? OLD : NEW);
  }
  return [...fresh].filter(onlyNew).length;
}

/**
 * Whether `ancestor` is `tip` or one of its ancestors. False when the store
 * does not hold `ancestor` (a commit we never had cannot be in our history).
 * Stops as soon as it meets `ancestor`: a fast-forward by a few commits reads
 * a few commits.
 */
export function isAncestor(objects: ObjectStore, ancestor: string, tip: string): boolean {
  if (ancestor === tip) return true;
  if (!objects.has(ancestor) || !objects.has(tip)) return false;
  const seen = new Set<string>([tip]);
  const stack = [tip];
  while (stack.length > 0) {
    const oid = stack.pop()!;
    for (const p of parseCommit(objects.read(oid).content).parents) {
      if (p === ancestor) return true;
      if (!seen.has(p) && objects.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return false;
}
