/**
 * The `watch:` section of settings.yaml: which metrics decide that the newest
 * change is bad, how patient to be, and where alerts go. The JSON Schema has
 * already checked the shape; this turns it into milliseconds and checks what
 * a schema cannot (a threshold present, alert labels naming real services).
 */
import { parseDuration } from '../../core/record/duration.js';
import { asObject, checkKeys, fail, optString, durationMs as durationField, reqArgv, reqString, type Ctx, type KeyPath, type Obj } from '../services-config.js';

/** Where one metric's sample comes from. */
export type MetricSourceSpec =
  | { kind: 'prometheus'; url: string; query: string }
  | { kind: 'http'; url: string; field: string }
  | { kind: 'command'; argv: string[] };

/** One watched metric: bad when above `max` or below `min`. */
export interface MetricConfig {
  name: string;
  source: MetricSourceSpec;
  max?: number;
  min?: number;
  timeoutMs: number;
}

/** One alert destination. */
export type AlertTarget =
  | { kind: 'webhook'; url: string; timeoutMs: number }
  | { kind: 'command'; argv: string[]; timeoutMs: number };

/** Alertmanager notifications (`watch --listen`). */
export interface AlertmanagerConfig {
  tokenFile?: string;
  tokenEnv?: string;
  /** Alerts whose labels include all of `labels` concern `service`; empty: the `service` label names one. */
  match: { labels: Record<string, string>; service: string }[];
  maxBody: number;
}

/** A validated `watch:` section. */
export interface WatchConfig {
  intervalMs: number;
  breaches: number;
  graceMs: number;
  cooldownMs: number;
  maxRollbacks: number;
  noData: 'ignore' | 'breach';
  metrics: MetricConfig[];
  alerts: AlertTarget[];
  alertmanager: AlertmanagerConfig | null;
}

/** Defaults of every key, as the README and the schema state them. */
export const WATCH_DEFAULTS = { intervalMs: 10_000, breaches: 3, graceMs: 30_000, cooldownMs: 300_000, maxRollbacks: 3, noData: 'ignore' } as const;

const WATCH_KEYS = ['interval', 'breaches', 'grace', 'cooldown', 'max_rollbacks', 'no_data', 'metrics', 'alerts', 'alertmanager'];

/**
 * Validates the raw `watch` value; null (absent) gives the defaults with no metrics.
 * @param serviceNames the names in `services:`, which alert matches must use
 * @throws CfgtrailError BAD_SETTINGS naming the file, line and key
 * @example validateWatch(store.settings.watch, { file, lineOf }, ['myapp'])
 */
export function validateWatch(raw: unknown, where: Ctx, serviceNames: string[]): WatchConfig {
  const at: KeyPath = ['watch'];
  const o = raw === null || raw === undefined ? {} : asObject(where, raw, at);
  checkKeys(where, o, at, WATCH_KEYS);
  const dur = (key: string, dflt: number) => (o[key] === undefined ? dflt : durationField(where, o[key], [...at, key]));
  const metrics = listOf(where, o, at, 'metrics').map((m, i) => validateMetric(where, m, [...at, 'metrics', i]));
  const seen = new Set<string>();
  metrics.forEach((m, i) => {
    if (seen.has(m.name)) fail(where, [...at, 'metrics', i, 'name'], `duplicate metric name '${m.name}'`);
    seen.add(m.name);
  });
  return {
    intervalMs: dur('interval', WATCH_DEFAULTS.intervalMs),
    breaches: wholeNumber(where, o, at, 'breaches', WATCH_DEFAULTS.breaches, 1),
    graceMs: isZero(o.grace) ? 0 : dur('grace', WATCH_DEFAULTS.graceMs),
    cooldownMs: isZero(o.cooldown) ? 0 : dur('cooldown', WATCH_DEFAULTS.cooldownMs),
    maxRollbacks: wholeNumber(where, o, at, 'max_rollbacks', WATCH_DEFAULTS.maxRollbacks, 0),
    noData: noDataOf(where, o, at),
    metrics,
    alerts: listOf(where, o, at, 'alerts').map((a, i) => validateAlert(where, a, [...at, 'alerts', i])),
    alertmanager: o.alertmanager === undefined ? null : validateAlertmanager(where, o.alertmanager, [...at, 'alertmanager'], serviceNames),
  };
}

function validateMetric(ctx: Ctx, raw: unknown, at: KeyPath): MetricConfig {
  const o = asObject(ctx, raw, at);
  const kinds = ['prometheus', 'http', 'command'].filter((k) => k in o);
  if (kinds.length !== 1) fail(ctx, at, 'needs exactly one of prometheus, http, command');
  const kind = kinds[0] as MetricSourceSpec['kind'];
  checkKeys(ctx, o, at, ['name', kind, 'max', 'min', 'timeout']);
  const name = reqString(ctx, o, at, 'name');
  const threshold = (key: 'max' | 'min') => {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) fail(ctx, [...at, key], 'must be a number');
    return v as number | undefined;
  };
  const max = threshold('max');
  const min = threshold('min');
  if (max === undefined && min === undefined) fail(ctx, at, `metric '${name}' needs max or min (or both)`);
  if (max !== undefined && min !== undefined && min > max) fail(ctx, [...at, 'min'], `must not be above max (${max}): every sample would be a breach`);
  const timeoutMs = o.timeout === undefined ? (kind === 'command' ? 10_000 : 5_000) : durationField(ctx, o.timeout, [...at, 'timeout']);
  return { name, source: sourceOf(ctx, o, at, kind), ...(max !== undefined ? { max } : {}), ...(min !== undefined ? { min } : {}), timeoutMs };
}

