import { describe, expect, it } from 'vitest';
import { afterRollback, alertsDuringRollback, cooldownUntil, decideRound, sampleVerdict, thresholdBreach, type HeadInfo, type RoundInput, type Sample } from '../../../src/ops/watch/decide.js';
import { emptyWatchState, type WatchState } from '../../../src/ops/watch/state.js';
import type { MetricConfig } from '../../../src/ops/watch/config.js';

const T0 = Date.parse('2026-11-29T12:00:00Z');
const S = 1000;
const METRIC: MetricConfig = { name: 'error_rate', source: { kind: 'http', url: 'http://x', field: 'r' }, max: 0.05, timeoutMs: 1000 };
const LATENCY: MetricConfig = { name: 'p95', source: { kind: 'command', argv: ['x'] }, min: 1, max: 1000, timeoutMs: 1000 };
const HEAD: HeadInfo = { commit: 'b'.repeat(40), changeId: 'I4f5a6b7c8d9e0f12', time: T0 };
const GOOD = 'a'.repeat(40);

/** A builder: the config and inputs of one round, with overrides. */
function round(values: (number | null)[], over: Partial<RoundInput> & { at?: number } = {}): RoundInput {
  const samples: Sample[] = values.map((v, i) => ({ metric: [METRIC, LATENCY][i]!.name, value: v, ...(v === null ? { error: 'ECONNREFUSED' } : {}) }));
  return {
    now: over.at ?? T0 + 60 * S,
    config: { breaches: 3, graceMs: 30 * S, cooldownMs: 300 * S, maxRollbacks: 3, noData: 'ignore', metrics: [METRIC, LATENCY] },
    head: HEAD,
    lastGood: GOOD,
    samples,
    ...over,
  };
}

/** Runs rounds one second apart from `start`, threading the state; returns every decision. */
function rounds(series: (number | null)[][], opts: { start?: number; state?: WatchState; over?: Partial<RoundInput> } = {}) {
  let state = opts.state ?? emptyWatchState();
  const out = [];
  let at = opts.start ?? T0 + 60 * S;
  for (const values of series) {
    const d = decideRound(round(values, { ...opts.over, at }), state);
    state = d.state;
    out.push(d);
    at += S;
  }
  return { decisions: out, state };
}

