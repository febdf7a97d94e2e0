/**
 * Planning a rollback: resolve the target, compare the live files with it,
 * list what will be written, deleted and restarted. Reads only; a failure
 * here changes nothing.
 */
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { syncIndex } from '../../core/audit/index-sync.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { lookupEntry } from '../../core/audit/query.js';
import { resolveRev } from '../../core/audit/revs.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { lastGoodCommit } from '../../core/audit/verification-notes.js';
import type { LiveFile } from '../../core/store/scan.js';
import { commitFiles, liveFiles, revState } from '../../core/store/compare.js';
import { checkLabel } from '../health.js';
import { servicesForFiles, type ServiceConfig } from '../services-config.js';
import type { RollbackJournal } from './journal.js';
import { describePending, pendingFrom, pendingJournal } from './pending.js';
import { changeAtOrBelow, previousTarget, undoneChanges } from './history.js';
import { assertSafeActions } from './safe-path.js';
import { commitMessage, diffLiveToTarget, driftPaths, fileActions, headFiles, scopeOf, targetFilesOf } from './states.js';
import type { ChangeRef, RollbackPlan } from './types.js';
import { revertRecordOf } from '../revert/target.js';
import { quotePaths } from '../../core/path-name.js';
import { planBasis } from './plan-basis.js';

export { planStillHolds } from './plan-basis.js';

/** What the user asked for. Exactly one of `rev`, `previous`, `lastGood`. */
export interface RollbackRequest {
  rev?: string;
  previous?: boolean;
  lastGood?: boolean;
  /** Finish the interrupted rollback (`--continue`); fails when there is none. */
  continue?: boolean;
  /** Selective rollback of these paths (files or directories) only. */
  files?: string[];
  reason?: string;
  services: ServiceConfig[];
  restart: boolean;
  verify: boolean;
  /** Restore recorded owners too (only root can). */
  chown?: boolean;
  /** Compute the field diff for showing the plan; a `--yes` run shows none and skips the parsing. @default true */
  diffs?: boolean;
  /** Going on although kept changes depend on undone ones (`--force`): recorded as a `Forced` trailer. */
  force?: boolean;
}

/**
 * Plans a rollback. An interrupted rollback (journal present) is resumed
 * instead of planning a new one: `--continue`, or a rerun with the same
 * target, finishes the job; any other target is refused while one is pending.
 * @throws CfgtrailError UNKNOWN_REV, BAD_INPUT, UNSAFE_PATH, REFUSED (another rollback pending or running), NOTHING_TO_DO (`continue` with none pending)
 * @example const plan = planRollback(store, { previous: true, services: [], restart: true, verify: true })
 */
export function planRollback(store: Store, req: RollbackRequest): RollbackPlan {
  const index = syncIndex(store, { persist: false });
  const head = readStoreHead(store.gitdir);
  if (!head) throw new CfgtrailError('UNKNOWN_REV', 'the store has no snapshot yet: nothing to roll back to', {});
  const live = liveFiles(store);
  const journal = pendingJournal(store, () => index, head);
  if (journal) {
    assertMayResume(store, index, journal, req);
    return resumePlan(store, index, head, live, journal, req);
  }
  if (req.continue) throw new CfgtrailError('NOTHING_TO_DO', 'no rollback is in progress: nothing to continue', {});
  const target = resolveTarget(store, index, req);
  const files = normalizeFiles(req.files);
  return buildPlan(store, index, { head, live, target, files, reason: req.reason?.trim() || null, req, diffs: req.diffs });
}

/** Refuses to resume a rollback that another process runs, or to put a different target in the pending one's place. */
function assertMayResume(store: Store, index: IndexData, journal: RollbackJournal, req: RollbackRequest): void {
  // The journal was read and checked against HEAD just now: no second read or history walk.
  const pending = pendingFrom(journal);
  if (pending.running) throw new CfgtrailError('REFUSED', `${describePending(pending)}; nothing was changed`, { pending: journal.target });
  if (req.continue) return;
  const asked = resolveTarget(store, index, req);
  const files = normalizeFiles(req.files);
  if (asked === journal.target && JSON.stringify(files) === JSON.stringify(journal.files)) return;
  throw new CfgtrailError(
    'REFUSED',
    `${describePending(pending)}; it must be finished or abandoned before rolling back to ${asked.slice(0, 7)}${files ? ` (${quotePaths(files)})` : ''}. Nothing was changed`,
    { pending: journal.target, asked },
  );
}

function resolveTarget(store: Store, index: IndexData, req: RollbackRequest): string {
  const given = [req.rev !== undefined, Boolean(req.previous), Boolean(req.lastGood)].filter(Boolean).length;
  if (given !== 1) throw new CfgtrailError('BAD_INPUT', 'give exactly one of: a revision, --previous or --last-good', {});
  if (req.previous) return previousTarget(index, readStoreHead(store.gitdir)!);
  if (req.lastGood) {
    const good = lastGoodCommit(store, index);
    if (!good) throw new CfgtrailError('UNKNOWN_REV', 'no revision has passed verification yet (see cfgtrail verify / mark-good)', {});
    return changeAtOrBelow(index, good);
  }
  return resolveRev(store, index, req.rev!);
}

