/**
 * Carrying a progressive rollback out: batch after batch, instances of a
 * batch in parallel, the gate for every instance of the batch before the
 * next, a stop at the first failed gate (beyond `--max-failures`). The state
 * file is written before and after every step.
 */
import { randomBytes } from 'node:crypto';
import { CfgtrailError } from '../../core/errors.js';
import { storeLockOptions, withStoreLock } from '../../core/store/lock.js';
import type { Store } from '../../core/store/open.js';
import { thisProcess } from '../../core/store/owner.js';
import { writeRecordCommit } from '../../core/store/record-commit.js';
import { sampleVerdict } from '../watch/decide.js';
import { gateInstance, judgeAction } from './action.js';
import type { RolloutConfig } from './config.js';
import { checkInstanceName, fillArgv } from './plan.js';
import { rolloutRecord } from './record.js';
import { assertNotRunning, pendingRollout, writeRolloutState, type InstanceRecord, type RolloutState } from './state.js';
import type { RolloutPorts } from './types.js';

export interface RolloutRequest {
  target: string;
  /** Instances in batch order. */
  batches: string[][];
  delayMs: number;
  maxFailures: number;
  reason: string | null;
}

export interface RolloutOutcome { state: RolloutState; record: string }

/**
 * Starts a rollout (refused while another one is pending) and carries it out.
 * @example await startRollout(store, config, { target: 'v1.4', batches: [['web-1'], ['web-2', 'web-3']], delayMs: 0, maxFailures: 0, reason: null }, ports)
 */
export async function startRollout(store: Store, config: RolloutConfig, req: RolloutRequest, ports: RolloutPorts): Promise<RolloutOutcome> {
  checkInstanceName(req.target, 'the rollout target'); // it becomes an argv element on every instance
  const now = ports.now ?? Date.now;
  const state = await withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    const pending = pendingRollout(store.gitdir);
    if (pending) {
      throw new CfgtrailError('REFUSED', `rollout ${pending.id} (to ${pending.target}) is ${pending.status}: run 'cfgtrail rollback --continue' or 'cfgtrail rollback --abort' first`, { rollout: pending.id });
    }
    const started = new Date(now()).toISOString();
    const s: RolloutState = {
      version: 1, id: `ROLLOUT-${randomBytes(4).toString('hex')}`, target: req.target, status: 'running',
      batches: req.batches.length, batch: 1, delayMs: req.delayMs, maxFailures: req.maxFailures, reason: req.reason, stopped: null,
      instances: req.batches.flatMap((names, b) => names.map((name): InstanceRecord => ({ name, batch: b + 1, state: 'pending', acted: false, from: null, to: null, message: '' }))),
      startedAt: started, updatedAt: started, owner: thisProcess('cfgtrail rollback --instances'), records: [],
    };
    writeRolloutState(store.gitdir, s, now);
    return s;
  });
  ports.onEvent?.({ phase: 'start', id: state.id, target: state.target, batches: state.batches, instances: state.instances.length, resumed: false, abort: false });
  return runBatches(store, config, state, ports);
}

/**
 * `rollback --continue` for a rollout: redoes the stopped or interrupted
 * batch (actions that did not succeed, then the whole batch's gate) and goes on.
 */
export async function continueRollout(store: Store, config: RolloutConfig, pending: RolloutState, ports: RolloutPorts): Promise<RolloutOutcome> {
  const s = await claimRollout(store, pending, 'continue', ports.now);
  ports.onEvent?.({ phase: 'start', id: s.id, target: s.target, batches: s.batches, instances: s.instances.length, resumed: true, abort: false });
  return runBatches(store, config, s, ports);
}

/**
 * Takes a pending rollout over for `--continue` or `--abort`, under the store
 * lock: the state is read again there, so of two processes resuming the same
 * rollout one gets it and the other is refused (REFUSED), instead of both
 * acting on every instance.
 * @returns the state as it is now, owned by this process
 */
export async function claimRollout(store: Store, seen: RolloutState, how: 'continue' | 'abort', now?: () => number): Promise<RolloutState> {
  return withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    const s = pendingRollout(store.gitdir);
    if (!s || s.id !== seen.id) throw new CfgtrailError('NOTHING_TO_DO', `rollout ${seen.id} is no longer pending: see 'cfgtrail rollout status'`, { rollout: seen.id });
    assertNotRunning(s);
    if (how === 'continue' && s.status === 'aborting') {
      throw new CfgtrailError('REFUSED', `rollout ${s.id} is being aborted: run 'cfgtrail rollback --abort' to finish rolling it forward`, { rollout: s.id });
    }
    Object.assign(s, how === 'continue'
      ? { status: 'running', stopped: null, owner: thisProcess('cfgtrail rollback --continue') }
      : { status: 'aborting', owner: thisProcess('cfgtrail rollback --abort') });
    writeRolloutState(store.gitdir, s, now);
    return s;
  });
}

