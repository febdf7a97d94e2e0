/**
 * Planning a playbook run: which files and services, the rollback plan to
 * the last good revision, and the evaluated checklist. Changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import type { Person } from '../../core/types.js';
import { syncIndex } from '../../core/audit/index-sync.js';
import { planRollback, type RollbackRequest } from '../rollback/plan.js';
import type { RollbackPlan } from '../rollback/types.js';
import { servicesForFiles, type ServiceConfig } from '../services-config.js';
import type { AlertTarget } from '../watch/config.js';
import { evaluateChecklist } from './checklist.js';
import type { IncidentRecord, PlaybookKind } from './types.js';

export interface PlaybookRequest {
  kind: PlaybookKind;
  /** Every configured service. */
  services: ServiceConfig[];
  /** selective: roll back these services' files and restart only them. */
  only: string[];
  /** selective: roll back these root-relative paths. */
  files: string[];
  alerts: AlertTarget[];
  force: boolean;
  chown: boolean;
  author: Person;
  /** ms since the epoch. */
  now: () => number;
  /** Compute the field diff, for showing the plan (--dry-run, the confirmation). @default false */
  diffs?: boolean;
}

export interface PreparedPlaybook {
  request: PlaybookRequest;
  /** The local rollback (gradual: what the target is on this host, for the checklist). */
  plan: RollbackPlan;
  rollbackRequest: RollbackRequest;
  /** Started here, filled in as the run goes (the CLI writes it even when interrupted). */
  record: IncidentRecord;
}

/**
 * Plans the rollback to the last good revision and evaluates the checklist.
 * @throws CfgtrailError BAD_INPUT (unknown service, flags that do not fit the kind), UNKNOWN_REV (nothing verified good yet), NOTHING_TO_DO
 */
export function preparePlaybook(store: Store, req: PlaybookRequest): PreparedPlaybook {
  checkRequest(req);
  const scoped = req.only.length > 0 ? req.services.filter((s) => req.only.includes(s.name)) : req.services;
  const id = `INC-${new Date(req.now()).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
  const base: RollbackRequest = { lastGood: true, services: scoped, restart: true, verify: true, chown: req.chown, diffs: Boolean(req.diffs), force: req.force, reason: `playbook ${req.kind} ${id}` };
  const rollbackRequest = { ...base, ...(req.files.length > 0 ? { files: req.files } : req.only.length > 0 ? { files: serviceFiles(store, base, scoped) } : {}) };
  const plan = planRollback(store, rollbackRequest);
  if (plan.resume) throw new CfgtrailError('REFUSED', 'a rollback is pending: finish it (`cfgtrail rollback --continue` or `--abort`) before a playbook', {});
  if (plan.nothingToDo) throw new CfgtrailError('NOTHING_TO_DO', `nothing to do: the live files already match the last good revision ${plan.target.commit.slice(0, 7)} (${plan.target.title})`, {});
  const index = syncIndex(store, { persist: false });
  const checklist = evaluateChecklist(store, index, { target: plan.target.commit, dependencies: plan.dependencies, alerts: req.alerts, now: Math.floor(req.now() / 1000), force: req.force });
  const at = new Date(req.now()).toISOString();
  const record: IncidentRecord = {
    id, kind: req.kind, outcome: 'interrupted', startedAt: at, endedAt: at, ranBy: `${req.author.name} <${req.author.email}>`, host: hostname(),
    services: req.kind === 'gradual' ? [] : plan.services, files: plan.actions.map((a) => a.path),
    target: { commit: plan.target.commit, changeId: plan.target.changeId, title: plan.target.title },
    checklist, undone: plan.undone.map((u) => ({ commit: u.commit, changeId: u.changeId, title: u.title })),
    rollbackCommit: null, freezeCommit: null, verification: [], next: [], recordCommit: null,
    timeline: [{ at, step: 'checklist', detail: checklist.checks.map((c) => `${c.name} ${c.status}`).join(', ') }],
  };
  return { request: req, plan, rollbackRequest, record };
}

function checkRequest(req: PlaybookRequest): void {
  if (req.kind !== 'selective' && (req.only.length > 0 || req.files.length > 0)) {
    throw new CfgtrailError('BAD_INPUT', `--service and --file belong to 'playbook selective'; '${req.kind}' rolls back everything`, {});
  }
  if (req.kind === 'selective' && req.only.length === 0 && req.files.length === 0) {
    throw new CfgtrailError('BAD_INPUT', "'playbook selective' needs --service NAME or --file PATH (what to roll back)", {});
  }
  const unknown = req.only.filter((n) => !req.services.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new CfgtrailError('BAD_INPUT', `unknown service ${unknown.map((n) => `'${n}'`).join(', ')}: settings.yaml lists ${req.services.map((s) => s.name).join(', ') || 'none'}`, { unknown });
  }
}

/** The paths a full rollback would touch that belong to `scoped` (service file globs name no paths by themselves). */
function serviceFiles(store: Store, base: RollbackRequest, scoped: ServiceConfig[]): string[] {
  const full = planRollback(store, { ...base, services: scoped });
  const paths = full.actions.map((a) => a.path).filter((p) => servicesForFiles(scoped, [p]).length > 0);
  if (paths.length === 0) {
    throw new CfgtrailError('NOTHING_TO_DO', `nothing to do: ${scoped.map((s) => s.name).join(', ')}'s files already match the last good revision ${full.target.commit.slice(0, 7)}`, {});
  }
  return paths;
}
