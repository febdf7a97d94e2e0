/**
 * Planning a revert: undo one change and keep every later one. The files the
 * reverted commit changed are merged three ways (see merge-files.ts); the
 * result is a rollback plan of just those files, so applying it goes through
 * the rollback machinery (lock, journal, drift snapshot, kept edits,
 * restart and verify). Reads only; a failure here changes nothing.
 */
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import type { AuditEntry, Trailer } from '../../core/types.js';
import { syncIndex } from '../../core/audit/index-sync.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { eachFirstParent } from '../../core/audit/first-parent.js';
import { lookupEntry } from '../../core/audit/query.js';
import { trailerValues } from '../../core/record/trailers.js';
import { resolveRev } from '../../core/audit/revs.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { freezeRecordOf } from '../../core/record/freeze.js';
import { commitFiles, liveFiles } from '../../core/store/compare.js';
import type { LiveFile } from '../../core/store/scan.js';
import { checkLabel } from '../health.js';
import { servicesForFiles, type ServiceConfig } from '../services-config.js';
import { describePending, pendingRollback } from '../rollback/pending.js';
import { assertSafeActions } from '../rollback/safe-path.js';
import { diffLiveToTarget, driftPaths, fileActions, headFiles } from '../rollback/states.js';
import type { ChangeRef, DependencyWarning, RollbackPlan, TargetFile } from '../rollback/types.js';
import { mergeRevert, type RevertConflict, type RevertedFile } from './merge-files.js';
import { revertMessage } from './message.js';

export interface RevertRequest {
  /** Anything `show` accepts: commit, prefix, Change-Id (or prefix), HEAD~N, tag. */
  rev: string;
  /** Fields or regions changed both by the reverted commit and later: keep the later (`ours`) or the old value (`theirs`). */
  pick?: 'ours' | 'theirs';
  reason?: string;
  services: ServiceConfig[];
  restart: boolean;
  verify: boolean;
  chown?: boolean;
  /** Go on although later changes name the reverted one in `Depends-On`. */
  force?: boolean;
  /** Compute the field diff for showing the plan. @default true */
  diffs?: boolean;
}

/** A revert, planned: what it does per file, what conflicts, and the rollback plan that carries it out. */
export interface RevertPlan {
  reverted: ChangeRef;
  pick: 'ours' | 'theirs' | null;
  files: RevertedFile[];
  conflicts: RevertConflict[];
  /** Writes, deletes and restarts as a rollback plan (its `target` is the reverted commit until applied). */
  rollback: RollbackPlan;
  /** The merged files (null: deleted), for writing the revert's target. */
  result: Map<string, LiveFile | null>;
}

/**
 * @throws CfgtrailError UNKNOWN_REV, AMBIGUOUS_REV, BAD_INPUT (not on HEAD's line), REFUSED (first snapshot, a rollback pending), UNSAFE_PATH
 * @example const plan = planRevert(store, { rev: 'I1a2b3c', services: [], restart: true, verify: true })
 */
/** A freeze or unfreeze commit changes no file: reverting it would undo nothing, so it is refused, naming what does. */
function refuseFreezeRecord(entry: AuditEntry): void {
  const record = freezeRecordOf(entry.trailers);
  if (!record) return;
  const instead = record.on ? "'cfgtrail unfreeze' lifts a freeze" : "'cfgtrail freeze' freezes again";
  throw new CfgtrailError('BAD_INPUT', `${entry.commit.slice(0, 7)} is ${record.on ? 'a freeze' : 'an unfreeze'} record, not a change of files: there is nothing to revert (${instead})`, { commit: entry.commit });
}