function normalizeFiles(files: string[] | undefined): string[] | null {
  if (!files || files.length === 0) return null;
  return [...new Set(files.map((f) => f.replace(/^\.\//, '').replace(/\/+$/, '')))].sort();
}

/** What {@link buildPlan} plans from (a revert plans the rollback to its target with it). */
export interface BuildInput {
  head: string;
  live: Map<string, LiveFile>;
  target: string;
  files: string[] | null;
  reason: string | null;
  req: RollbackRequest;
  /** For a resumed rollback: what was started. */
  journal?: RollbackJournal;
  /** Compute the field diff (skipped under the lock: parsing big files there blocks other writers). @default true */
  diffs?: boolean;
  /** The snapshot of uncommitted edits this rollback just made: said as saved, not as undone. */
  savedDrift?: string | null;
}

/** The plan for rolling the live files back to `target` (also re-run under the lock). */
export function buildPlan(store: Store, index: IndexData, input: BuildInput): RollbackPlan {
  const { head, live, target, files, journal } = input;
  const inScope = scopeOf(files);
  const committed = commitFiles(store, target);
  const wanted = targetFilesOf(committed);
  if (files) {
    const known = [...wanted.keys(), ...live.keys()];
    const unknown = files.filter((f) => !known.some(scopeOf([f])));
    if (unknown.length > 0) throw new CfgtrailError('BAD_INPUT', `not tracked at ${target.slice(0, 7)} nor live: ${quotePaths(unknown)}`, { files: unknown });
  }
  const actions = fileActions(live, wanted, inScope, Boolean(input.req.chown), store.settings.restoreSpecialBits);
  assertSafeActions(store.root, store.gitdir, actions, new Map([...wanted].map(([p, f]) => [p, f.mode])));
  const targetEntry = lookupEntry(store, index, target);
  const ref: ChangeRef = { commit: target, changeId: targetEntry.changeId, title: targetEntry.title };
  const { undone, dependencies } = undoneChanges(index, head, target, files ? inScope : undefined);
  const services = journal ? resumedServices(store, index, journal, input.req.services, actions) : servicesForFiles(input.req.services, actions.map((a) => a.path));
  const before = headFiles(store, head);
  const drift = driftPaths(before, live, journal ? (p) => wanted.get(p)?.oid === live.get(p)?.oid : undefined);
  // A revert's target carries the revert's own record (see ops/revert/target.ts), also when a rollback --continue finishes it.
  const msg = revertRecordOf(targetEntry, input.savedDrift) ?? commitMessage(ref, files, undone, input.reason, input.savedDrift, input.req.force ? dependencies : []);
  const plan: RollbackPlan = {
    root: store.root,
    gitdir: store.gitdir,
    head,
    target: ref,
    files,
    actions,
    diffs: input.diffs === false ? [] : diffLiveToTarget(store, live, revState(store, target, committed), files),
    drift,
    undone,
    dependencies,
    services: services.map((s) => s.name),
    checks: services.flatMap((s) => s.health.map((c) => ({ service: s.name, check: checkLabel(c) }))),
    restart: input.req.restart,
    verify: input.req.verify,
    reason: input.reason,
    commitTitle: msg.commitTitle,
    commitBody: msg.commitBody,
    trailers: msg.trailers,
    nothingToDo: actions.length === 0 && !journal,
    resume: journal ? { stage: journal.commit ? 'after-commit' : 'write', startedAt: journal.startedAt, restarted: journal.restarted ?? [] } : null,
    basis: planBasis(live, Boolean(input.req.chown), input.req.services),
  };
  return plan;
}

/**
 * Services a resumed rollback still owes a restart and check: those its
 * first run fixed in the journal (a version-1 journal has none: those of the
 * files the rollback commit changed), plus those of files still to write.
 */
function resumedServices(store: Store, index: IndexData, j: RollbackJournal, all: ServiceConfig[], actions: { path: string }[]): ServiceConfig[] {
  const names = new Set(j.services ?? (j.commit ? servicesForFiles(all, lookupEntry(store, index, j.commit).files.map((f) => f.path)).map((s) => s.name) : []));
  for (const s of servicesForFiles(all, actions.map((a) => a.path))) names.add(s.name);
  return all.filter((s) => names.has(s.name));
}

function resumePlan(store: Store, index: IndexData, head: string, live: Map<string, LiveFile>, j: RollbackJournal, req: RollbackRequest): RollbackPlan {
  return buildPlan(store, index, { head, live, target: j.target, files: j.files, reason: j.reason, journal: j, req: { ...req, restart: j.restart, verify: j.verify } });
}
