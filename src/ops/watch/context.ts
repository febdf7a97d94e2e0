/** What a watch round needs, and the one way it sends alerts. */
import type { Store } from '../../core/store/open.js';
import type { Person } from '../../core/types.js';
import { sendAlert, type AlertEvent, type AlertPorts } from '../alerts.js';
import type { Clock, HealthProbe, MetricSource, ServiceControl } from '../ports.js';
import type { ServiceConfig } from '../services-config.js';
import type { WatchConfig } from './config.js';

/** What a round needs: the store, its settings, and the ports. */
export interface WatchContext {
  store: Store;
  config: WatchConfig;
  services: ServiceConfig[];
  source: MetricSource;
  control: ServiceControl;
  probe: HealthProbe;
  clock: Clock;
  alertPorts: AlertPorts;
  /** Who the automatic rollback commits are by. */
  author: Person;
  chown: boolean;
  /** ms since the epoch (wall time: cooldowns survive restarts). */
  now: () => number;
  /** One JSON-able object per sample, decision and rollback phase. */
  emit: (line: Record<string, unknown>) => void;
  /** Deliveries still running, for a one-shot run to wait on before it exits. */
  deliveries: Promise<unknown>[];
}

/** Sends an alert in the background and keeps its promise for a one-shot run. */
export function alert(ctx: Pick<WatchContext, 'store' | 'alertPorts' | 'config' | 'deliveries' | 'emit' | 'now'>, event: AlertEvent): void {
  const p = sendAlert(ctx.store, event, ctx.alertPorts, { targets: ctx.config.alerts, now: ctx.now }).then((ds) => {
    for (const d of ds) ctx.emit({ type: 'alert', ...d });
  }).catch(() => {
    // Only emit can fail here (an unwritable --log file); the round's own next line reports that error.
  });
  ctx.deliveries.push(p);
}

