/**
 * Change freeze: recording freezes and unfreezes in history, and the freeze
 * in effect, for every front end (CLI, TUI, watch).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../core/errors.js';
import type { Person, Trailer } from '../core/types.js';
import type { Store } from '../core/store/open.js';
import { readStoreHead } from '../core/audit/store-head.js';
import { syncIndex } from '../core/audit/index-sync.js';
import type { IndexData } from '../core/audit/index-store.js';
import { eachFirstParent } from '../core/audit/first-parent.js';
import { parseCommit } from '../core/git/commit.js';
import { splitMessage } from '../core/record/message.js';
import { isoDate } from '../core/audit/record.js';
import { readRegularFile, storeLockOptions, withStoreLock } from '../core/store/lock.js';
import { writeRecordCommitLocked } from '../core/store/record-commit.js';
import { freezeInEffect, freezeMessage, freezeRecordOf, oneLineReason, type FreezeState } from '../core/record/freeze.js';

export type { FreezeState } from '../core/record/freeze.js';

const FREEZE_KEY = /"key":"freeze"/i;
/** The spellings searched as bytes before walking the index (git compares keys case-insensitively; others are read when walking). */
const FREEZE_NEEDLES = ['"key":"Freeze"', '"key":"freeze"', '"key":"FREEZE"'].map((s) => Buffer.from(s));
/** `{head, commit}`: the newest freeze record on HEAD's first-parent line, as of `head` (derived; git stays the truth). */
const CACHE_FILE = 'cfgtrail-freeze.json';
/** Commits read one by one before the index is asked instead. */
const WALK_LIMIT = 64;

/**
 * The newest freeze or unfreeze commit on HEAD's first-parent line, or null.
 * It depends only on HEAD, so the answer is kept in `STORE/cfgtrail-freeze.json`
 * for that HEAD: the next command reads the commits made since (usually one)
 * instead of the whole index, which every snapshot would otherwise pay
 * (docs/decisions.md). A missing, stale or unreadable cache costs one walk
 * of the index. `persist`: the caller holds the store lock and the answer is saved.
 */
export function newestFreezeCommit(store: Store, opts: { index?: IndexData; persist?: boolean } = {}): string | null {
  const head = readStoreHead(store.gitdir);
  if (!head) return null;
  const cached = readCache(store);
  if (cached?.head === head) return cached.commit;
  let oid: string | undefined = head;
  let found: string | null | undefined;
  for (let i = 0; i < WALK_LIMIT && oid !== undefined && found === undefined; i += 1) {
    if (cached && oid === cached.head) found = cached.commit;
    else {
      const c = parseCommit(store.objects.read(oid).content);
      if (freezeRecordOf(splitMessage(c.message).trailers)) found = oid;
      else oid = c.parents[0];
    }
  }
  if (found === undefined) found = oid === undefined ? null : indexWalk(store, head, opts.index ?? syncIndex(store, { persist: false }));
  // Only a lock holder writes it: a reader's rename must not land among a writer's.
  if (opts.persist) writeCache(store, head, found);
  return found;
}

/** The newest freeze record on the first-parent line from `head`, found in the index. */
function indexWalk(store: Store, head: string, index: IndexData): string | null {
  if (!FREEZE_NEEDLES.some((n) => index.bytes.includes(n))) return null;
  let found: string | null = null;
  eachFirstParent(index, head, (e) => {
    const text = e.memberText('trailers', 'files');
    if (!FREEZE_KEY.test(text) || !freezeRecordOf(JSON.parse(text) as Trailer[])) return true;
    found = e.oid;
    return false;
  });
  return found;
}

function readCache(store: Store): { head: string; commit: string | null } | null {
  try {
    // never a FIFO or a link in its place: that would hang or mislead every snapshot
    const c = JSON.parse(readRegularFile(join(store.gitdir, CACHE_FILE))) as { head?: unknown; commit?: unknown };
    return typeof c.head === 'string' && (c.commit === null || typeof c.commit === 'string') ? { head: c.head, commit: c.commit } : null;
  } catch {
    return null; // missing, torn or not a regular file: found again from git
  }
}

function writeCache(store: Store, head: string, commit: string | null): void {
  const file = join(store.gitdir, CACHE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify({ head, commit })}\n`);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true }); // a read-only store: the next command finds it again
  }
}

/**
 * The freeze in effect at `now`, or null: the newest commit carrying a
 * `Freeze` trailer says `on` and its `Freeze-Until` has not passed.
 * @example const f = currentFreeze(store); if (f) console.log(`frozen by ${f.by}: ${f.reason}`)
 */
export function currentFreeze(store: Store, opts: { now?: () => number; index?: IndexData; persist?: boolean } = {}): FreezeState | null {
  const commit = newestFreezeCommit(store, opts);
  if (commit === null) return null;
  const c = parseCommit(store.objects.read(commit).content);
  const record = freezeRecordOf(splitMessage(c.message).trailers)!;
  if (!freezeInEffect(record, (opts.now ?? Date.now)())) return null;
  return { reason: record.reason, by: `${c.author.name} <${c.author.email}>`, since: isoDate(c.author.timestamp, c.author.timezoneOffset), until: record.until, commit };
}

/**
 * Refuses a new change while a freeze is in effect.
 * @throws CfgtrailError FROZEN naming the reason and who froze
 */
export function refuseWhileFrozen(store: Store, what: string, now?: () => number, opts: { persist?: boolean } = {}): void {
  const f = currentFreeze(store, { now, ...opts });
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
    const replaced = currentFreeze(store, { now, persist: true });
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
    const lifted = currentFreeze(store, { now, persist: true });
    if (!lifted) throw new CfgtrailError('NOTHING_TO_DO', 'no freeze is in effect: nothing to unfreeze', {});
    const reason = oneLineReason(req.reason ?? '') || `lifts the freeze of ${lifted.since}`;
    const m = freezeMessage({ on: false, reason, until: null });
    const commit = writeRecordCommitLocked(store, { ...m, author: req.author, now, reflogMessage: m.title });
    return { commit, lifted };
  });
}
