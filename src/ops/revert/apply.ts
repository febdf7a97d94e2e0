/**
 * Carrying out a revert with the rollback machinery: the merged files are
 * written to the store as a commit object on no branch (the revert's
 * target: the live tree with the merged files, its message the revert's
 * record), and the revert is a rollback of just those files to it, which
 * records that message. The journal,
 * `rollback --continue` and `rollback --abort` therefore work for an
 * interrupted revert as for a rollback.
 */
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { syncIndex } from '../../core/audit/index-sync.js';
import { serializeCommit, signatureOf } from '../../core/git/commit.js';
import { writeLooseObject } from '../../core/git/objects.js';
import { liveFiles } from '../../core/store/compare.js';
import { writeLiveTree } from '../../core/store/snapshot-tree.js';
import { applyRollback, type ApplyContext } from '../rollback/apply.js';
import { buildPlan, type BuildInput } from '../rollback/plan.js';
import type { FileAction, RollbackResult } from '../rollback/types.js';
import { revertTargetMessage } from './target.js';
import type { RevertPlan } from './plan.js';

/** What applying a revert did: the rollback result, and the target commit written for it. */
export interface RevertResult extends RollbackResult {
  /** The commit object (on no branch) whose files the revert wrote. */
  target: string;
}

/**
 * Applies `plan`. Restart or verification failures are results, not throws.
 * @throws CfgtrailError REFUSED (conflicts, or the files changed since planning), NOTHING_TO_DO, LOCKED, UNSAFE_PATH
 * @example const r = await applyRevert(planRevert(store, req), { store, services, ...realPorts(), author })
 */
export async function applyRevert(plan: RevertPlan, ctx: ApplyContext): Promise<RevertResult> {
  const short = plan.reverted.commit.slice(0, 7);
  if (plan.conflicts.length > 0) {
    throw new CfgtrailError('REFUSED', `reverting ${short} conflicts with later changes in ${plan.conflicts.map((c) => c.path).join(', ')}; nothing was changed`, { conflicts: plan.conflicts });
  }
  if (plan.rollback.nothingToDo) {
    throw new CfgtrailError('NOTHING_TO_DO', `the live files already have ${short} undone: nothing to revert`, { commit: plan.reverted.commit });
  }
  const { store } = ctx;
  const target = await writeRevertTarget(store, plan, ctx);
  const req = { services: ctx.services, restart: plan.rollback.restart, verify: plan.rollback.verify, chown: ctx.chown, diffs: false };
  const input: BuildInput = { head: plan.rollback.head, live: liveFiles(store), target, files: plan.rollback.files, reason: plan.rollback.reason, req };
  // buildPlan records the revert's message, which the target carries (see target.ts).
  const rb = buildPlan(store, syncIndex(store, { persist: false }), input);
  if (actionsKey(rb.actions) !== actionsKey(plan.rollback.actions)) {
    throw new CfgtrailError('REFUSED', `the files changed since the revert of ${short} was planned; nothing was changed: run it again to see the new plan`, {});
  }
  const result = await applyRollback(rb, ctx);
  return { ...result, target };
}

/** Writes HEAD's files with the merged ones in their place as a commit on no branch; returns its id. */
async function writeRevertTarget(store: Store, plan: RevertPlan, ctx: ApplyContext): Promise<string> {
  const files = liveFiles(store);
  for (const [path, f] of plan.result) {
    if (f) files.set(path, f);
    else files.delete(path);
  }
  const tree = await writeLiveTree(store.gitdir, files, (oid) => store.objects.has(oid));
  const when = Math.floor((ctx.now ?? Date.now)() / 1000);
  const who = signatureOf(ctx.author, when);
  const message = revertTargetMessage(plan.rollback, plan.reverted.commit);
  return writeLooseObject(store.gitdir, 'commit', serializeCommit({ tree, parents: [plan.rollback.head], author: who, committer: who, message }));
}

function actionsKey(actions: FileAction[]): string {
  return JSON.stringify(actions.map((a) => [a.path, a.action, a.action === 'write' ? a.oid : a.action === 'chmod' ? a.perm : null]));
}
