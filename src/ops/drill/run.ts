/**
 * Carrying a drill out: record the bad change (with a `Drill` trailer),
 * restart, wait for the health checks to notice, roll back, verify, and
 * whatever happened (a failed step, Ctrl-C) put the original files back and
 * restart the services. Every phase is timed on the injected clock.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { formatDuration } from '../../core/record/duration.js';
import { commitFiles, liveFiles } from '../../core/store/compare.js';
import type { Store } from '../../core/store/open.js';
import { storeLockOptions, withStoreLock } from '../../core/store/lock.js';
import { writeRecordCommit } from '../../core/store/record-commit.js';
import { writeSnapshot } from '../../core/store/snapshot.js';
import { restartServices } from '../restart.js';
import { applyRollback } from '../rollback/apply.js';
import { applyFileActions } from '../rollback/write-files.js';
import { blobOid } from '../../core/store/scan.js';
import { planRollback } from '../rollback/plan.js';
import type { RollbackResult } from '../rollback/types.js';
import { sampleAll, waitForBreach, waitForFailure } from './detect.js';
import { refuseUnfinishedDrill, removeDrillState, writeDrillState, type DrillState } from './state.js';
import { thisProcess } from '../../core/store/owner.js';
import type { ServiceConfig } from '../services-config.js';
import type { DrillPhase, DrillPlan, DrillPorts, DrillResult } from './types.js';

/**
 * Runs the drill of `plan`; never leaves the bad change live.
 * @example const result = await runDrill(store, planDrill(store, req), { ...realPorts(), author })
 */
export async function runDrill(store: Store, plan: DrillPlan, ports: DrillPorts): Promise<DrillResult> {
  const { clock, signal } = ports;
  const t0 = clock.now();
  const t = () => clock.now() - t0;
  const r = emptyResult(plan, ports);
  const phase = async <T>(name: DrillPhase, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> => {
    const start = t();
    ports.onEvent?.({ phase: name, step: 'start', t: start });
    const v = await fn();
    const d = detail?.(v);
    r.phases.push({ phase: name, start, end: t(), ...(d ? { detail: d } : {}) });
    ports.onEvent?.({ phase: name, step: 'done', t: t(), ...(d ? { detail: d } : {}) });
    return v;
  };
  const snap = (title: string) => writeSnapshot(store, { title, trailers: [{ key: 'Drill', value: plan.id }], author: ports.author, ...(ports.now ? { now: ports.now } : {}) });
  const state = (original: string): DrillState => ({
    version: 1, id: plan.id, original, file: plan.file, services: plan.services.map((s) => s.name), startedAt: r.startedAt, owner: thisProcess('cfgtrail drill'),
  });
  // Claimed holding the store lock before anything changes: of two drills started at once, one runs
  // and the other is refused naming it (REFUSED), instead of both writing their bad change.
  await withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    refuseUnfinishedDrill(store.gitdir);
    writeDrillState(store.gitdir, state(plan.head));
  });
  try {
    if (plan.drift) r.commits.original = (await phase('snapshot', () => snap(`Drill ${plan.id}: the live files before the drill`))).commit ?? plan.head;
    if (signal?.aborted) return await finish(store, plan, r, ports, phase);
    writeDrillState(store.gitdir, state(r.commits.original));
    await phase('apply', async () => {
      await writeBadChange(store.root, plan);
      r.commits.drill = (await snap(`Drill ${plan.id}: ${plan.change} in ${plan.file}`)).commit;
    }, () => `${plan.change} in ${plan.file}`);
    r.changeAt = t();
    const restart = await phase('restart', () => restartServices(plan.services, { control: ports.control, ...(signal ? { signal } : {}) }), (x) => (x.ok ? 'restarted' : 'restart failed'));
    const failedRestart = restart.results.find((x) => !x.result.ok);
    if (failedRestart) detected(r, t(), `restart of ${failedRestart.service} failed: ${failedRestart.result.message}`);
    else if (!signal?.aborted) {
      const base = { clock, timeoutMs: plan.timeoutMs, t, onSample: sample(r, ports), ...(signal ? { signal } : {}) };
      const detect = plan.detect;
      const hit = await phase('detect', () => (detect === 'health' ? waitForFailure(plan.services, { ...base, probe: ports.probe }) : waitForBreach({ ...base, ...detect, source: ports.metrics! })),
        (s) => (s ? `${s.service}: ${s.message}` : signal?.aborted ? 'interrupted' : `not detected within ${formatDuration(plan.timeoutMs)}`));
      if (hit) detected(r, hit.t, `${hit.service}: ${hit.message}`);
      else if (!signal?.aborted) r.problems.push(`the bad change was not detected within ${formatDuration(plan.timeoutMs)}`);
    }
    if (r.detectedAt !== null && !signal?.aborted) {
      const rb = await phase('rollback', () => rollbackTo(store, plan, r.commits.original, `drill ${plan.id}: recovery`, ports), (x) => (x && recovered(x) ? 'recovered' : 'not recovered'));
      r.commits.rollback = rb?.commit ?? null;
      if (rb && recovered(rb)) {
        r.recoveredAt = t();
        await sampleAll(plan.services, { probe: ports.probe, t, onSample: sample(r, ports) });
      } else r.problems.push('the rollback did not verify: a service failed its restart or health checks');
    }
  } catch (e) {
    r.problems.push((e as Error).message);
  }
  return finish(store, plan, r, ports, phase);
}

