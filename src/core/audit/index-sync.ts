import { readStoreHead } from './store-head.js';
import { parseCommit } from '../git/commit.js';
import type { Store } from '../store/open.js';
import { recordSettingsKey } from './record.js';
import { appendIndex, eachLineSpanNewestFirst, indexData, readIndex, writeIndex, type IndexData } from './index-store.js';
import { recordLinesParallel, type ParallelOptions } from './parallel-lines.js';
import { withStoreLock } from '../store/lock.js';
import { isCfgtrailError } from '../errors.js';
import { quickDamageCheck } from '../git/quick-check.js';

export interface SyncOptions {
  /** Write the caught-up index back (the caller holds the store lock, or may write it). */
  persist: boolean;
}

/**
 * Returns an index that matches the store's HEAD: as read when current,
 * caught up with commits made behind our back (e.g. by native git), or
 * rebuilt from git when missing, damaged or when history moved elsewhere.
 */
export function syncIndex(store: Store, opts: SyncOptions): IndexData {
  return syncFrom(store, readStoreHead(store.gitdir), readIndex(store.gitdir), opts.persist);
}

/**
 * `index` (from syncIndex) caught up with HEAD as it is now, in memory: the
 * same index when HEAD has not moved, else with the new commits' records
 * added, without reading the index file again.
 * @example index = catchUpIndex(store, index) // after a commit made under the lock
 */
export function catchUpIndex(store: Store, index: IndexData): IndexData {
  return syncFrom(store, readStoreHead(store.gitdir), index, false);
}

/** `syncIndex` from an index already read (`data`, null when missing or damaged). */
function syncFrom(store: Store, head: string | null, read: IndexData | null, persist: boolean): IndexData {
  // an index made under other diff settings (list_identifiers, yaml_schema…) holds other field paths
  const data = read && read.settings === recordSettingsKey(store.settings) ? read : null;
  if (data && data.head === head) return data;
  if (data && data.head !== null && head !== null) {
    const fresh = newCommits(store, head, data);
    if (fresh) {
      const lines = recordLinesParallel(store, fresh);
      if (!persist) return indexData({ bytes: Buffer.concat([data.bytes, lines]) }, head, data.count + fresh.length, data.crc, data.settings);
      return appendIndex(store.gitdir, data, head, lines);
    }
  }
  return rebuildIndex(store, head, persist);
}

/**
 * For read-only commands: the index as it should be. When it had to be caught
 * up or rebuilt, it is written back if the store lock is free right now, so
 * the next query does not pay again; a busy lock only means it is not saved.
 */
export async function syncIndexForRead(store: Store): Promise<IndexData> {
  const current = readIndex(store.gitdir);
  const fresh = syncFrom(store, readStoreHead(store.gitdir), current, false);
  if (fresh === current) return fresh; // up to date as read
  try {
    await withStoreLock(store.gitdir, { timeoutMs: 0 }, async () => {
      if (readStoreHead(store.gitdir) === fresh.head) writeIndex(store.gitdir, fresh.head, fresh.bytes, fresh.count, fresh.settings);
    });
  } catch (e) {
    if (!isCfgtrailError(e, 'LOCKED')) throw e;
  }
  return fresh;
}

/**
 * One warning line when the store under an index-answered query is damaged
 * (HEAD's commit does not read, or a pack lost its end), else null. Queries
 * still answer from the index; the line tells the user git cannot, and what
 * to run. One object read and two small reads per pack.
 * @example damageWarning(store, index) // 'warning: the store is damaged (…); run cfgtrail fsck'
 */
export function damageWarning(store: Store, index: { head: string | null }): string | null {
  const what = quickDamageCheck(store.gitdir, store.objects, index.head);
  return what === null ? null : `warning: the store is damaged (${what}); run cfgtrail fsck`;
}

/**
 * Rebuilds the whole index from git history (first parent first, oldest
 * first). Long histories are built on several threads (`parallel`, see
 * parallel-lines.ts); the index is the same byte for byte.
 */
export function rebuildIndex(store: Store, head: string | null, persist: boolean, parallel: ParallelOptions = {}): IndexData {
  const oids = head ? ancestorsOldestFirst(store, head, new Set()) : [];
  const bytes = recordLinesParallel(store, oids, parallel);
  const settings = recordSettingsKey(store.settings);
  if (!persist) return indexData({ bytes }, head, oids.length, 0, settings);
  return writeIndex(store.gitdir, head, bytes, oids.length, settings);
}

/**
 * Commits reachable from `head` but not in the index, oldest first; null when
 * the index's head is no longer an ancestor of `head` (history moved).
 */
function newCommits(store: Store, head: string, data: IndexData): string[] | null {
  const known = new Set<string>();
  const bytes = data.bytes;
  eachLineSpanNewestFirst(bytes, (start) => {
    known.add(bytes.toString('latin1', start, start + 40)); // a commit id: ASCII
    return true;
  });
  if (known.has(head)) return null; // HEAD went back to an older commit: rebuild
  const fresh = ancestorsOldestFirst(store, head, known);
  const reachesIndexedHead = fresh.length > 0 && parentsOf(store, fresh[0]!).some((p) => p === data.head);
  return reachesIndexedHead ? fresh : null;
}

/** All ancestors of `head` not in `stop`, parents before children (iterative DFS post-order). */
function ancestorsOldestFirst(store: Store, head: string, stop: Set<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack: { oid: string; expanded: boolean }[] = [{ oid: head, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.expanded) {
      stack.pop();
      out.push(top.oid);
      continue;
    }
    top.expanded = true;
    const parents = parentsOf(store, top.oid);
    for (let i = parents.length - 1; i >= 0; i--) {
      const p = parents[i]!;
      if (!seen.has(p) && !stop.has(p)) {
        seen.add(p);
        stack.push({ oid: p, expanded: false });
      }
    }
  }
  return out;
}

function parentsOf(store: Store, oid: string): string[] {
  return parseCommit(store.objects.read(oid).content).parents;
}
