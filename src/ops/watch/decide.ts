/**
 * The watcher's judgement, pure: given this round's samples, the clock, the
 * newest change and what the store remembers (streaks, past rollbacks), say
 * what each sample means and whether to roll back, alert only, or wait.
 * No I/O: every rule (flapping, grace, no-data, cooldown, hourly maximum,
 * nothing newer than last-good) is tested with an injected clock.
 */
import type { MetricConfig, WatchConfig } from './config.js';
import type { FiringAlert, WatchState } from './state.js';

/** One sample: a number, or null with why there is none. */
export interface Sample {
  metric: string;
  value: number | null;
  error?: string;
}

/** What one sample counted as this round. */
export interface MetricVerdict {
  metric: string;
  value: number | null;
  verdict: 'ok' | 'breach' | 'no-data' | 'grace';
  /** Consecutive bad samples since the newest change, this one included. */
  streak: number;
  /** `0.12 > 0.05`, `no data (ECONNREFUSED)`, `alert HighErrorRate firing`. */
  detail: string;
}

/** Why a breach does not lead to a rollback. */
export type HoldReason = 'cooldown' | 'max-rollbacks' | 'nothing-newer' | 'no-last-good';

export type WatchAction =
  | { kind: 'none' }
  | { kind: 'rollback'; reason: string; trigger: MetricVerdict }
  | { kind: 'hold'; why: HoldReason; reason: string; trigger: MetricVerdict; /** false when this episode was already alerted. */ alert: boolean };

/** The newest change on the store's branch. */
export interface HeadInfo {
  commit: string;
  changeId: string | null;
  /** Commit time, ms since the epoch. */
  time: number;
}

export interface RoundInput {
  now: number;
  config: Pick<WatchConfig, 'breaches' | 'graceMs' | 'cooldownMs' | 'maxRollbacks' | 'noData'> & { metrics: MetricConfig[] };
  head: HeadInfo;
  /** `rollback --last-good`'s target (a passed or marked-good verification), or null. */
  lastGood: string | null;
  samples: Sample[];
}

export interface Decision {
  verdicts: MetricVerdict[];
  action: WatchAction;
  state: WatchState;
}

const HOUR_MS = 3_600_000;

/**
 * Judges one round and returns the next state. Streaks belong to the newest
 * change: a new HEAD starts them again. Alertmanager alerts still firing count
 * as breaches at once (Alertmanager's `for:` already waited).
 * @example decideRound({ now, config, head, lastGood, samples }, state).action.kind // 'rollback'
 */
export function decideRound(input: RoundInput, prev: WatchState): Decision {
  const { now, config, head } = input;
  const sameHead = prev.head === head.commit;
  const streaks = sameHead ? { ...prev.streaks } : {};
  const graceEnd = Math.max(head.time, prev.graceFrom ?? 0) + config.graceMs;
  const inGrace = now < graceEnd;
  const verdicts = input.samples.map((s) => judgeSample(s, config.metrics.find((m) => m.name === s.metric), config.noData, inGrace, streaks));
  for (const a of Object.values(prev.firing)) verdicts.push(judgeAlert(a, inGrace, config.breaches));
  const trigger = verdicts.find((v) => v.streak >= config.breaches);
  const base: WatchState = { ...prev, head: head.commit, streaks, alerted: sameHead ? prev.alerted : null, updatedAt: now };
  if (!trigger) return { verdicts, action: { kind: 'none' }, state: { ...base, alerted: verdicts.some((v) => v.verdict === 'breach') ? base.alerted : null } };
  const count = trigger.metric.startsWith('alert:') ? '' : ` for ${trigger.streak} sample${trigger.streak === 1 ? '' : 's'}`;
  const reason = `auto-rollback: ${trigger.detail}${count} since ${head.changeId ?? head.commit.slice(0, 12)}`;
  const why = holdReason(input, prev.rollbacks);
  if (!why) return { verdicts, action: { kind: 'rollback', reason, trigger }, state: base };
  const episode = `${head.commit}:${why}`;
  return { verdicts, action: { kind: 'hold', why, reason, trigger, alert: base.alerted !== episode }, state: { ...base, alerted: episode } };
}

function judgeSample(s: Sample, metric: MetricConfig | undefined, noData: NoDataPolicy, inGrace: boolean, streaks: Record<string, number>): MetricVerdict {
  const out = (verdict: MetricVerdict['verdict'], streak: number, detail: string): MetricVerdict => {
    streaks[s.metric] = streak;
    return { metric: s.metric, value: s.value, verdict, streak, detail };
  };
  if (inGrace) return out('grace', 0, 'in grace');
  const v = sampleVerdict(metric ? s.value : null, metric, noData, streaks[s.metric] ?? 0);
  const detail = v.breach ? `${s.metric} ${v.breach}` : v.verdict === 'ok' ? `${s.metric} ${formatValue(s.value!)} ok` : `${s.metric} no data${s.error ? ` (${s.error})` : ''}`;
  return out(v.verdict, v.streak, detail);
}