/**
 * Writes the bad change as a rollback writes a file: a temp copy, fsync, rename
 * (a kill leaves the file wholly old or wholly new), with the live file's mode
 * and owner, never through a link swapped in since planning. A file edited
 * since planning is refused rather than overwritten.
 */
async function writeBadChange(root: string, plan: DrillPlan): Promise<void> {
  const after = Buffer.from(plan.after);
  const st = lstatSync(join(root, plan.file));
  if (!st.isFile()) throw new Error(`${plan.file} is no longer a regular file; nothing was drilled`);
  const out = await applyFileActions(root, [{
    path: plan.file, action: 'write', mode: st.mode & 0o111 ? '100755' : '100644', oid: blobOid(after),
    perm: st.mode & 0o7777, uid: st.uid, gid: st.gid, was: blobOid(Buffer.from(plan.before)),
  }], { readBlob: () => after, chown: process.getuid?.() === 0 });
  if (out.kept.length > 0) throw new Error(`${plan.file} was edited as the drill wrote its change: the edit is kept at ${out.kept[0]!.keptAt}, and the drill stops`);
}

function emptyResult(plan: DrillPlan, ports: DrillPorts): DrillResult {
  const { before: _b, after: _a, services, ...rest } = plan;
  return {
    id: plan.id, plan: { ...rest, services: services.map((s) => s.name) }, startedAt: new Date((ports.now ?? Date.now)()).toISOString(),
    outcome: 'failed', phases: [], changeAt: null, detectedAt: null, detectedBy: null, recoveredAt: null, detectMs: null, recoverMs: null,
    verdicts: { detect: false, recover: false }, samples: [], commits: { original: plan.head, drill: null, rollback: null, record: null }, restored: false, problems: [],
  };
}

function sample(r: DrillResult, ports: DrillPorts) {
  return (s: DrillResult['samples'][number]) => {
    r.samples.push(s);
    ports.onEvent?.({ phase: 'sample', step: 'event', t: s.t, sample: s });
  };
}

function detected(r: DrillResult, at: number, by: string): void {
  r.detectedAt = at;
  r.detectedBy = by;
}

function recovered(x: RollbackResult): boolean {
  return x.restarted.every((s) => s.ok) && (x.verification?.report.ok ?? false);
}

/** A rollback to `original` that restarts and verifies; null when the live files already are the original. */
async function rollbackTo(store: Store, plan: Pick<DrillPlan, 'id' | 'services'>, original: string, reason: string, ports: DrillPorts): Promise<RollbackResult | null> {
  const rp = planRollback(store, { rev: original, reason, services: plan.services, restart: true, verify: true, diffs: false });
  if (rp.nothingToDo) return null;
  // The plan is data: its commit carries the drill's id too, so `Drill: <id>` finds every commit of the drill.
  const tagged = { ...rp, trailers: [...rp.trailers, { key: 'Drill', value: plan.id }] };
  return applyRollback(tagged, { store, services: plan.services, control: ports.control, probe: ports.probe, clock: ports.clock, author: ports.author, ...(ports.now ? { now: ports.now } : {}) });
}

function liveIsOriginal(store: Store, original: string): boolean {
  const want = commitFiles(store, original);
  const live = liveFiles(store);
  return live.size === want.size && [...live].every(([p, f]) => want.get(p)?.oid === f.oid);
}

type Phase = <T>(name: DrillPhase, fn: () => Promise<T>, detail?: (v: T) => string) => Promise<T>;