export function planRevert(store: Store, req: RevertRequest): RevertPlan {
  const index = syncIndex(store, { persist: false });
  const head = readStoreHead(store.gitdir);
  if (!head) throw new CfgtrailError('UNKNOWN_REV', 'the store has no snapshot yet: nothing to revert', {});
  const pending = pendingRollback(store, index);
  if (pending) throw new CfgtrailError('REFUSED', `${describePending(pending)}; nothing was changed`, { pending: pending.journal.target });
  const commit = resolveRev(store, index, req.rev);
  const entry = lookupEntry(store, index, commit);
  refuseFreezeRecord(entry);
  const parent = entry.parents[0];
  if (parent === undefined) throw new CfgtrailError('REFUSED', `${commit.slice(0, 7)} is the first snapshot: there is nothing before it to go back to`, { commit });
  const reverted: ChangeRef = { commit, changeId: entry.changeId, title: entry.title };
  const dependents = laterDependents(index, head, reverted);
  const live = liveFiles(store);
  const merge = mergeRevert({
    base: commitFiles(store, commit), theirs: commitFiles(store, parent), live,
    read: (oid) => store.objects.read(oid).content, schema: store.settings.yamlSchema, identifiers: store.settings.listIdentifiers, ...(req.pick ? { pick: req.pick } : {}),
  });
  const rollback = displayPlan(store, { head, live, reverted, result: merge.result, dependents, req });
  Object.assign(rollback, revertMessage({ reverted, files: merge.files, reason: rollback.reason, pick: req.pick ?? null, forced: req.force ? dependents : [] }));
  return { reverted, pick: req.pick ?? null, files: merge.files, conflicts: merge.conflicts, rollback, result: merge.result };
}

/**
 * Changes after `reverted` on HEAD's first-parent line that name it in
 * `Depends-On`. Refuses a commit that is not on that line.
 */
function laterDependents(index: IndexData, head: string, reverted: ChangeRef): DependencyWarning[] {
  const out: DependencyWarning[] = [];
  let reached = false;
  eachFirstParent(index, head, (e) => {
    if (e.oid === reverted.commit) {
      reached = true;
      return false;
    }
    const trailers = e.memberText('trailers', 'files');
    if (reverted.changeId && /"depends-on"/i.test(trailers) && trailerValues(JSON.parse(trailers) as Trailer[], 'Depends-On').includes(reverted.changeId)) {
      out.push({ undone: reverted.changeId, dependent: { commit: e.oid, changeId: e.changeId, title: e.title } });
    }
    return true;
  });
  if (!reached) throw new CfgtrailError('BAD_INPUT', `${reverted.commit.slice(0, 7)} is not in the history of HEAD: nothing of it is in effect to revert`, { commit: reverted.commit });
  return out;
}

interface DisplayInput {
  head: string;
  live: Map<string, LiveFile>;
  reverted: ChangeRef;
  result: Map<string, LiveFile | null>;
  dependents: DependencyWarning[];
  req: RevertRequest;
}

/** The rollback plan of the merged files, as `rollback --dry-run` would show it. */
function displayPlan(store: Store, d: DisplayInput): RollbackPlan {
  const paths = [...d.result.keys()].sort();
  const inScope = (p: string) => d.result.has(p);
  const wanted = new Map<string, TargetFile>();
  const target = new Map(d.live);
  for (const [p, f] of d.result) {
    if (f) wanted.set(p, { mode: f.mode, oid: f.oid, perm: f.perm, uid: f.uid, gid: f.gid });
    if (f) target.set(p, f);
    else target.delete(p);
  }
  const actions = fileActions(d.live, wanted, inScope, Boolean(d.req.chown), store.settings.restoreSpecialBits);
  assertSafeActions(store.root, store.gitdir, actions, new Map([...wanted].map(([p, f]) => [p, f.mode])));
  const services = servicesForFiles(d.req.services, actions.map((a) => a.path));
  const targetState = { files: target, load: (p: string) => target.get(p)!.content };
  return {
    root: store.root, gitdir: store.gitdir, head: d.head, target: d.reverted, files: paths, actions,
    diffs: d.req.diffs === false || paths.length === 0 ? [] : diffLiveToTarget(store, d.live, targetState, paths),
    drift: driftPaths(headFiles(store, d.head), d.live),
    undone: [d.reverted],
    dependencies: d.dependents,
    services: services.map((s) => s.name),
    checks: services.flatMap((s) => s.health.map((c) => ({ service: s.name, check: checkLabel(c) }))),
    restart: d.req.restart, verify: d.req.verify, reason: d.req.reason?.trim() || null,
    commitTitle: '', commitBody: '', trailers: [],
    nothingToDo: actions.length === 0, resume: null,
  };
}
