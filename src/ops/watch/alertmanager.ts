/**
 * Alertmanager's webhook notifications (notify/webhook/webhook.go: version
 * "4", `alerts[]` each with status, labels, fingerprint): which alerts concern
 * this store's services, and what the watcher remembers of them. A firing
 * alert counts as a breach in the next round, under the same grace, cooldown,
 * hourly maximum and last-good rules as a metric; a resolved one is forgotten.
 */
import type { Store } from '../../core/store/open.js';
import type { AlertmanagerConfig } from './config.js';
import { readWatchState, writeWatchState, type FiringAlert } from './state.js';

/** One alert of a notification, as far as the watcher reads it. */
export interface NotifiedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  fingerprint: string;
}

/**
 * The alerts of a notification body, or why it is not one (a 400 answer).
 * @example parseNotification({ version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'X' }, fingerprint: 'ab' }] })
 */
export function parseNotification(body: unknown): { alerts: NotifiedAlert[] } | { error: string } {
  const o = body as { version?: unknown; alerts?: unknown } | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { error: 'the body is not a JSON object' };
  if (o.version !== '4') return { error: `unsupported notification version ${JSON.stringify(o.version ?? null)} (Alertmanager's webhook sends "4")` };
  if (!Array.isArray(o.alerts)) return { error: 'no alerts list' };
  const alerts: NotifiedAlert[] = [];
  for (const a of o.alerts as unknown[]) {
    const x = a as { status?: unknown; labels?: unknown; fingerprint?: unknown } | null;
    if (!x || typeof x !== 'object' || (x.status !== 'firing' && x.status !== 'resolved')) return { error: 'an alert without status firing or resolved' };
    const labels = x.labels;
    if (!labels || typeof labels !== 'object' || Array.isArray(labels) || !Object.values(labels).every((v) => typeof v === 'string')) return { error: 'an alert whose labels are not a map of strings' };
    // A prefix keeps a hostile fingerprint such as `__proto__` an ordinary key.
    const fingerprint = `fp:${typeof x.fingerprint === 'string' && x.fingerprint !== '' ? x.fingerprint.slice(0, 128) : labelKey(labels as Record<string, string>)}`;
    alerts.push({ status: x.status, labels: labels as Record<string, string>, fingerprint });
  }
  return { alerts };
}

/**
 * The service an alert concerns: the first `match` entry whose labels all
 * equal the alert's, else (no `match` list) the `service` label when it names
 * a service; null when the alert is not this store's business.
 */
export function serviceOfAlert(labels: Record<string, string>, config: Pick<AlertmanagerConfig, 'match'>, serviceNames: string[]): string | null {
  if (config.match.length > 0) {
    return config.match.find((m) => Object.entries(m.labels).every(([k, v]) => labels[k] === v))?.service ?? null;
  }
  const named = labels.service;
  return named !== undefined && serviceNames.includes(named) ? named : null;
}

/** What a notification changed: alerts now firing, resolved, and ignored (no service of this store). */
export interface NotificationOutcome {
  firing: string[];
  resolved: string[];
  ignored: string[];
}

/**
 * Records a notification's alerts in the watch state.
 * @example receiveAlerts(store, parsed.alerts, config.alertmanager, ['myapp'], Date.now())
 */
export function receiveAlerts(store: Store, alerts: NotifiedAlert[], config: Pick<AlertmanagerConfig, 'match'>, serviceNames: string[], now: number): NotificationOutcome {
  const state = readWatchState(store.gitdir);
  const firing = { ...state.firing };
  const out: NotificationOutcome = { firing: [], resolved: [], ignored: [] };
  for (const a of alerts) {
    const name = a.labels.alertname ?? '(unnamed)';
    const service = serviceOfAlert(a.labels, config, serviceNames);
    if (!service) {
      out.ignored.push(name);
      continue;
    }
    if (a.status === 'resolved') {
      delete firing[a.fingerprint];
      out.resolved.push(name);
    } else {
      const known: FiringAlert | undefined = firing[a.fingerprint];
      firing[a.fingerprint] = { alertname: name, service, since: known?.since ?? now, fingerprint: a.fingerprint };
      out.firing.push(name);
    }
  }
  writeWatchState(store.gitdir, { ...state, firing });
  return out;
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}