type NoDataPolicy = 'ignore' | 'breach';

/**
 * One sample judged by watch's rule, for watch, drills and rollout gates alike:
 * past a threshold (or missing under `no_data: breach`) is a breach and adds
 * one to the streak; a good sample ends the streak; a missing one under
 * `ignore` neither adds nor ends it. `prior`: the streak before this sample.
 * @example sampleVerdict(0.12, { max: 0.05 }, 'ignore', 1) // { verdict: 'breach', streak: 2, breach: '0.12 > 0.05' }
 */
export function sampleVerdict(value: number | null, metric: Pick<MetricConfig, 'max' | 'min'> | undefined, noData: NoDataPolicy, prior: number): { verdict: 'ok' | 'breach' | 'no-data'; streak: number; breach: string | null } {
  if (value === null || !metric) return noData === 'breach' ? { verdict: 'breach', streak: prior + 1, breach: null } : { verdict: 'no-data', streak: prior, breach: null };
  const breach = thresholdBreach(value, metric);
  return breach ? { verdict: 'breach', streak: prior + 1, breach } : { verdict: 'ok', streak: 0, breach: null };
}

function judgeAlert(a: FiringAlert, inGrace: boolean, breaches: number): MetricVerdict {
  const detail = `Alertmanager alert ${a.alertname} firing for ${a.service}`;
  const metric = `alert:${a.alertname}`;
  return inGrace ? { metric, value: null, verdict: 'grace', streak: 0, detail: 'in grace' } : { metric, value: null, verdict: 'breach', streak: breaches, detail };
}

/** `0.12 > 0.05` when `value` is past a threshold of `metric`, else null. */
export function thresholdBreach(value: number, metric: Pick<MetricConfig, 'max' | 'min'>): string | null {
  if (metric.max !== undefined && value > metric.max) return `${formatValue(value)} > ${formatValue(metric.max)}`;
  if (metric.min !== undefined && value < metric.min) return `${formatValue(value)} < ${formatValue(metric.min)}`;
  return null;
}

function formatValue(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

function holdReason(input: RoundInput, rollbacks: WatchState['rollbacks']): HoldReason | null {
  if (input.lastGood === null) return 'no-last-good';
  if (input.lastGood === input.head.commit) return 'nothing-newer';
  const last = rollbacks.at(-1);
  if (last && input.now - last.at < input.config.cooldownMs) return 'cooldown';
  if (rollbacksInLastHour(rollbacks, input.now) >= input.config.maxRollbacks) return 'max-rollbacks';
  return null;
}

/**
 * The firing alerts to keep after an automatic rollback that started at
 * `startedAt`: the rollback answered the ones before it (afterRollback clears
 * them), but an alert Alertmanager sent while it ran (`onDisk`, written by the
 * listener meanwhile) is news about the new state and stays, or it would be
 * lost until Alertmanager repeats it (hours, by default).
 */
export function alertsDuringRollback(afterState: WatchState, onDisk: WatchState['firing'], startedAt: number): WatchState {
  const kept = Object.fromEntries(Object.entries(onDisk).filter(([, a]) => a.since >= startedAt));
  return { ...afterState, firing: { ...afterState.firing, ...kept } };
}

/** Automatic rollbacks started in the hour before `now`. */
export function rollbacksInLastHour(rollbacks: WatchState['rollbacks'], now: number): number {
  return rollbacks.filter((r) => now - r.at < HOUR_MS).length;
}

/** When the cooldown after the last automatic rollback ends (null: none in force). */
export function cooldownUntil(state: WatchState, cooldownMs: number, now: number): number | null {
  const last = state.rollbacks.at(-1);
  return last && now - last.at < cooldownMs ? last.at + cooldownMs : null;
}

/**
 * The state after an automatic rollback that started at `at` and ended at
 * `end`: it counts for cooldown and the hourly maximum, streaks start again
 * on the new HEAD, and its restarts open a grace window.
 */
export function afterRollback(state: WatchState, r: WatchState['rollbacks'][number], end: number, newHead: string | null): WatchState {
  // A day of history for `watch status`; only the last hour counts.
  const keepFrom = end - 24 * HOUR_MS;
  return {
    ...state,
    head: newHead ?? state.head,
    streaks: {},
    graceFrom: end,
    alerted: null,
    firing: {},
    rollbacks: [...state.rollbacks.filter((x) => x.at >= keepFrom), r],
    updatedAt: end,
  };
}