describe('decideRound', () => {
  it('one spike is not enough: breaches must be consecutive', () => {
    const { decisions } = rounds([[0.2, 5], [0.01, 5], [0.2, 5], [0.2, 5], [0.01, 5]]);
    expect(decisions.map((d) => d.verdicts[0]!.streak)).toEqual([1, 0, 1, 2, 0]);
    expect(decisions.every((d) => d.action.kind === 'none')).toBe(true);
  });

  it('the third consecutive breach rolls back, with the reason the commit records', () => {
    const { decisions } = rounds([[0.12, 5], [0.12, 5], [0.12, 5]]);
    expect(decisions.map((d) => d.action.kind)).toEqual(['none', 'none', 'rollback']);
    expect(decisions[2]!.action).toMatchObject({ reason: 'auto-rollback: error_rate 0.12 > 0.05 for 3 samples since I4f5a6b7c8d9e0f12' });
  });

  it('min thresholds count as breaches too', () => {
    expect(thresholdBreach(0.5, { min: 1 })).toBe('0.5 < 1');
    const { decisions } = rounds([[0.01, 0], [0.01, 0], [0.01, 0]]);
    expect(decisions[2]!.action).toMatchObject({ kind: 'rollback', reason: expect.stringContaining('p95 0 < 1 for 3 samples') });
  });

  it('grace after a change: samples are not judged, then counting starts from zero', () => {
    const { decisions } = rounds([[0.9, 5], [0.9, 5], [0.9, 5], [0.9, 5]], { start: T0 + 28 * S });
    expect(decisions.map((d) => d.verdicts[0]!.verdict)).toEqual(['grace', 'grace', 'breach', 'breach']);
    expect(decisions.map((d) => d.verdicts[0]!.streak)).toEqual([0, 0, 1, 2]);
  });

  it('grace after the watcher restarted the services (its rollback)', () => {
    const rolled = afterRollback(emptyWatchState(), { at: T0 + 100 * S, from: HEAD.commit, commit: 'c'.repeat(40), ok: true, reason: 'r' }, T0 + 104 * S, HEAD.commit);
    const { decisions } = rounds([[0.9, 5], [0.9, 5]], { start: T0 + 133 * S, state: rolled });
    expect(decisions.map((d) => d.verdicts[0]!.verdict)).toEqual(['grace', 'breach']);
  });

  it('no data: ignored keeps the streak as it was; as breach it counts', () => {
    const ignore = rounds([[0.9, 5], [null, 5], [0.9, 5], [null, 5]]);
    expect(ignore.decisions.map((d) => [d.verdicts[0]!.verdict, d.verdicts[0]!.streak])).toEqual([['breach', 1], ['no-data', 1], ['breach', 2], ['no-data', 2]]);
    const breach = rounds([[null, 5], [null, 5], [null, 5]], { over: { config: { ...round([]).config, noData: 'breach' } } });
    expect(breach.decisions[2]!.action).toMatchObject({ kind: 'rollback', reason: expect.stringContaining('error_rate no data (ECONNREFUSED) for 3 samples') });
  });

  it('a new change starts the streaks again', () => {
    const first = rounds([[0.9, 5], [0.9, 5]]);
    const d = decideRound(round([0.9, 5], { head: { ...HEAD, commit: 'd'.repeat(40) } }), first.state);
    expect(d.verdicts[0]!.streak).toBe(1);
  });

  it('cooldown: no second rollback within the window, counted from the state (which a restart reads back)', () => {
    const state = afterRollback(emptyWatchState(), { at: T0, from: HEAD.commit, commit: null, ok: true, reason: 'r' }, T0 + 5 * S, null);
    const stored = JSON.parse(JSON.stringify(state)) as WatchState; // what a restarted watcher reads
    const { decisions } = rounds([[0.9, 5], [0.9, 5], [0.9, 5], [0.9, 5]], { state: stored });
    expect(decisions[2]!.action).toMatchObject({ kind: 'hold', why: 'cooldown', alert: true });
    expect(decisions[3]!.action).toMatchObject({ kind: 'hold', why: 'cooldown', alert: false });
    expect(cooldownUntil(stored, 300 * S, T0 + 60 * S)).toBe(T0 + 300 * S);
    const later = rounds([[0.9, 5], [0.9, 5], [0.9, 5]], { state: stored, start: T0 + 301 * S, over: { head: { ...HEAD, time: T0 + 200 * S } } });
    expect(later.decisions[2]!.action.kind).toBe('rollback');
  });

  it('max rollbacks per hour: alert only, until the oldest is an hour old', () => {
    let state = emptyWatchState();
    for (const m of [0, 10, 20]) state = afterRollback(state, { at: T0 + m * 60 * S, from: HEAD.commit, commit: null, ok: true, reason: 'r' }, T0 + m * 60 * S + S, null);
    const head = { ...HEAD, time: T0 + 30 * 60 * S };
    const held = rounds([[0.9, 5], [0.9, 5], [0.9, 5]], { state, start: T0 + 40 * 60 * S, over: { head } });
    expect(held.decisions[2]!.action).toMatchObject({ kind: 'hold', why: 'max-rollbacks' });
    const freed = rounds([[0.9, 5], [0.9, 5], [0.9, 5]], { state, start: T0 + 61 * 60 * S, over: { head } });
    expect(freed.decisions[2]!.action.kind).toBe('rollback');
  });

  it('nothing newer than last good, or no last good at all: alert only, once per episode', () => {
    const same = rounds([[0.9, 5], [0.9, 5], [0.9, 5], [0.9, 5]], { over: { lastGood: HEAD.commit } });
    expect(same.decisions[2]!.action).toMatchObject({ kind: 'hold', why: 'nothing-newer', alert: true });
    expect(same.decisions[3]!.action).toMatchObject({ kind: 'hold', alert: false });
    const none = rounds([[0.9, 5], [0.9, 5], [0.9, 5]], { over: { lastGood: null } });
    expect(none.decisions[2]!.action).toMatchObject({ kind: 'hold', why: 'no-last-good' });
  });

  it('a firing Alertmanager alert is a breach at once, but waits out the grace', () => {
    const state: WatchState = { ...emptyWatchState(), firing: { 'fp:1': { alertname: 'HighErrorRate', service: 'myapp', since: T0, fingerprint: 'fp:1' } } };
    const d = decideRound(round([0.01, 5]), state);
    expect(d.action).toMatchObject({ kind: 'rollback', reason: 'auto-rollback: Alertmanager alert HighErrorRate firing for myapp since I4f5a6b7c8d9e0f12' });
    expect(decideRound(round([0.01, 5], { at: T0 + 10 * S }), state).action.kind).toBe('none');
  });
});