function sourceOf(ctx: Ctx, o: Obj, at: KeyPath, kind: MetricSourceSpec['kind']): MetricSourceSpec {
  if (kind === 'command') return { kind, argv: reqArgv(ctx, o, at, 'command', 'an argv list such as ["/usr/local/bin/queue-depth"] (no shell string)') };
  const s = asObject(ctx, o[kind], [...at, kind]);
  const second = kind === 'prometheus' ? 'query' : 'field';
  checkKeys(ctx, s, [...at, kind], ['url', second]);
  const url = urlOf(ctx, s, [...at, kind]);
  const value = reqString(ctx, s, [...at, kind], second);
  return kind === 'prometheus' ? { kind, url, query: value } : { kind, url, field: value };
}

function validateAlert(ctx: Ctx, raw: unknown, at: KeyPath): AlertTarget {
  const o = asObject(ctx, raw, at);
  if ('webhook' in o === 'command' in o) fail(ctx, at, 'needs exactly one of webhook, command');
  if ('webhook' in o) {
    checkKeys(ctx, o, at, ['webhook', 'timeout']);
    const url = reqString(ctx, o, at, 'webhook');
    if (!/^https?:\/\/[^/]/.test(url)) fail(ctx, [...at, 'webhook'], 'must be an http:// or https:// URL');
    refuseUserinfo(ctx, url, [...at, 'webhook']);
    return { kind: 'webhook', url, timeoutMs: o.timeout === undefined ? 5_000 : durationField(ctx, o.timeout, [...at, 'timeout']) };
  }
  checkKeys(ctx, o, at, ['command', 'timeout']);
  return { kind: 'command', argv: reqArgv(ctx, o, at, 'command', 'an argv list (no shell string)'), timeoutMs: o.timeout === undefined ? 10_000 : durationField(ctx, o.timeout, [...at, 'timeout']) };
}

function validateAlertmanager(ctx: Ctx, raw: unknown, at: KeyPath, serviceNames: string[]): AlertmanagerConfig {
  const o = asObject(ctx, raw, at);
  checkKeys(ctx, o, at, ['token_file', 'token_env', 'match', 'max_body']);
  const tokenFile = optString(ctx, o, at, 'token_file');
  const tokenEnv = optString(ctx, o, at, 'token_env');
  if (!tokenFile && !tokenEnv) fail(ctx, at, 'needs token_file or token_env: the endpoint never runs without a secret');
  const match = listOf(ctx, o, at, 'match').map((m, i) => {
    const mat = [...at, 'match', i];
    const e = asObject(ctx, m, mat);
    checkKeys(ctx, e, mat, ['labels', 'service']);
    const labels = asObject(ctx, e.labels, [...mat, 'labels']);
    for (const [k, v] of Object.entries(labels)) if (typeof v !== 'string') fail(ctx, [...mat, 'labels', k], 'must be a string');
    const service = reqString(ctx, e, mat, 'service');
    if (!serviceNames.includes(service)) fail(ctx, [...mat, 'service'], `no service named '${service}' in services`);
    return { labels: labels as Record<string, string>, service };
  });
  return { ...(tokenFile ? { tokenFile } : {}), ...(tokenEnv ? { tokenEnv } : {}), match, maxBody: wholeNumber(ctx, o, at, 'max_body', 1_048_576, 1024) };
}

/** `0s`, `0ms`, `0.0m`: grace and cooldown may be off (other durations must be more than 0). */
function isZero(raw: unknown): boolean {
  return typeof raw === 'string' && parseDuration(raw) === 0;
}

function urlOf(ctx: Ctx, o: Obj, at: KeyPath): string {
  const url = reqString(ctx, o, at, 'url');
  if (!/^https?:\/\/[^/]/.test(url)) fail(ctx, [...at, 'url'], `must be an http:// or https:// URL, not '${url}'`);
  refuseUserinfo(ctx, url, [...at, 'url']);
  return url;
}

/**
 * `http://user:password@host/`: fetch refuses such a URL, and its error text
 * (which would reach the watcher's JSON lines and log) carries the password.
 * Refused when settings load, without repeating the URL.
 */
function refuseUserinfo(ctx: Ctx, url: string, at: KeyPath): void {
  if (/^https?:\/\/[^/?#]*@/.test(url)) fail(ctx, at, 'must not carry a user or password (user:password@host): put the credentials in a header-free endpoint or a command metric');
}

function listOf(ctx: Ctx, o: Obj, at: KeyPath, key: string): unknown[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v)) fail(ctx, [...at, key], 'must be a list');
  return v;
}

function wholeNumber(ctx: Ctx, o: Obj, at: KeyPath, key: string, dflt: number, min: number): number {
  const v = o[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(ctx, [...at, key], `must be a whole number >= ${min}`);
  return v;
}

function noDataOf(ctx: Ctx, o: Obj, at: KeyPath): WatchConfig['noData'] {
  const v = o.no_data ?? WATCH_DEFAULTS.noData;
  if (v !== 'ignore' && v !== 'breach') fail(ctx, [...at, 'no_data'], `must be ignore or breach, not '${String(v)}'`);
  return v;
}
