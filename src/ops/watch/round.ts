/**
 * One round of `cfgtrail watch`: sample every metric, judge the round
 * (decide.ts), remember it, and act: nothing, an alert, or an automatic
 * rollback to the last good revision (auto-rollback.ts). Every sample and
 * decision is reported as one event, which the CLI prints as a JSON line.
 */
import { syncIndex } from '../../core/audit/index-sync.js';
import { lookupEntry } from '../../core/audit/query.js';
import { lastGoodCommit } from '../../core/audit/verification-notes.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { changeAtOrBelow } from '../rollback/history.js';
import { autoRollback, finishPendingAutoRollback } from './auto-rollback.js';
import { alert, type WatchContext } from './context.js';
import { alertsDuringRollback, decideRound, type Decision, type HeadInfo } from './decide.js';
import { readWatchState, writeWatchState, type WatchState } from './state.js';

/** How a round ended, for `watch --once`'s exit code. */
export type RoundStatus = 'healthy' | 'breach' | 'rolled-back' | 'rollback-failed' | 'no-data' | 'no-snapshot';

/**
 * Runs one round.
 * @example const status = await runRound(ctx) // 'healthy'
 */
export async function runRound(ctx: WatchContext): Promise<RoundStatus> {
  const { store } = ctx;
  const commit = readStoreHead(store.gitdir);
  if (!commit) {
    ctx.emit({ type: 'decision', at: iso(ctx.now()), action: 'none', why: 'the store has no snapshot yet' });
    return 'no-snapshot';
  }
  const index = syncIndex(store, { persist: false });
  // A freeze (the incident playbook's first step) is no new change: it must not restart the count or the grace.
  const live = changeAtOrBelow(index, commit);
  const entry = lookupEntry(store, index, live);
  const head: HeadInfo = { commit: live, changeId: entry.changeId, time: Date.parse(entry.date) };
  const resumed = await finishPendingAutoRollback(ctx, head, readWatchState(store.gitdir));
  if (resumed) {
    writeWatchState(store.gitdir, resumed.state);
    return OUTCOME_STATUS[resumed.outcome];
  }
  const samples = await Promise.all(ctx.config.metrics.map((m) => ctx.source.sample(m)));
  // Read after sampling: Alertmanager notifications may have landed meanwhile.
  const prev = readWatchState(store.gitdir);
  const now = ctx.now();
  const decision = decideRound({ now, config: ctx.config, head, lastGood: lastGoodCommit(store, index), samples }, prev);
  for (const v of decision.verdicts) {
    const error = samples.find((s) => s.metric === v.metric)?.error;
    ctx.emit({ type: 'sample', at: iso(now), ...v, ...(error ? { error } : {}) });
  }
  let state: WatchState = { ...decision.state, samples: [...prev.samples, ...decision.verdicts.map((v) => ({ at: now, metric: v.metric, value: v.value, verdict: v.verdict, detail: v.detail }))] };
  writeWatchState(store.gitdir, state);
  const { action } = decision;
  if (action.kind === 'none') {
    ctx.emit({ type: 'decision', at: iso(now), action: 'none', head: commit });
    return statusOf(decision);
  }
  if (action.kind === 'hold') {
    ctx.emit({ type: 'decision', at: iso(now), action: 'alert-only', why: action.why, reason: action.reason, alerted: action.alert, head: commit });
    if (action.alert) alert(ctx, { kind: action.why === 'max-rollbacks' ? 'max-rollbacks' : 'breach-no-rollback', summary: `${action.reason.replace(/^auto-rollback: /, '')}; no rollback: ${HOLD_TEXT[action.why]}`, commit, changeId: head.changeId, details: { why: action.why, metric: action.trigger.metric, value: action.trigger.value } });
    return 'breach';
  }
  ctx.emit({ type: 'decision', at: iso(now), action: 'rollback', reason: action.reason, head: commit });
  const outcome = await autoRollback(ctx, { head, reason: action.reason, trigger: action.trigger, state });
  state = alertsDuringRollback(outcome.state, readWatchState(store.gitdir).firing, now);
  writeWatchState(store.gitdir, state);
  return OUTCOME_STATUS[outcome.outcome];
}

const OUTCOME_STATUS = { 'held': 'breach', 'rolled-back': 'rolled-back', 'failed': 'rollback-failed' } as const;

const HOLD_TEXT: Record<string, string> = {
  'cooldown': 'an automatic rollback ran within the cooldown',
  'max-rollbacks': 'the maximum of automatic rollbacks per hour is reached',
  'nothing-newer': 'nothing newer than the last good revision',
  'no-last-good': 'no revision has passed verification yet',
};

function statusOf(d: Decision): RoundStatus {
  if (d.verdicts.some((v) => v.verdict === 'breach')) return 'breach';
  if (d.verdicts.some((v) => v.verdict === 'no-data')) return 'no-data';
  return 'healthy';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