/** Puts the original files back whatever happened, judges the drill, and records it. */
async function finish(store: Store, plan: DrillPlan, r: DrillResult, ports: DrillPorts, phase: Phase): Promise<DrillResult> {
  try {
    if (!liveIsOriginal(store, r.commits.original) || (r.changeAt !== null && r.recoveredAt === null)) {
      await phase('restore', async () => {
        const rb = await rollbackTo(store, plan, r.commits.original, `drill ${plan.id}: restore the state before the drill`, ports);
        // Nothing to roll back (the change never reached the files): the services still get the original back.
        if (!rb && r.changeAt !== null) await restartServices(plan.services, { control: ports.control });
        r.commits.rollback ??= rb?.commit ?? null;
      }, () => 'original files restored');
    }
    r.restored = liveIsOriginal(store, r.commits.original);
  } catch (e) {
    r.problems.push(`restoring the original state failed: ${(e as Error).message}`);
  }
  if (r.detectedAt !== null && r.changeAt !== null) r.detectMs = Math.max(0, r.detectedAt - r.changeAt);
  if (r.recoveredAt !== null && r.detectedAt !== null) r.recoverMs = r.recoveredAt - r.detectedAt;
  r.verdicts = {
    detect: r.detectMs !== null && r.detectMs <= plan.targets.maxDetectMs,
    recover: r.recoverMs !== null && r.recoverMs <= plan.targets.maxRecoverMs,
  };
  r.outcome = ports.signal?.aborted ? 'interrupted' : r.verdicts.detect && r.verdicts.recover && r.restored ? 'passed' : 'failed';
  await phase('record', async () => {
    r.commits.record = await writeRecordCommit(store, { ...drillRecord(r), author: ports.author, ...(ports.now ? { now: ports.now } : {}) });
  });
  if (r.restored) removeDrillState(store.gitdir);
  return r;
}

/** The record commit: outcome and times in trailers, for `drill --history` and native git. */
function drillRecord(r: DrillResult): { title: string; body: string; trailers: { key: string; value: string }[] } {
  const ms = (v: number | null) => (v === null ? 'none' : String(Math.round(v)));
  const times = `detected in ${r.detectMs === null ? '(not detected)' : formatDuration(r.detectMs)}, recovered in ${r.recoverMs === null ? '(not recovered)' : formatDuration(r.recoverMs)}`;
  const body = [
    `${r.plan.change} in ${r.plan.file}; services ${r.plan.services.join(', ')}.`,
    ...(r.detectedBy ? [`Detected by ${r.detectedBy}.`] : []),
    ...r.problems.map((p) => `Problem: ${p.replace(/\s+/g, ' ')}`),
  ].join('\n');
  return {
    title: `Drill ${r.id} ${r.outcome}: ${times}`,
    body,
    trailers: [
      { key: 'Drill', value: r.id },
      { key: 'Drill-Result', value: r.outcome },
      { key: 'Drill-Detect-Ms', value: ms(r.detectMs) },
      { key: 'Drill-Recover-Ms', value: ms(r.recoverMs) },
    ],
  };
}

/**
 * `drill --restore`: after a drill was killed, roll back to the state before
 * it (restart and verify its services) and record it as interrupted.
 * @returns the rollback commit (null: the files already were the original) and the record commit
 */
export async function restoreDrill(store: Store, s: DrillState, services: ServiceConfig[], ports: DrillPorts): Promise<{ rollback: string | null; record: string; restored: boolean }> {
  const used = services.filter((x) => s.services.includes(x.name));
  const rb = await rollbackTo(store, { id: s.id, services: used }, s.original, `drill ${s.id}: restore the state before the drill (drill --restore)`, ports);
  if (!rb) await restartServices(used, { control: ports.control });
  const restored = liveIsOriginal(store, s.original);
  const record = await writeRecordCommit(store, {
    title: `Drill ${s.id} interrupted: ${restored ? 'restored' : 'NOT restored'} by drill --restore`,
    trailers: [{ key: 'Drill', value: s.id }, { key: 'Drill-Result', value: 'interrupted' }, { key: 'Drill-Detect-Ms', value: 'none' }, { key: 'Drill-Recover-Ms', value: 'none' }],
    author: ports.author, ...(ports.now ? { now: ports.now } : {}),
  });
  if (restored) removeDrillState(store.gitdir);
  return { rollback: rb?.commit ?? null, record, restored };
}
