/**
 * Carrying a prepared playbook out. emergency: freeze, roll everything back
 * to the last good revision, restart, verify, notify, keep the freeze.
 * selective: the same for the named services' files, without the freeze.
 * Every step lands in the incident record's timeline as it happens, so a
 * run cut short still says how far it got.
 */
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { freezeChanges } from '../freeze.js';
import { planRollback } from '../rollback/plan.js';
import { applyRollback } from '../rollback/apply.js';
import type { ApplyContext, RollbackPlan, RollbackResult } from '../rollback/types.js';
import type { AlertEvent } from '../alerts.js';
import type { PreparedPlaybook } from './prepare.js';
import type { IncidentRecord, TimelineEntry } from './types.js';
import { recordPlaybook, summaryOf } from './record.js';

export interface PlaybookPorts extends Pick<ApplyContext, 'control' | 'probe' | 'clock' | 'onEvent'> {
  /** Tells the team (`watch.alerts`); settles, never rejects. */
  notify(event: AlertEvent): Promise<unknown>;
  /** The pre-rollback and post-rollback hooks: `before` may refuse (throws) before anything, the freeze included, is written. */
  hooks?: { before(): Promise<void>; after(result: RollbackResult): Promise<void> };
}

/**
 * Runs a prepared emergency or selective playbook and records it.
 * @returns the finished incident record (also `prepared.record`, filled in)
 * @example const rec = await runPlaybook(store, preparePlaybook(store, req), ports)
 */
export async function runPlaybook(store: Store, p: PreparedPlaybook, ports: PlaybookPorts): Promise<IncidentRecord> {
  const { request: req, record } = p;
  const step = (s: TimelineEntry['step'], detail: string) => record.timeline.push({ at: new Date(req.now()).toISOString(), step: s, detail });
  let plan = p.plan;
  await ports.hooks?.before();
  if (req.kind === 'emergency') {
    const f = await freezeChanges(store, { reason: `playbook emergency ${record.id}: rolled back to the last good revision ${plan.target.commit.slice(0, 7)}`, until: null, author: req.author, now: req.now });
    record.freezeCommit = f.commit;
    step('freeze', `changes frozen (${f.commit.slice(0, 7)}) until 'cfgtrail unfreeze'${f.replaced ? `; it replaces the freeze of ${f.replaced.since} by ${f.replaced.by} (${f.replaced.reason})` : ''}`);
    // The freeze commit moved HEAD: the rollback is planned again on top of it,
    // and must still be the one the operator confirmed and the hook approved.
    const again = planRollback(store, p.rollbackRequest);
    if (planKey(again) !== planKey(plan)) {
      step('rollback', 'not rolled back: the live files or the history changed after the plan was confirmed');
      throw new CfgtrailError('REFUSED', `the live files or the history changed after the plan was confirmed: nothing was rolled back (the freeze ${f.commit.slice(0, 7)} stays); run the playbook again to see the new plan`, { freeze: f.commit });
    }
    plan = again;
  }
  const result = await applyRollback(plan, {
    store, services: p.rollbackRequest.services, author: req.author, now: req.now, chown: req.chown, clock: ports.clock,
    ...(ports.control ? { control: ports.control } : {}), ...(ports.probe ? { probe: ports.probe } : {}),
    onEvent: (e) => {
      if (e.phase === 'commit' && e.step === 'done') {
        record.rollbackCommit = e.detail ?? null;
        step('rollback', `rollback commit ${e.detail ?? ''} restores ${record.files.join(', ')}`);
      }
      // Restarts and verdicts enter the timeline when they happen (an interrupted run keeps them).
      if (e.phase === 'service' && e.event.phase === 'restart-done') step('restart', `${e.event.service}: ${e.event.result.ok ? 'restarted' : 'restart FAILED'} (${e.event.result.message})`);
      if (e.phase === 'service' && e.event.phase === 'verify-done') step('verify', `${e.event.service}: ${e.event.checks === 0 ? 'no health checks' : e.event.ok ? 'healthy' : 'FAILED'}`);
      ports.onEvent?.(e);
    },
  });
  noteResult(record, result);
  await ports.hooks?.after(result);
  record.outcome = result.restarted.some((r) => !r.ok) ? 'restart-failed' : result.verification && !result.verification.report.ok ? 'verify-failed' : 'recovered';
  await ports.notify({ kind: 'playbook', summary: summaryOf(record), commit: record.rollbackCommit, changeId: result.changeId, details: { playbook: record.kind, id: record.id, outcome: record.outcome, services: record.services } });
  step('notify', record.checklist.notified.length > 0 ? `told ${record.checklist.notified.join(', ')}` : 'nobody told: no watch.alerts configured');
  return recordPlaybook(store, record, req.author, req.now);
}

function noteResult(record: IncidentRecord, r: RollbackResult): void {
  record.rollbackCommit = r.commit;
  record.verification = r.verification
    ? r.verification.report.services.map((s) => ({ service: s.service, ok: s.ok, message: s.checks.map((c) => c.message).join('; ') }))
    : [];
}

/** What a rollback plan would do, for comparing two plans: the target and every file action. */
function planKey(plan: RollbackPlan): string {
  return JSON.stringify([plan.target.commit, plan.actions.map((a) => [a.path, a.action, a.action === 'write' ? a.oid : a.action === 'chmod' ? a.perm : null])]);
}
