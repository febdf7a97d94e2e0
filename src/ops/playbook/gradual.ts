/**
 * The gradual playbook: the progressive rollback (ops/rollout) to the last
 * good revision across a fleet, its batches in the incident record's
 * timeline, then the notice and the record commit.
 */
import type { Store } from '../../core/store/open.js';
import type { RolloutConfig } from '../rollout/config.js';
import { startRollout, type RolloutRequest } from '../rollout/run.js';
import type { RolloutPorts } from '../rollout/types.js';
import type { AlertEvent } from '../alerts.js';
import type { PreparedPlaybook } from './prepare.js';
import { recordPlaybook, summaryOf } from './record.js';
import type { IncidentRecord } from './types.js';

/** The name each instance is handed: a Change-Id is portable, commit ids differ between hosts. */
export function gradualTarget(p: PreparedPlaybook): string {
  return p.plan.target.changeId ?? p.plan.target.commit;
}

/**
 * Rolls the fleet back batch by batch and records the run.
 * @example await runGradual(store, prepared, config, { batches, delayMs: 0, maxFailures: 0 }, ports)
 */
export async function runGradual(store: Store, p: PreparedPlaybook, config: RolloutConfig, req: Omit<RolloutRequest, 'target' | 'reason'>, ports: RolloutPorts & { notify(e: AlertEvent): Promise<unknown> }): Promise<IncidentRecord> {
  const { record, request } = p;
  const at = () => new Date(request.now()).toISOString();
  const outcome = await startRollout(store, config, { ...req, target: gradualTarget(p), reason: `playbook gradual ${record.id}` }, {
    ...ports,
    onEvent: (e) => {
      if (e.phase === 'batch') record.timeline.push({ at: at(), step: 'rollout', detail: `batch ${e.batch}/${e.batches}` });
      if (e.phase === 'instance' && ['healthy', 'failed'].includes(e.state)) record.timeline.push({ at: at(), step: 'verify', detail: `${e.instance}: ${e.state}` });
      ports.onEvent?.(e);
    },
  });
  const s = outcome.state;
  record.services = s.instances.map((i) => i.name);
  record.verification = s.instances.map((i) => ({ service: i.name, ok: i.state === 'healthy', message: `${i.state}${i.message ? `: ${i.message}` : ''}` }));
  record.outcome = s.status === 'completed' && s.instances.every((i) => i.state === 'healthy') ? 'recovered' : 'rollout-failed';
  if (record.outcome !== 'recovered') record.next = [`cfgtrail rollback --continue (rollout ${s.id} is ${s.status})`, 'cfgtrail rollout status'];
  await ports.notify({ kind: 'playbook', summary: summaryOf(record), details: { playbook: 'gradual', id: record.id, outcome: record.outcome, rollout: s.id } });
  record.timeline.push({ at: at(), step: 'notify', detail: record.checklist.notified.length > 0 ? `told ${record.checklist.notified.join(', ')}` : 'nobody told: no watch.alerts configured' });
  return recordPlaybook(store, record, request.author, request.now);
}
