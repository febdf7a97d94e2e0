/** After the rollback commit: restart the affected services, verify them, note the outcome. */
import type { Store } from '../../core/store/open.js';
import { restartServices, type RestartReport } from '../restart.js';
import { verifyAndRecord } from '../verification.js';
import type { ServiceEvent } from '../ports.js';
import type { ServiceConfig } from '../services-config.js';
import type { ApplyContext } from './types.js';
import type { RollbackPlan, RollbackResult } from './types.js';

type AfterCommit = Pick<RollbackResult, 'restarted' | 'restart' | 'verification'>;

/** Services already restarted (by an interrupted run), and who hears of each new successful restart. */
export interface RestartProgress {
  skipRestart: ReadonlySet<string>;
  onRestarted: (service: string) => void;
}

/**
 * Restarts (unless the plan says not to) and verifies (likewise) `services`,
 * recording the verification as a `kind: rollback` note on `commit`. Phase
 * durations go into `timings`; the split comes from the service events.
 * Services in `progress.skipRestart` are verified without a second restart.
 */
export async function runServices(
  store: Store, commit: string, services: ServiceConfig[], plan: RollbackPlan, ctx: ApplyContext, timings: RollbackResult['timings'],
  progress: RestartProgress = { skipRestart: new Set(), onRestarted: () => {} },
): Promise<AfterCommit> {
  const none: AfterCommit = { restarted: [], restart: null, verification: null };
  if (services.length === 0 || (!plan.restart && !plan.verify)) return none;
  const emit = ctx.onEvent ?? (() => {});
  const clock = ctx.clock;
  const marks: Partial<Record<'restartStart' | 'restartEnd' | 'verifyStart' | 'verifyEnd', number>> = {};
  const onEvent = (event: ServiceEvent) => {
    const t = clock.now();
    if (event.phase === 'restart-start') {
      marks.restartStart ??= t;
      if (marks.restartStart === t) emit({ phase: 'restart', step: 'start' });
    }
    if (event.phase === 'restart-done') {
      marks.restartEnd = t;
      if (event.result.ok) progress.onRestarted(event.service);
    }
    if (event.phase === 'verify-start') {
      marks.verifyStart ??= t;
      if (marks.verifyStart === t) emit({ phase: 'verify', step: 'start' });
    }
    if (event.phase === 'verify-done') marks.verifyEnd = t;
    emit({ phase: 'service', step: 'event', event });
  };
  let restart: RestartReport | null = null;
  let verification: AfterCommit['verification'] = null;
  const toRestart = plan.restart && ctx.control ? services.filter((s) => !progress.skipRestart.has(s.name)) : [];
  if (toRestart.length > 0) restart = await restartServices(toRestart, { control: ctx.control!, onEvent });
  if (plan.verify && ctx.probe) {
    const out = await verifyAndRecord(store, commit, {
      services, probe: ctx.probe, clock, restart: false, ...(restart ? { restartReport: restart } : {}), onEvent,
      kind: 'rollback', author: ctx.author, now: ctx.now,
    });
    verification = { report: out.report, note: out.note };
  }
  const end = clock.now();
  if (marks.restartStart !== undefined) {
    timings.restart = (marks.restartEnd ?? end) - marks.restartStart;
    emit({ phase: 'restart', step: 'done', durationMs: timings.restart });
  }
  if (marks.verifyStart !== undefined) {
    timings.verify = (marks.verifyEnd ?? end) - marks.verifyStart;
    emit({ phase: 'verify', step: 'done', durationMs: timings.verify });
    timings.record = end - (marks.verifyEnd ?? end);
    emit({ phase: 'record', step: 'done', durationMs: timings.record });
  }
  const restarted = (restart?.results ?? []).map((r) => ({ service: r.service, ok: r.result.ok, message: r.result.message }));
  return { restarted, restart, verification };
}
