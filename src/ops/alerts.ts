/**
 * Telling the team: one event (auto-rollback started/succeeded/failed, a
 * breach with no rollback possible, the hourly maximum reached, a failed
 * verify, freeze/unfreeze, a recovery playbook run) goes to every `watch.alerts` target, with
 * retries and backoff, in the background: a caller never waits on delivery
 * before acting. Secrets in the text are redacted with the store's rules and
 * key; every failed delivery is logged in the store for `watch status`.
 */
import { hostname } from 'node:os';
import { appendFileSync, renameSync, statSync } from 'node:fs';
import { readRegularFile } from '../core/store/live-dir.js';
import { join } from 'node:path';
import type { Store } from '../core/store/open.js';
import { storeRedaction } from '../core/store/redact-store.js';
import { redactText } from '../core/diff/redact-lines.js';
import type { Clock } from './ports.js';
import type { AlertTarget } from './watch/config.js';

export type AlertKind =
  | 'auto-rollback-started' | 'auto-rollback-succeeded' | 'auto-rollback-failed'
  | 'breach-no-rollback' | 'max-rollbacks' | 'verify-failed' | 'freeze' | 'unfreeze' | 'playbook';

/** What happened, for people (`summary`) and for machines (the rest). */
export interface AlertEvent {
  kind: AlertKind;
  /** One line: `error_rate 0.12 > 0.05 for 3 samples since I4f5a…; rolling back to 1a2b3c4`. */
  summary: string;
  commit?: string | null;
  changeId?: string | null;
  /** Extra structured fields (metric, value, target, reason, who…). */
  details?: Record<string, unknown>;
}

/** What delivering needs from the outside world (adapters/alert-delivery.ts). */
export interface AlertPorts {
  /** POSTs JSON; ok only for a 2xx answer. */
  post(url: string, json: string, timeoutMs: number): Promise<{ ok: boolean; error?: string }>;
  /** Runs argv with `input` on stdin; ok only for exit 0. */
  run(argv: string[], input: string, timeoutMs: number): Promise<{ ok: boolean; error?: string }>;
  clock: Clock;
}

/** How one target's delivery ended. */
export interface AlertDelivery {
  at: string;
  event: AlertKind;
  /** `webhook https://hooks.example.com` (no path: it often is the secret) or `command /usr/local/bin/page-oncall`. */
  target: string;
  ok: boolean;
  attempts: number;
  error?: string;
}

export interface SendAlertOptions {
  targets: AlertTarget[];
  /** Extra attempts after the first. @default 4 */
  retries?: number;
  /** First backoff delay, doubled after each failure. @default 1000 */
  backoffMs?: number;
  now?: () => number;
}

export const ALERT_LOG_FILE = 'cfgtrail-alerts.log';
const MAX_LOG_BYTES = 256 * 1024;

/**
 * Sends `event` to every target in the background. The promise settles when
 * every delivery has succeeded or given up (never rejects); callers that act
 * (a rollback) do not await it, a one-shot command awaits it before exiting.
 * @example void sendAlert(store, { kind: 'freeze', summary: 'changes frozen: incident 42' }, realAlertPorts(), { targets })
 */
export function sendAlert(store: Store, event: AlertEvent, ports: AlertPorts, opts: SendAlertOptions): Promise<AlertDelivery[]> {
  if (opts.targets.length === 0) return Promise.resolve([]);
  const now = opts.now ?? Date.now;
  const payload = alertPayload(store, event, now());
  return Promise.all(opts.targets.map(async (target) => {
    const d = await deliver(target, payload, ports, opts.retries ?? 4, opts.backoffMs ?? 1_000);
    const record: AlertDelivery = { at: new Date(now()).toISOString(), event: event.kind, target: describeTarget(target), ...d };
    logDelivery(store.gitdir, record);
    return record;
  }));
}

/** The JSON every target gets: Slack's `text` plus the structured fields. Secrets redacted. */
export function alertPayload(store: Store, event: AlertEvent, now: number): string {
  const { redactor } = storeRedaction(store);
  const hide = (s: string) => redactText(s, redactor.rules, redactor.tag);
  const host = hostname();
  const summary = hide(event.summary);
  const details = event.details ? redactedJson(hide(JSON.stringify(event.details, null, 1))) : {};
  return JSON.stringify({
    text: `cfgtrail ${event.kind} on ${host}:${store.root}: ${summary}`,
    event: event.kind,
    summary,
    host,
    config_dir: store.root,
    commit: event.commit ?? null,
    change_id: event.changeId ?? null,
    at: new Date(now).toISOString(),
    details,
  });
}

/** Redacted JSON text read back; a redaction that left no valid JSON hides the details whole. */
function redactedJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { redacted: 'details hidden: they held a secret' };
  }
}

async function deliver(target: AlertTarget, payload: string, ports: AlertPorts, retries: number, backoffMs: number): Promise<{ ok: boolean; attempts: number; error?: string }> {
  let error = '';
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const r = target.kind === 'webhook' ? await ports.post(target.url, payload, target.timeoutMs) : await ports.run(target.argv, payload, target.timeoutMs);
    if (r.ok) return { ok: true, attempts: attempt };
    error = r.error ?? 'failed';
    if (attempt <= retries) await ports.clock.sleep(backoffMs * 2 ** (attempt - 1));
  }
  return { ok: false, attempts: retries + 1, error };
}

/** A target as logs may show it: a webhook's scheme and host only. */
export function describeTarget(t: AlertTarget): string {
  if (t.kind === 'command') return `command ${t.argv[0]}`;
  const u = URL.canParse(t.url) ? new URL(t.url) : null;
  return `webhook ${u ? `${u.protocol}//${u.host}` : '(bad url)'}`;
}

function logDelivery(gitdir: string, d: AlertDelivery): void {
  const file = join(gitdir, ALERT_LOG_FILE);
  try {
    // Rotated, never rewritten: a line another process appends meanwhile goes to whichever
    // file it opened, and both are read back (a trimmed rewrite could drop it).
    if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) rotateLog(file);
    // One short line per write with O_APPEND: lines from several processes never interleave.
    appendFileSync(file, `${JSON.stringify(d)}\n`, { mode: 0o600 });
  } catch {
    // The log is for `watch status` only; a store that cannot take it must not stop the alert path.
  }
}

function rotateLog(file: string): void {
  try {
    renameSync(file, `${file}.1`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // another process rotated it first
  }
}

/** The newest deliveries logged (oldest first), at most `n`: the rotated log, then the current one. */
export function readAlertLog(gitdir: string, n = 20): AlertDelivery[] {
  const file = join(gitdir, ALERT_LOG_FILE);
  // only regular files, opened without following a link or waiting on a FIFO put in their place
  const text = [`${file}.1`, file].map((f) => readRegularFile(f)?.toString('utf8') ?? '').join('');
  return text.split('\n').filter(Boolean).slice(-n).flatMap((l) => {
    try {
      return [JSON.parse(l) as AlertDelivery];
    } catch {
      return [];
    }
  });
}
