/**
 * What the spans of snapshots, rollbacks, restarts and verifications record
 * (see core/trace.ts): pure functions from a result to span attributes, and a
 * failure for results that report one instead of throwing.
 */
import type { SpanOutcome, TraceAttributes } from '../core/trace.js';
import type { SnapshotResult } from '../core/store/snapshot.js';
import type { RestartResult } from './ports.js';
import type { ServiceVerifyReport } from './health.js';
import type { RollbackPlan, RollbackResult } from './rollback/types.js';
import type { RevertPlan } from './revert/plan.js';

/** `snapshot`: the commit made (none when nothing changed) and the files it records. */
export function snapshotOutcome(r: SnapshotResult): SpanOutcome {
  return { attributes: { 'config.commit': r.commit, 'config.change_id': r.changeId, 'config.file': r.files.map((f) => f.path), 'config.file.count': r.files.length } };
}

/**
 * A rollback's plan: the target and what it undoes, the files it writes.
 * @example rollbackPlanAttributes(plan)['config.rollback.target'] // '3f2c…' (full commit id)
 */
export function rollbackPlanAttributes(plan: RollbackPlan): TraceAttributes {
  return {
    'config.rollback.target': plan.target.commit,
    'config.rollback.target_change_id': plan.target.changeId,
    'config.rollback.undone': plan.undone.map((u) => u.changeId ?? u.commit),
    'config.rollback.resume': plan.resume?.stage,
    'config.file': plan.actions.map((a) => a.path),
    'config.file.count': plan.actions.length,
    'config.service': plan.services,
  };
}

/** `rollback.plan` (and `revert.plan`'s rollback part). */
export function rollbackPlanOutcome(plan: RollbackPlan): SpanOutcome {
  return { attributes: rollbackPlanAttributes(plan) };
}

/** What an applied rollback did: its commit, the drift snapshot, restarts and verification. */
export function rollbackResultAttributes(r: RollbackResult): TraceAttributes {
  return {
    'config.commit': r.commit,
    'config.change_id': r.changeId,
    'config.rollback.pre_snapshot': r.preRollbackCommit,
    'config.restart.success': r.restarted.length ? r.restarted.every((x) => x.ok) : undefined,
    'config.verification.success': r.verification?.report.ok,
    'config.rollback.kept_edits': r.keptEdits.length || undefined,
  };
}

/** `restart` of one service: a failed restart is a failed span (`error.type` RESTART_FAILED). */
export function restartOutcome(r: RestartResult): SpanOutcome {
  return {
    attributes: { 'config.restart.success': r.ok, 'config.restart.state': r.state, 'config.restart.exit_code': r.exitCode ?? undefined },
    ...(r.ok ? {} : { error: { type: 'RESTART_FAILED', message: r.message } }),
  };
}

/** `verify` of one service: a failed health check is a failed span (`error.type` VERIFY_FAILED). */
export function verifyOutcome(r: ServiceVerifyReport): SpanOutcome {
  const failed = r.checks.find((c) => !c.ok && !c.skipped);
  return {
    attributes: { 'config.verification.success': r.ok, 'config.verification.checks': r.checks.length },
    ...(failed ? { error: { type: 'VERIFY_FAILED', message: `${failed.check}: ${failed.message}` } } : {}),
  };
}

/** `revert.plan`: the change undone, and the rollback the revert will apply. */
export function revertPlanOutcome(plan: RevertPlan): SpanOutcome {
  return {
    attributes: {
      'config.revert.commit': plan.reverted.commit,
      'config.revert.change_id': plan.reverted.changeId,
      'config.revert.conflicts': plan.conflicts.length,
      ...rollbackPlanAttributes(plan.rollback),
      // The revert's target is a commit written when it is applied (its rollback span names it).
      'config.rollback.target': undefined,
      'config.rollback.target_change_id': undefined,
    },
  };
}
