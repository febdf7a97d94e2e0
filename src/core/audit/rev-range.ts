import type { Store } from '../store/open.js';
import { resolveRev } from './revs.js';
import { eachFirstParent } from './first-parent.js';
import type { IndexData } from './index-store.js';

/**
 * The commits that `log REV...` lists, as git reads its revision arguments:
 * `REV` (REV and what came before it), `A..B` (in B's history, not in A's;
 * an empty side is HEAD) and `^A` (leave out A's history). Histories follow
 * first parents, the line `cfgtrail log` shows.
 *
 * @returns null when no revision is given (the whole history)
 * @throws CfgtrailError UNKNOWN_REV / AMBIGUOUS_REV / UNKNOWN_CHANGE_ID for a name that does not resolve
 * @example commitsInRevs(store, index, ['I1111..HEAD'])
 */
export function commitsInRevs(store: Store, index: IndexData, revs: string[]): Set<string> | null {
  if (revs.length === 0) return null;
  const include: string[] = [];
  const exclude: string[] = [];
  for (const arg of revs) {
    const dots = arg.indexOf('..');
    if (dots >= 0 && arg[dots + 2] !== '.') {
      exclude.push(resolveRev(store, index, arg.slice(0, dots) || 'HEAD'));
      include.push(resolveRev(store, index, arg.slice(dots + 2) || 'HEAD'));
    } else if (arg.startsWith('^')) exclude.push(resolveRev(store, index, arg.slice(1)));
    else include.push(resolveRev(store, index, arg));
  }
  const excluded = new Set<string>();
  for (const oid of exclude) history(index, oid, excluded, new Set());
  const out = new Set<string>();
  for (const oid of include) history(index, oid, out, excluded);
  return out;
}

/** Adds `from` and its first-parent ancestors to `into`, stopping at any commit in `stop`. */
function history(index: IndexData, from: string, into: Set<string>, stop: Set<string>): void {
  eachFirstParent(index, from, (entry) => {
    if (stop.has(entry.oid) || into.has(entry.oid)) return false;
    into.add(entry.oid);
    return true;
  });
}
