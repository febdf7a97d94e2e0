/**
 * The revert's target commit (on no branch) carries the revert's change
 * record in its own message, marked by a `Cfgtrail-Revert-Target` trailer.
 * Whoever plans the rollback to it (the revert itself, or `rollback
 * --continue` after an interrupted revert) records that, not a rollback's
 * `Rollback-To` message.
 */
import type { AuditEntry, Trailer } from '../../core/types.js';
import { formatMessage } from '../../core/record/message.js';

/** Names the reverted commit in a revert target's message; never in a commit on the branch. */
export const REVERT_TARGET_TRAILER = 'Cfgtrail-Revert-Target';

export interface CommitRecord {
  commitTitle: string;
  commitBody: string;
  trailers: Trailer[];
}

/** The target commit's message: the revert's record plus the marker. */
export function revertTargetMessage(record: CommitRecord, reverted: string): string {
  return formatMessage({ title: record.commitTitle, body: record.commitBody, trailers: [...record.trailers, { key: REVERT_TARGET_TRAILER, value: reverted }] });
}

/**
 * The record a rollback to `target` commits when `target` is a revert target:
 * its title, body and trailers, with the drift snapshot said as saved; null
 * for any other commit.
 * @example revertRecordOf(lookupEntry(store, index, target), null)?.commitTitle // 'Revert "Raise pool"'
 */
export function revertRecordOf(target: AuditEntry, savedDrift?: string | null): CommitRecord | null {
  if (!target.trailers.some((t) => t.key === REVERT_TARGET_TRAILER)) return null;
  const trailers = target.trailers.filter((t) => t.key !== REVERT_TARGET_TRAILER && t.key !== 'Change-Id');
  let commitBody = target.body;
  if (savedDrift) {
    commitBody += `\n\nUncommitted edits were saved first as ${savedDrift.slice(0, 7)} (Pre-rollback snapshot).`;
    const reason = trailers.findIndex((t) => t.key === 'Reason');
    trailers.splice(reason < 0 ? trailers.length : reason, 0, { key: 'Pre-Rollback-Snapshot', value: savedDrift });
  }
  return { commitTitle: target.title, commitBody, trailers };
}

/** Whether `commit` is the revert whose target is `target` (it reverts the commit the target names). */
export function isRevertTo(commit: AuditEntry, target: AuditEntry): boolean {
  const reverted = target.trailers.find((t) => t.key === REVERT_TARGET_TRAILER)?.value;
  return reverted !== undefined && commit.trailers.some((t) => t.key === 'Reverts-Commit' && t.value === reverted);
}
