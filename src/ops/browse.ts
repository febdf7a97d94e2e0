/**
 * The use cases an interactive history browser (`cfgtrail tui`) calls: the
 * same core and ops functions `log`, `show`, `diff`, `status`, `rollback` and
 * `revert` call, bound to one open store and the ports of this process.
 */
import type { Store } from '../core/store/open.js';
import type { AuditEntry, FileDiff, Person } from '../core/types.js';
import { syncIndexForRead, damageWarning } from '../core/audit/index-sync.js';
import type { IndexData } from '../core/audit/index-store.js';
import { readStoreHead } from '../core/audit/store-head.js';
import { historyList, type HistoryList } from '../core/audit/history-rows.js';
import { parseFilterText } from '../core/audit/filter-text.js';
import type { FreezeState } from '../core/record/freeze.js';
import { currentFreeze } from './freeze.js';
import { showRev } from '../core/audit/show-rev.js';
import { lookupEntry } from '../core/audit/query.js';
import { resolveRev } from '../core/audit/revs.js';
import { diffRevs } from '../core/audit/diff-revs.js';
import { readVerificationNote } from '../core/audit/verification-notes.js';
import { formatNoteSummary, type VerificationNote } from '../core/record/verification-note.js';
import { driftStatus, type DriftStatus } from './drift-status.js';
import { describePending, pendingRollback, type PendingRollback } from './rollback/pending.js';
import { planRollback } from './rollback/plan.js';
import { applyRollback } from './rollback/apply.js';
import { planRevert, type RevertPlan } from './revert/plan.js';
import { applyRevert, type RevertResult } from './revert/apply.js';
import type { RollbackEvent, RollbackPlan, RollbackResult } from './rollback/types.js';
import type { Clock, HealthProbe, OnEvent, ServiceControl } from './ports.js';
import type { ServiceConfig } from './services-config.js';

/** What acting from the browser needs: the validated services, the ports, who acts. */
export interface BrowseContext {
  services: ServiceConfig[];
  control: ServiceControl;
  probe: HealthProbe;
  clock: Clock;
  author: Person;
  /** ms since the epoch. */
  now: () => number;
  /** Restore recorded owners (only root can). */
  chown: boolean;
}

/** One change with its diff: against its parent, or against the live files. */
export interface ChangeDetail {
  entry: AuditEntry;
  diffs: FileDiff[];
  against: 'parent' | 'live';
  note: VerificationNote | null;
  /** The note as `log` and `show` summarise it. */
  noteSummary: string | null;
}

/** The store-wide state a status bar shows. */
export interface StoreState {
  freeze: FreezeState | null;
  pending: PendingRollback | null;
  /** What `status` says about the pending rollback. */
  pendingText: string | null;
  /** One line when the store is damaged (as `log` warns), else null. */
  damage: string | null;
}

export interface Browser {
  /** The config root. */
  root: string;
  /** The store's HEAD now (null before the first snapshot): a change means history moved. */
  head(): string | null;
  /**
   * The changes the filter text matches (`log`'s filters as words, see core/audit/filter-text.ts), newest first.
   * @throws CfgtrailError BAD_INPUT for a filter `log` would refuse
   */
  list(filterText: string): Promise<HistoryList>;
  detail(commit: string, against: 'parent' | 'live'): Promise<ChangeDetail>;
  drift(): Promise<DriftStatus>;
  state(): Promise<StoreState>;
  /** The plan a confirmed rollback to `commit` carries out (restart and verify on); `reason` goes into the `Reason` trailer. */
  planRollback(commit: string, reason?: string): RollbackPlan;
  applyRollback(plan: RollbackPlan, onEvent: OnEvent<RollbackEvent>): Promise<RollbackResult>;
  /** The plan of reverting `commit`; its `conflicts` are listed, never settled here. */
  planRevert(commit: string, reason?: string): RevertPlan;
  applyRevert(plan: RevertPlan, onEvent: OnEvent<RollbackEvent>): Promise<RevertResult>;
}

/**
 * Binds the browser's use cases to `store` and `ctx`.
 * @example const browser = createBrowser(store, { services, ...realPorts(), author, now: Date.now, chown: false })
 */
export function createBrowser(store: Store, ctx: BrowseContext): Browser {
  const request = { services: ctx.services, restart: true, verify: true, chown: ctx.chown, diffs: true };
  // The index read once and kept while HEAD stays (reading it checks every byte: ~10 ms at 10,000 changes).
  let cached: IndexData | null = null;
  const index = async () => {
    if (cached === null || cached.head !== readStoreHead(store.gitdir)) cached = await syncIndexForRead(store);
    return cached;
  };
  const applyCtx = (onEvent: OnEvent<RollbackEvent>) => ({ store, services: ctx.services, control: ctx.control, probe: ctx.probe, clock: ctx.clock, author: ctx.author, now: ctx.now, chown: ctx.chown, onEvent });
  return {
    root: store.root,
    head: () => readStoreHead(store.gitdir),
    list: async (filterText) => {
      const filter = parseFilterText(filterText, ctx.now());
      return historyList(store, await index(), filter);
    },
    detail: async (commit, against) => {
      const note = readVerificationNote(store, commit);
      const noteSummary = note ? formatNoteSummary(note) : null;
      const data = await index();
      if (against === 'parent') return { ...(await showRev(store, commit, false, undefined, data)), against, note, noteSummary };
      const entry = lookupEntry(store, data, resolveRev(store, data, commit));
      return { entry, diffs: await diffRevs(store, [commit], [], false, data), against, note, noteSummary };
    },
    drift: () => driftStatus(store),
    state: async () => {
      const data = await index();
      const pending = pendingRollback(store, data);
      return { freeze: currentFreeze(store, { now: ctx.now, index: data }), pending, pendingText: pending && describePending(pending), damage: damageWarning(store, data) };
    },
    planRollback: (commit, reason) => planRollback(store, { rev: commit, ...request, ...(reason ? { reason } : {}) }),
    applyRollback: (plan, onEvent) => applyRollback(plan, applyCtx(onEvent)),
    planRevert: (commit, reason) => planRevert(store, { rev: commit, ...request, ...(reason ? { reason } : {}) }),
    applyRevert: (plan, onEvent) => applyRevert(plan, applyCtx(onEvent)),
  };
}
