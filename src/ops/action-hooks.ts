/**
 * What each hook is told about its action (see ops/hooks.ts): the details
 * of a snapshot about to be or just recorded, of a rollback or revert plan
 * and of its outcome, and of a verification.
 */
import type { Person, Trailer } from '../core/types.js';
import type { Store } from '../core/store/open.js';
import { diffRevs } from '../core/audit/diff-revs.js';
import { firstTrailer } from '../core/record/trailers.js';
import type { RollbackPlan, RollbackResult } from './rollback/types.js';
import { runHook, type HookDetails, type HookOptions } from './hooks.js';
import { generateChangeId } from '../core/record/change-id.js';

/** A snapshot's record as its hooks see it. */
export interface SnapshotHookRecord {
  title: string;
  changeId: string;
  author: Person;
  trailers: Trailer[];
}

/**
 * pre-snapshot: the record and the files that differ from the last snapshot
 * (what the snapshot will record).
 * @example await snapshotDetails(store, { title: 'Raise pool', changeId, author, trailers })
 */
export async function snapshotDetails(store: Store, r: SnapshotHookRecord): Promise<HookDetails> {
  const drift = await diffRevs(store, [], [], false);
  return {
    ...recordDetails(r),
    files: drift.map((d) => d.file),
    fileStatus: drift.map((d) => ({ path: d.file, status: d.status })),
  };
}

/**
 * Runs the pre-snapshot hook, if any, and returns the Change-Id the snapshot
 * must record: the one given, or one made now so the hook saw the same id.
 * @throws CfgtrailError HOOK_REFUSED when the hook fails
 */
export async function preSnapshotHook(store: Store, r: Omit<SnapshotHookRecord, 'changeId'> & { changeId?: string }, hooks: HookOptions): Promise<string | undefined> {
  let changeId = r.changeId;
  await runHook(store, 'pre-snapshot', () => snapshotDetails(store, { ...r, changeId: (changeId ??= generateChangeId()) }), hooks);
  return changeId;
}

/** post-snapshot: the record, its commit and the files it changed. */
export function recordedDetails(r: SnapshotHookRecord, commit: string, files: { path: string; status: string }[]): HookDetails {
  return { ...recordDetails(r), commit, files: files.map((f) => f.path), fileStatus: files };
}

function recordDetails(r: SnapshotHookRecord): HookDetails {
  return {
    title: r.title,
    changeId: r.changeId,
    author: `${r.author.name} <${r.author.email}>`,
    risk: firstTrailer(r.trailers, 'Risk') ?? null,
    ticket: firstTrailer(r.trailers, 'Ticket') ?? null,
    trailers: r.trailers,
  };
}

/** pre-rollback: what the rollback (or revert) will do. */
export function planDetails(plan: RollbackPlan, action: 'rollback' | 'revert', author: Person): HookDetails {
  return {
    action,
    head: plan.head,
    target: plan.target.commit,
    targetTitle: plan.target.title,
    title: plan.commitTitle,
    author: `${author.name} <${author.email}>`,
    reason: plan.reason,
    files: plan.actions.map((a) => a.path),
    undone: plan.undone.map((u) => u.changeId ?? u.commit),
    services: plan.services,
  };
}

/** post-rollback: the plan's details plus its commit and how restarts and verification went. */
export function resultDetails(plan: RollbackPlan, action: 'rollback' | 'revert', author: Person, r: Pick<RollbackResult, 'commit' | 'changeId' | 'restarted' | 'verification'>): HookDetails {
  return {
    ...planDetails(plan, action, author),
    commit: r.commit,
    changeId: r.changeId,
    restartOk: r.restarted.every((x) => x.ok),
    result: r.verification ? r.verification.note.result : 'not verified',
  };
}
