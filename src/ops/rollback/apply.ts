/**
 * Carrying out a rollback plan: under the store lock, record drift, write the
 * target's files atomically and commit; then, without the lock, restart and
 * verify the services and note the outcome on the rollback commit.
 */
import { CfgtrailError } from '../../core/errors.js';
import { storeLockOptions, withStoreLock } from '../../core/store/lock.js';
import type { LiveFile } from '../../core/store/scan.js';
import { liveFiles } from '../../core/store/compare.js';
import { writeSnapshotLocked } from '../../core/store/snapshot.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { catchUpIndex, syncIndex } from '../../core/audit/index-sync.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { applyFileActions } from './write-files.js';
import { buildPlan, planStillHolds } from './plan.js';
import { removeJournal, writeJournal, type RollbackJournal } from './journal.js';
import { describePending, pendingFrom, pendingJournal } from './pending.js';
import { thisProcess } from '../../core/store/owner.js';
import { committedState, driftPaths, headFiles, keptEditsText, targetFiles } from './states.js';
import { runServices } from './services.js';
import { annotateSpan, withSpan } from '../../core/trace.js';
import { rollbackPlanAttributes, rollbackResultAttributes } from '../span-outcomes.js';
import type { ApplyContext, KeptEdit, RollbackPhase, RollbackPlan, RollbackResult } from './types.js';

export type { ApplyContext } from './types.js';

type Timer = <T>(phase: RollbackPhase, fn: () => Promise<T>, detail?: (r: T) => string) => Promise<T>;

/**
 * Applies `plan`. Restart or verification failures are results (see
 * `result.restart` / `result.verification`), not throws.
 * @throws CfgtrailError NOTHING_TO_DO, LOCKED, REFUSED (HEAD moved since planning), UNSAFE_PATH
 * @example const result = await applyRollback(planRollback(store, req), { store, services, ...realPorts(), author })
 */
export async function applyRollback(plan: RollbackPlan, ctx: ApplyContext): Promise<RollbackResult> {
  if (plan.nothingToDo) {
    throw new CfgtrailError('NOTHING_TO_DO', `the live files already match ${plan.target.commit.slice(0, 7)}: nothing to roll back`, { target: plan.target.commit });
  }
  annotateSpan(rollbackPlanAttributes(plan));
  const emit = ctx.onEvent ?? (() => {});
  const timings: RollbackResult['timings'] = {};
  const timed: Timer = async (phase, fn, detail) => {
    emit({ phase, step: 'start' });
    const t0 = ctx.clock.now();
    const r = await withSpan(`rollback.${phase}`, {}, fn, (x) => ({ attributes: { 'cfgtrail.detail': detail?.(x) } }));
    const durationMs = ctx.clock.now() - t0;
    timings[phase] = durationMs;
    emit({ phase, step: 'done', durationMs, ...(detail ? { detail: detail(r) } : {}) });
    return r;
  };
  const { store } = ctx;
  emit({ phase: 'lock', step: 'start' });
  const lockT0 = ctx.clock.now();
  const locked = await withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    timings.lock = ctx.clock.now() - lockT0;
    emit({ phase: 'lock', step: 'done', durationMs: timings.lock });
    return underLock(plan, ctx, timed);
  });
  const services = ctx.services.filter((s) => locked.services.includes(s.name));
  // Each restart is noted in the journal, so a run interrupted during restarts or checks
  // is resumed without restarting a service twice, and still verifies all of them.
  let journal = locked.journal;
  const restarted = new Set(journal.restarted ?? []);
  const after = await runServices(store, locked.commit, services, plan, ctx, timings, {
    skipRestart: restarted,
    onRestarted: (name) => {
      restarted.add(name);
      journal = { ...journal, restarted: [...restarted] };
      writeJournal(store.gitdir, journal);
    },
  });
  removeJournal(store.gitdir);
  const result = { preRollbackCommit: locked.pre, commit: locked.commit, changeId: locked.changeId, ...after, timings, keptEdits: locked.kept ?? [] };
  annotateSpan(rollbackResultAttributes(result));
  return result;
}

interface Locked {
  pre: string | null;
  commit: string;
  changeId: string | null;
  services: string[];
  journal: RollbackJournal;
  /** Edits made while the files were written, kept aside. */
  kept?: KeptEdit[];
}

