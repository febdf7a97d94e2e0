/**
 * Change freeze: recording freezes and unfreezes in history, and the freeze
 * in effect, for every front end (CLI, TUI, watch).
 */
import { CfgtrailError } from '../core/errors.js';
import type { Person, Trailer } from '../core/types.js';
import type { Store } from '../core/store/open.js';
import { readHead } from '../core/git/refs.js';
import { syncIndex } from '../core/audit/index-sync.js';
import type { IndexData } from '../core/audit/index-store.js';
import { eachFirstParent } from '../core/audit/first-parent.js';
import { lookupEntry } from '../core/audit/query.js';
import { storeLockOptions, withStoreLock } from '../core/store/lock.js';
import { writeRecordCommitLocked } from '../core/store/record-commit.js';
import { freezeInEffect, freezeMessage, freezeRecordOf, oneLineReason, type FreezeState } from '../core/record/freeze.js';

export type { FreezeState } from '../core/record/freeze.js';

const FREEZE_KEY = /"key":"freeze"/i;
/** The spellings searched as bytes before walking history (git compares keys case-insensitively; others are read when walking). */
const FREEZE_NEEDLES = ['"key":"Freeze"', '"key":"freeze"', '"key":"FREEZE"'].map((s) => Buffer.from(s));

/**
 * The newest freeze or unfreeze commit on HEAD's first-parent line, with its
 * record, or null when there is none. A store never frozen costs one search
 * of the index bytes.
 */
export function newestFreezeCommit(store: Store, index: IndexData = syncIndex(store, { persist: false })): { commit: string; on: boolean } | null {
  if (!FREEZE_NEEDLES.some((n) => index.bytes.includes(n))) return null;
  let found: { commit: string; on: boolean } | null = null;
  eachFirstParent(index, readHead(store.gitdir), (e) => {
    const text = e.memberText('trailers', 'files');
    if (!FREEZE_KEY.test(text)) return true;
    const record = freezeRecordOf(JSON.parse(text) as Trailer[]);
    if (!record) return true;
    found = { commit: e.oid, on: record.on };
    return false;
  });
  return found;
}

/**
 * The freeze in effect at `now`, or null: the newest commit carrying a
 * `Freeze` trailer says `on` and its `Freeze-Until` has not passed.
 * @example const f = currentFreeze(store); if (f) console.log(`frozen by ${f.by}: ${f.reason}`)
 */
export function currentFreeze(store: Store, opts: { now?: () => number; index?: IndexData } = {}): FreezeState | null {
  const index = opts.index ?? syncIndex(store, { persist: false });
  const newest = newestFreezeCommit(store, index);
  if (!newest?.on) return null;
  const entry = lookupEntry(store, index, newest.commit);
  const record = freezeRecordOf(entry.trailers)!;
  if (!freezeInEffect(record, (opts.now ?? Date.now)())) return null;
  return { reason: record.reason, by: `${entry.author.name} <${entry.author.email}>`, since: entry.date, until: record.until, commit: entry.commit };
}

/**
 * Refuses a new change while a freeze is in effect.
 * @throws CfgtrailError FROZEN naming the reason and who froze
 */
export function refuseWhileFrozen(store: Store, what: string, now?: () => number): void {
  const f = currentFreeze(store, { now });
  if (f) throw new CfgtrailError('FROZEN', `${what}: ${describeFreeze(f)}`, { freeze: f });
}

/** `changes are frozen since … by …: reason (until …; cfgtrail unfreeze lifts it)` */
export function describeFreeze(f: FreezeState): string {
  return `changes are frozen since ${f.since} by ${f.by}: ${f.reason} (${f.until ? `until ${f.until}; ` : ''}'cfgtrail unfreeze' lifts it)`;
}

export interface FreezeRequest {
  reason: string;
  /** ISO 8601 end of the freeze, or null for one that lasts until unfrozen. */
  until: string | null;
  author: Person;
  now?: () => number;
}

/**
 * Records a freeze under the store lock. Freezing while frozen records a new
 * freeze commit that replaces the reason and end time.
 * @throws CfgtrailError BAD_INPUT for an empty reason or an end in the past; NOTHING_TO_DO on a store without snapshots
 */
export async function freezeChanges(store: Store, req: FreezeRequest): Promise<{ commit: string; replaced: FreezeState | null }> {
  const reason = oneLineReason(req.reason);
  if (reason === '') throw new CfgtrailError('BAD_INPUT', 'freeze needs a reason (--reason TEXT)', {});
  const now = req.now ?? Date.now;
  if (req.until !== null && Date.parse(req.until) <= now()) throw new CfgtrailError('BAD_INPUT', `--until ${req.until} has already passed`, { until: req.until });
  return withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    const replaced = currentFreeze(store, { now, index: syncIndex(store, { persist: true }) });
    const m = freezeMessage({ on: true, reason, until: req.until });
    const commit = writeRecordCommitLocked(store, { ...m, author: req.author, now, reflogMessage: m.title });
    return { commit, replaced };
  });
}

/**
 * Records an unfreeze under the store lock.
 * @throws CfgtrailError NOTHING_TO_DO when no freeze is in effect
 */
export async function unfreezeChanges(store: Store, req: { reason?: string; author: Person; now?: () => number }): Promise<{ commit: string; lifted: FreezeState }> {
  const now = req.now ?? Date.now;
  return withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    const lifted = currentFreeze(store, { now, index: syncIndex(store, { persist: true }) });
    if (!lifted) throw new CfgtrailError('NOTHING_TO_DO', 'no freeze is in effect: nothing to unfreeze', {});
    const reason = oneLineReason(req.reason ?? '') || `lifts the freeze of ${lifted.since}`;
    const m = freezeMessage({ on: false, reason, until: null });
    const commit = writeRecordCommitLocked(store, { ...m, author: req.author, now, reflogMessage: m.title });
    return { commit, lifted };
  });
}

/** Whether an index entry's trailers make it a freeze or unfreeze commit. */
export function isFreezeCommit(trailers: readonly Trailer[]): boolean {
  return freezeRecordOf(trailers) !== null;
}
