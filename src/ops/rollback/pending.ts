/**
 * An interrupted (or still running) rollback, as the journal and history
 * show it, and what to tell the user about it. `status`, `diff`, `snapshot`
 * and `rollback` all ask here.
 */
import type { Store } from '../../core/store/open.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { syncIndex } from '../../core/audit/index-sync.js';
import { lookupEntry } from '../../core/audit/query.js';
import { firstTrailer } from '../../core/record/trailers.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { describeOwner, isThisProcess, ownerAlive } from '../../core/store/owner.js';
import type { AuditEntry } from '../../core/types.js';
import { readJournal, type RollbackJournal } from './journal.js';
import { isRevertTo } from '../revert/target.js';

/** A rollback that was started and not finished. */
export interface PendingRollback {
  journal: RollbackJournal;
  /** `write`: files may be half restored, no rollback commit yet; `after-commit`: services are left to restart and verify. */
  stage: 'write' | 'after-commit';
  /** Another process is carrying it out right now (not interrupted). */
  running: boolean;
}

/**
 * The journal of an interrupted rollback that still applies to HEAD, or null.
 * `index` is asked for only when there is a journal to check against history;
 * `journal`: the journal file already read by the caller (read here when omitted).
 */
export function pendingJournal(store: Store, readIndex: () => IndexData, head: string, journal?: RollbackJournal | null): RollbackJournal | null {
  const j = journal === undefined ? readJournal(store.gitdir) : journal;
  if (!j) return null;
  let read: IndexData | undefined;
  const index = () => (read ??= readIndex());
  if (j.commit) return j.commit === head ? j : null;
  if (head === j.head) return j;
  // Every resumed run may snapshot drift again first (an edit made after a kill):
  // the rollback stays pending through any number of its own drift snapshots.
  const isDrift = (x: AuditEntry) => firstTrailer(x.trailers, 'Snapshot-Of') === 'drift';
  const reachesStartViaDrift = (from: AuditEntry): boolean => {
    let e: AuditEntry | null = from;
    for (let steps = 0; e && steps < MAX_DRIFT_SNAPSHOTS; steps++) {
      if (!isDrift(e)) return false;
      const parent = e.parents[0];
      if (parent === undefined) return false;
      if (parent === j.head) return true;
      e = lookupEntry(store, index(), parent);
    }
    return false;
  };
  const e = lookupEntry(store, index(), head);
  if (reachesStartViaDrift(e)) return j;
  // Killed after the rollback commit was made but before the journal noted it:
  // the commit is there, what remains is restarting and verifying.
  const parent = e.parents[0];
  const madeHere = parent !== undefined && (parent === j.head || reachesStartViaDrift(lookupEntry(store, index(), parent)));
  // A revert's commit names the commit it reverts, which its target names in turn.
  const made = firstTrailer(e.trailers, 'Rollback-To') === j.target || isRevertTo(e, lookupEntry(store, index(), j.target));
  return madeHere && made ? { ...j, commit: head } : null;
}

/** Drift snapshots one rollback may make across its reruns before its journal no longer counts. */
const MAX_DRIFT_SNAPSHOTS = 100;

/** The pending rollback of `store`, or null (the usual case: no journal file, nothing read). */
export function pendingRollback(store: Store, index?: IndexData): PendingRollback | null {
  const journal = readJournal(store.gitdir);
  if (!journal) return null;
  const head = readStoreHead(store.gitdir);
  if (!head) return null;
  const j = pendingJournal(store, () => index ?? syncIndex(store, { persist: false }), head, journal);
  return j ? pendingFrom(j) : null;
}

/** The state of a journal {@link pendingJournal} returned. */
export function pendingFrom(j: RollbackJournal): PendingRollback {
  const running = j.owner !== undefined && !isThisProcess(j.owner) && ownerAlive(j.owner);
  return { journal: j, stage: j.commit ? 'after-commit' : 'write', running };
}

/** One or two sentences: what state the pending rollback left, and the commands that finish or abandon it. */
export function describePending(p: PendingRollback): string {
  const to = p.journal.target.slice(0, 7);
  if (p.running) return `a rollback to ${to} is running now (${describeOwner(p.journal.owner!)}); wait for it to finish`;
  if (p.stage === 'write') {
    return `a rollback to ${to} was interrupted while restoring files (some may be restored, others not); `
      + 'run `cfgtrail rollback --continue` to finish it, or `cfgtrail rollback --abort` to put back the files it changed';
  }
  const left = servicesLeft(p.journal);
  const what = left.length > 0 ? `services ${left.join(', ')} are not yet ${p.journal.restart ? 'restarted and verified' : 'verified'}` : 'its verification is not recorded';
  return `a rollback to ${to} was interrupted after its commit ${p.journal.commit!.slice(0, 7)}: ${what}; `
    + 'run `cfgtrail rollback --continue` to finish it, or `cfgtrail rollback --abort` to leave it as it is';
}

/** Services of the journal not yet restarted (all of them when verification alone is left). */
export function servicesLeft(j: RollbackJournal): string[] {
  const done = new Set(j.restarted ?? []);
  return (j.services ?? []).filter((s) => !done.has(s));
}
