/**
 * The watcher's rollback: the flow of `rollback --last-good --yes` (plan,
 * write, commit, restart, verify, note), with the reason in the commit's
 * `Reason` trailer and alerts before and after. Alerts go out in the
 * background: nothing here waits on a webhook.
 */
import { isCfgtrailError } from '../../core/errors.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { planRollback } from '../rollback/plan.js';
import { applyRollback } from '../rollback/apply.js';
import type { RollbackPlan, RollbackResult } from '../rollback/types.js';
import { readJournal } from '../rollback/journal.js';
import { pendingFrom } from '../rollback/pending.js';
import { afterRollback, type HeadInfo, type MetricVerdict } from './decide.js';
import { alert, type WatchContext } from './context.js';
import type { WatchState } from './state.js';

export interface AutoRollbackInput {
  head: HeadInfo;
  /** `auto-rollback: error_rate 0.12 > 0.05 for 3 samples since I4f5a…` */
  reason: string;
  trigger: MetricVerdict;
  state: WatchState;
  /** How to plan; default: `rollback --last-good`. */
  plan?: () => RollbackPlan;
}

/**
 * Rolls back to the last good revision. Failures (a restart or check that
 * fails, a locked store, a pending rollback) are reported and alerted, never
 * thrown: the watcher keeps watching.
 */
export async function autoRollback(ctx: WatchContext, input: AutoRollbackInput): Promise<{ outcome: 'rolled-back' | 'failed' | 'held'; state: WatchState }> {
  const { store } = ctx;
  const started = ctx.now();
  const base = { commit: input.head.commit, changeId: input.head.changeId };
  const details = { metric: input.trigger.metric, value: input.trigger.value, reason: input.reason };
  let result: RollbackResult | null = null;
  let error: string | null = null;
  try {
    const plan = input.plan ? input.plan() : planRollback(store, { lastGood: true, reason: input.reason, services: ctx.services, restart: true, verify: true, chown: ctx.chown, diffs: false });
    if (plan.nothingToDo) return holdNothingNewer(ctx, input);
    const target = plan.target.commit;
    alert(ctx, { kind: 'auto-rollback-started', summary: `${input.reason.replace(/^auto-rollback: /, '')}; rolling back to ${target.slice(0, 7)} (${plan.target.title})`, ...base, details: { ...details, target } });
    result = await applyRollback(plan, {
      store, services: ctx.services, control: ctx.control, probe: ctx.probe, clock: ctx.clock, author: ctx.author, now: ctx.now, chown: ctx.chown,
      onEvent: (e) => ctx.emit({ type: 'rollback', at: new Date(ctx.now()).toISOString(), ...e }),
    });
  } catch (e) {
    if (!isCfgtrailError(e)) throw e;
    error = e.message;
  }
  const end = ctx.now();
  const failed = error ?? failureOf(result!);
  const ok = failed === null;
  const commit = result?.commit ?? null;
  ctx.emit({ type: 'rollback-done', at: new Date(end).toISOString(), ok, commit, durationMs: end - started, ...(failed ? { error: failed } : {}) });
  alert(ctx, ok
    ? { kind: 'auto-rollback-succeeded', summary: `rolled back in ${((end - started) / 1000).toFixed(1)} s (commit ${commit!.slice(0, 7)}); services verified healthy. Cause: ${input.reason.replace(/^auto-rollback: /, '')}`, ...base, details: { ...details, rollbackCommit: commit } }
    : { kind: 'auto-rollback-failed', summary: `automatic rollback failed: ${failed}. Cause: ${input.reason.replace(/^auto-rollback: /, '')}`, ...base, details: { ...details, rollbackCommit: commit, error: failed } });
  const state = afterRollback(input.state, { at: started, from: input.head.commit, commit, ok, reason: input.reason }, end, readStoreHead(store.gitdir));
  return { outcome: ok ? 'rolled-back' : 'failed', state };
}

/**
 * The live files already are the last good revision's (e.g. its rollback
 * commit was never verified good): nothing to roll back to, alert once.
 */
function holdNothingNewer(ctx: WatchContext, input: AutoRollbackInput): { outcome: 'held'; state: WatchState } {
  const episode = `${input.head.commit}:nothing-newer`;
  const first = input.state.alerted !== episode;
  ctx.emit({ type: 'decision', at: new Date(ctx.now()).toISOString(), action: 'alert-only', why: 'nothing-newer', reason: input.reason, alerted: first, head: input.head.commit });
  if (first) alert(ctx, { kind: 'breach-no-rollback', summary: `${input.reason.replace(/^auto-rollback: /, '')}; no rollback: the live files already match the last good revision`, commit: input.head.commit, changeId: input.head.changeId, details: { why: 'nothing-newer', metric: input.trigger.metric, value: input.trigger.value } });
  return { outcome: 'held', state: { ...input.state, alerted: episode } };
}

/** Why an applied rollback did not end healthy, or null. */
function failureOf(r: RollbackResult): string | null {
  const restart = r.restarted.find((x) => !x.ok);
  if (restart) return `restart of ${restart.service} failed`;
  if (r.verification && !r.verification.report.ok) return `health checks failed for ${r.verification.report.failed.join(', ')}`;
  return null;
}

/**
 * An automatic rollback that a killed watcher left pending (its journal says
 * `auto-rollback: …`): finished first, whatever the metrics say now, so the
 * store is never left with a pending rollback that blocks snapshots.
 * Null when there is none (or another process is running it).
 */
export async function finishPendingAutoRollback(ctx: WatchContext, head: HeadInfo, state: WatchState): Promise<{ outcome: 'rolled-back' | 'failed' | 'held'; state: WatchState } | null> {
  const j = readJournal(ctx.store.gitdir);
  if (!j || !j.reason?.startsWith('auto-rollback:') || pendingFrom(j).running) return null;
  ctx.emit({ type: 'decision', at: new Date(ctx.now()).toISOString(), action: 'rollback', reason: j.reason, resumed: true, head: head.commit });
  const trigger: MetricVerdict = { metric: 'resumed', value: null, verdict: 'breach', streak: 0, detail: 'an interrupted automatic rollback' };
  const plan = () => planRollback(ctx.store, { continue: true, services: ctx.services, restart: true, verify: true, chown: ctx.chown, diffs: false });
  return autoRollback(ctx, { head, reason: j.reason, trigger, state, plan });
}