async function underLock(plan: RollbackPlan, ctx: ApplyContext, timed: Timer): Promise<Locked> {
  const { store } = ctx;
  const head = readStoreHead(store.gitdir);
  if (head !== plan.head) {
    throw new CfgtrailError(
      'REFUSED',
      `history moved since the rollback was planned (HEAD was ${plan.head.slice(0, 7)}, now ${head?.slice(0, 7)}); nothing was changed: run the rollback again to see the new plan`,
      { planned: plan.head, head },
    );
  }
  // One index for the locked part: read once, caught up in memory if the drift commit moves HEAD.
  let index: IndexData | null = null;
  const indexNow = () => (index = index === null ? syncIndex(store, { persist: false }) : catchUpIndex(store, index));
  const pending = pendingJournal(store, indexNow, head);
  if (plan.resume && !pending) {
    // Planned as the resumption of an interrupted rollback that another command finished meanwhile.
    throw new CfgtrailError('NOTHING_TO_DO', 'the interrupted rollback was finished by another command meanwhile: nothing to continue', { target: plan.target.commit });
  }
  const state = pending && pendingFrom(pending);
  if (state?.running) {
    throw new CfgtrailError('REFUSED', `${describePending(state)}; nothing was changed`, { pending: state.journal.target });
  }
  if (pending && pending.target !== plan.target.commit) {
    throw new CfgtrailError('REFUSED', `another rollback (to ${pending.target.slice(0, 7)}) became pending since this one was planned; nothing was changed: run the rollback again`, { pending: pending.target });
  }
  if (pending?.commit) {
    // Only restarts and checks are left: the services the first run fixed (the plan has them).
    const journal: RollbackJournal = { ...pending, version: 2, services: plan.services, owner: thisProcess() };
    writeJournal(store.gitdir, journal);
    return { pre: pending.preRollbackCommit, commit: pending.commit, changeId: null, services: plan.services, journal };
  }
  let journal: RollbackJournal = {
    ...(pending ?? {
      head, preRollbackCommit: null, commit: null, target: plan.target.commit, files: plan.files,
      reason: plan.reason, restart: plan.restart, verify: plan.verify, startedAt: new Date((ctx.now ?? Date.now)()).toISOString(),
    }),
    version: 2,
    services: [...new Set([...(pending?.services ?? []), ...plan.services])],
    owner: thisProcess(),
  };
  writeJournal(store.gitdir, journal);
  const live = liveFiles(store, { removeTemps: true });
  // Unless a rollback is resumed, a plan made from exactly these files (HEAD has not moved) already knows the drift.
  const holds = !pending && planStillHolds(plan, live, Boolean(ctx.chown), ctx.services);
  const pre = await recordDrift(ctx, head, live, journal, Boolean(pending), timed, holds ? plan.drift : undefined);
  if (pre) {
    journal = { ...journal, preRollbackCommit: pre };
    writeJournal(store.gitdir, journal);
  }
  const now = readStoreHead(store.gitdir)!;
  const req = { services: ctx.services, restart: plan.restart, verify: plan.verify, chown: ctx.chown, force: plan.trailers.some((t) => t.key === 'Forced') };
  // Same target and files, re-planned against what is live now (a drift commit is one of the undone
  // changes), unless nothing moved since planning: then the plan stands as made.
  const stands = holds && !pre && now === plan.head;
  const fresh = stands
    ? plan
    : buildPlan(store, indexNow(), { head: now, live, target: plan.target.commit, files: plan.files, reason: plan.reason, req, diffs: false, savedDrift: journal.preRollbackCommit, ...(pending ? { journal: pending } : {}) });
  const more = fresh.services.filter((name) => !journal.services!.includes(name));
  if (more.length > 0) {
    journal = { ...journal, services: [...journal.services!, ...more] };
    writeJournal(store.gitdir, journal);
  }
  const readBlob = (oid: string) => store.objects.read(oid).content;
  const wrote = await timed('write', () => applyFileActions(store.root, fresh.actions, { readBlob, chown: Boolean(ctx.chown), now: ctx.now }), () => `${fresh.actions.length} file(s)`);
  // What was written, not a rescan: an edit landing meanwhile is kept aside (wrote.kept), never recorded as the rollback.
  const after = committedState(live, fresh.actions, wrote.written, readBlob);
  const body = wrote.kept.length ? `${fresh.commitBody}\n\n${keptEditsText(wrote.kept)}` : fresh.commitBody;
  const made = await timed('commit', () =>
    writeSnapshotLocked(store, after, { title: fresh.commitTitle, body, trailers: fresh.trailers, author: ctx.author, now: ctx.now, allowEmpty: true }),
  (r) => r.commit!.slice(0, 7));
  journal = { ...journal, preRollbackCommit: pre ?? journal.preRollbackCommit, commit: made.commit };
  writeJournal(store.gitdir, journal);
  return { pre: journal.preRollbackCommit, commit: made.commit!, changeId: made.changeId, services: journal.services!, journal, kept: wrote.kept };
}

/** Snapshots live files that differ from HEAD, so the rollback never loses them (`known`: already worked out). */
async function recordDrift(ctx: ApplyContext, head: string, live: Map<string, LiveFile>, journal: RollbackJournal, resuming: boolean, timed: Timer, known?: string[]): Promise<string | null> {
  const { store } = ctx;
  const resumed = journal.head !== head ? head : null; // the drift commit of the interrupted run
  let ignore: ((p: string) => boolean) | undefined;
  if (resuming) {
    // Resuming: files the interrupted run already restored are not drift.
    const wanted = targetFiles(store, journal.target);
    ignore = (p) => wanted.get(p)?.oid === live.get(p)?.oid;
  }
  const drift = known ?? driftPaths(headFiles(store, head), live, ignore);
  if (drift.length === 0) return resumed ?? journal.preRollbackCommit;
  const r = await timed('drift-snapshot', () =>
    writeSnapshotLocked(store, live, {
      title: 'Pre-rollback snapshot of uncommitted changes',
      body: `Recorded before rolling back to ${journal.target.slice(0, 7)}; changed files:\n${drift.map((p) => `- ${p}`).join('\n')}`,
      trailers: [{ key: 'Snapshot-Of', value: 'drift' }],
      author: ctx.author,
      now: ctx.now,
    }),
  (x) => x.commit?.slice(0, 7) ?? 'nothing to record');
  return r.commit ?? resumed ?? journal.preRollbackCommit;
}