describe('alerts that arrive while an automatic rollback runs', () => {
  it('are kept for the next round; those the rollback answered are cleared', () => {
    const before = { ...emptyWatchState(), firing: { old: { alertname: 'HighErrorRate', service: 'web', since: T0 - 60 * S, fingerprint: 'old' } } };
    const rolled = afterRollback(before, { at: T0, from: HEAD.commit, commit: 'c'.repeat(40), ok: true, reason: 'r' }, T0 + 5 * S, HEAD.commit);
    expect(rolled.firing).toEqual({});
    // the listener wrote a new alert (during the rollback) next to the old one
    const onDisk = { ...before.firing, fresh: { alertname: 'HighLatency', service: 'web', since: T0 + 2 * S, fingerprint: 'fresh' } };
    expect(Object.keys(alertsDuringRollback(rolled, onDisk, T0).firing)).toEqual(['fresh']);
  });
});


describe('sampleVerdict: the one rule watch, drills and rollout gates judge a sample by', () => {
  it.each([
    ['past max adds one', 0.12, 'ignore', 1, { verdict: 'breach', streak: 2, breach: '0.12 > 0.05' }],
    ['good ends the streak', 0.01, 'ignore', 2, { verdict: 'ok', streak: 0, breach: null }],
    ['no data, ignore: the streak stands', null, 'ignore', 2, { verdict: 'no-data', streak: 2, breach: null }],
    ['no data, breach: adds one', null, 'breach', 2, { verdict: 'breach', streak: 3, breach: null }],
  ] as const)('%s', (_n, value, noData, prior, want) => {
    expect(sampleVerdict(value, METRIC, noData, prior)).toEqual(want);
  });

  it('drill detection and watch agree sample by sample on one series', async () => {
    const { waitForBreach } = await import('../../../src/ops/drill/detect.js');
    // fake clock and metric source: this tests the counting rule only (the real sources are tested in watch.e2e and drill.e2e)
    const series = [0.2, null, 0.3, 0.01, 0.2, null, 0.2, 0.2];
    for (const noData of ['ignore', 'breach'] as const) {
      let i = 0;
      let now = 0;
      const hit = await waitForBreach({
        metrics: [METRIC], breaches: 3, intervalMs: 1, noData, timeoutMs: 1000, t: () => now, onSample: () => {},
        clock: { now: () => now, sleep: async (ms: number) => void (now += ms) },
        source: { sample: async () => ({ metric: METRIC.name, value: i < series.length ? series[i++]! : (i++, 0) }) },
      });
      const { decisions } = rounds(series.slice(0, i).map((v) => [v, 500]), { over: { config: { ...round([]).config, noData } } });
      expect(hit).not.toBeNull();
      expect(i).toBe(noData === 'breach' ? 3 : 8); // a missing sample counts only under no_data: breach
      // watch rolls back on the very sample the drill calls detected, never sooner
      expect(decisions.map((d) => d.action.kind).indexOf('rollback')).toBe(i - 1);
    }
  });
});