async function runBatches(store: Store, config: RolloutConfig, s: RolloutState, ports: RolloutPorts): Promise<RolloutOutcome> {
  const first = s.batch;
  for (let b = first; b <= s.batches; b++) {
    if (b > first && s.delayMs > 0) {
      ports.onEvent?.({ phase: 'wait', batch: b, delayMs: s.delayMs });
      await ports.clock.sleep(s.delayMs);
    }
    s.batch = b;
    const batch = s.instances.filter((i) => i.batch === b);
    ports.onEvent?.({ phase: 'batch', batch: b, batches: s.batches, instances: batch.map((i) => i.name) });
    await Promise.all(batch.filter((i) => i.state !== 'healthy' && i.state !== 'rolled-back').map((i) => act(store, config, s, i, ports)));
    await Promise.all(batch.filter((i) => i.acted || i.state === 'rolled-back').map((i) => gate(store, config, s, i, ports)));
    const failedHere = batch.filter((i) => i.state === 'failed').map((i) => i.name);
    const metricsBad = failedHere.length === 0 ? await metricGate(ports) : [];
    ports.onEvent?.({ phase: 'gate', batch: b, ok: failedHere.length === 0 && metricsBad.length === 0, failed: [...failedHere, ...metricsBad] });
    if (metricsBad.length > 0) {
      s.stopped = `batch ${b}: watch metrics past their thresholds: ${metricsBad.join('; ')}`;
      return finish(store, s, 'stopped', ports);
    }
    const failed = s.instances.filter((i) => i.state === 'failed').length;
    if (failed > s.maxFailures) {
      s.stopped = `batch ${b}: ${failedHere.join(', ')} failed (${failed} failed in all, --max-failures ${s.maxFailures})`;
      return finish(store, s, 'stopped', ports);
    }
  }
  return finish(store, s, 'completed', ports);
}

/** Runs one instance's action; its state is written before (running) and after. */
async function act(store: Store, config: RolloutConfig, s: RolloutState, i: InstanceRecord, ports: RolloutPorts): Promise<void> {
  const step = (state: InstanceRecord['state'], message: string) => {
    Object.assign(i, { state, message });
    writeRolloutState(store.gitdir, s, ports.now);
    ports.onEvent?.({ phase: 'instance', batch: i.batch, instance: i.name, state, message });
  };
  step('running', 'rolling back');
  const run = await ports.run(fillArgv(config.action, { instance: i.name, target: s.target }), { timeoutMs: config.timeoutMs });
  const v = judgeAction(run, config.timeoutMs);
  // A rerun after an interruption says "already at the target": keep what the first run reported.
  i.from = i.from ?? v.from;
  i.to = v.to ?? i.to;
  i.acted = v.ok;
  step(v.ok ? 'rolled-back' : 'failed', v.message);
}

async function gate(store: Store, config: RolloutConfig, s: RolloutState, i: InstanceRecord, ports: RolloutPorts): Promise<void> {
  ports.onEvent?.({ phase: 'instance', batch: i.batch, instance: i.name, state: 'checking', message: 'health gate' });
  const g = await gateInstance(i.name, s.target, config, ports);
  Object.assign(i, { state: g.ok ? 'healthy' : 'failed', message: g.message });
  writeRolloutState(store.gitdir, s, ports.now);
  ports.onEvent?.({ phase: 'instance', batch: i.batch, instance: i.name, state: i.state, message: g.message });
}

/** Sets the outcome, records it as a commit, and saves the state naming that commit. */
export async function finish(store: Store, s: RolloutState, status: RolloutState['status'], ports: RolloutPorts): Promise<RolloutOutcome> {
  s.status = status;
  writeRolloutState(store.gitdir, s, ports.now);
  const rec = rolloutRecord(s);
  const record = await writeRecordCommit(store, { ...rec, author: ports.author, ...(ports.now ? { now: ports.now } : {}) });
  s.records.push(record);
  writeRolloutState(store.gitdir, s, ports.now);
  ports.onEvent?.({ phase: 'end', id: s.id, status, record });
  return { state: s, record };
}

/**
 * watch's metric rules as part of the gate: each metric sampled once after
 * the batch; one past its threshold (or without data, with `no_data: breach`)
 * stops the rollout. Metrics are the fleet's (a Prometheus query, an
 * endpoint), not one instance's.
 * @returns `error_rate 0.12 > 0.05` for each metric that fails the gate
 */
async function metricGate(ports: RolloutPorts): Promise<string[]> {
  if (!ports.metrics) return [];
  const bad: string[] = [];
  for (const rule of ports.metrics.rules) {
    const sample = await ports.metrics.source.sample(rule);
    // a gate is one sample: a breach of one in a row fails it
    const v = sampleVerdict(sample.value, rule, ports.metrics.noData, 0);
    if (v.verdict === 'breach') bad.push(`${rule.name} ${v.breach ?? `no data (${sample.error ?? 'no value'})`}`);
  }
  return bad;
}
