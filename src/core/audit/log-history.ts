import type { Store } from '../store/open.js';
import type { AuditFilter } from '../types.js';
import { damageWarning, syncIndexForRead } from './index-sync.js';
import type { IndexData } from './index-store.js';
import { queryHistory } from './query.js';
import { commitsInRevs } from './rev-range.js';
import { resolveChangeId } from './revs.js';
import { cachedLogTexts, type LogTextOptions, type LogTexts } from './log-text-cache.js';

/** A `log` request made ready to run against the store's index. */
export interface LogScope {
  index: IndexData;
  /** The filter with its Change-Id (or prefix) resolved to a whole Change-Id. */
  filter: AuditFilter;
  /** Commits the revision arguments select (`REV`, `A..B`, `^A`), or null for all. */
  only: Set<string> | null;
}

/**
 * Opens the index for `log`: `warn` gets one line when the store is damaged,
 * a `--change-id` prefix becomes the whole id, and revision arguments
 * become the set of commits they select.
 *
 * @example const scope = await logScope(store, { limit: 5 }, ['HEAD~3..'])
 */
export async function logScope(store: Store, filter: AuditFilter, revs: string[], warn: (line: string) => void = () => undefined): Promise<LogScope> {
  const index = await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) warn(`${damage}\n`);
  const resolved = filter.changeId !== undefined ? { ...filter, changeId: resolveChangeId(index, filter.changeId) } : filter;
  return { index, filter: resolved, only: commitsInRevs(store, index, revs) };
}

/**
 * The matching change records as their stored JSON texts, newest first: a
 * revision range is applied to the matches, then the limit (`-n`).
 */
export function logHistoryJson(store: Store, scope: LogScope): string[] {
  const { filter, only, index } = scope;
  const result = queryHistory(store, only ? { ...filter, limit: undefined } : filter, index);
  return only ? result.json.filter((j) => only.has(j.slice(11, 51))).slice(0, filter.limit ?? Infinity) : result.json;
}

/**
 * Every change's text from the rendered-text cache (log-text-cache.ts), as
 * `logScope` would find them for a query with no filter: `warn` gets the same
 * damage line. Null when the saved index is behind HEAD; the caller then
 * goes through `logScope`, which catches the index up.
 *
 * @example const texts = await logTexts(store, logTextOptions({ oneline: true, color: false }))
 */
export async function logTexts(store: Store, opts: LogTextOptions, warn: (line: string) => void = () => undefined): Promise<LogTexts | null> {
  const texts = await cachedLogTexts(store.gitdir, opts);
  if (texts === null) return null;
  const damage = damageWarning(store, texts);
  if (damage) warn(`${damage}\n`);
  return texts;
}
