/**
 * Health verification after a restart: small pure verdict functions, and the
 * polling loop that retries each check with backoff within the service timeout.
 */
import { CfgtrailError } from '../core/errors.js';
import type { Clock, HealthProbe, OnEvent, ServiceEvent, Verdict } from './ports.js';
import type { HealthCheck, ServiceConfig } from './services-config.js';
import { withSpan } from '../core/trace.js';
import { verifyOutcome } from './span-outcomes.js';

/** What an HTTP attempt saw: a response, or a transport error (refused, timeout). */
export type HttpOutcome = { status: number; body: string } | { error: string };
/** What a TCP attempt saw. */
export type TcpOutcome = { connected: true } | { error: string };
/** What a command check saw. */
export interface CommandOutcome { exitCode: number | null; stderr: string; timedOut: boolean; error?: string }

/** 2xx is healthy unless the check names the one status it expects. */
export function httpVerdict(outcome: HttpOutcome, check: { url: string; expect?: number }, durationMs: number): Verdict {
  if ('error' in outcome) return { ok: false, message: `GET ${check.url}: ${outcome.error}`, durationMs };
  const ok = check.expect === undefined ? outcome.status >= 200 && outcome.status < 300 : outcome.status === check.expect;
  const wanted = check.expect === undefined ? '2xx' : String(check.expect);
  const body = oneLine(outcome.body, 200);
  const message = ok
    ? `GET ${check.url}: ${outcome.status}`
    : `GET ${check.url}: status ${outcome.status}, expected ${wanted}${body ? ` (body: ${body})` : ''}`;
  return { ok, message, durationMs };
}

/** A connection that opens is healthy. */
export function tcpVerdict(outcome: TcpOutcome, check: { host: string; port: number }, durationMs: number): Verdict {
  const target = `${check.host.includes(':') ? `[${check.host}]` : check.host}:${check.port}`;
  if ('error' in outcome) return { ok: false, message: `connect ${target}: ${outcome.error}`, durationMs };
  return { ok: true, message: `connect ${target}: open`, durationMs };
}

/** Exit code 0 is healthy; stderr is kept in the message. */
export function commandVerdict(outcome: CommandOutcome, check: { argv: string[]; timeoutMs: number }, durationMs: number): Verdict {
  const name = check.argv.join(' ');
  const stderr = oneLine(outcome.stderr, 300);
  const tail = stderr ? `: ${stderr}` : '';
  if (outcome.error !== undefined) return { ok: false, message: `${name}: ${outcome.error}`, durationMs };
  if (outcome.timedOut) return { ok: false, message: `${name}: timed out after ${check.timeoutMs}ms${tail}`, durationMs };
  if (outcome.exitCode === 0) return { ok: true, message: `${name}: exit 0`, durationMs };
  return { ok: false, message: `${name}: exit ${outcome.exitCode ?? 'by signal'}${tail}`, durationMs };
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** How a check is named in events and reports, e.g. `http http://127.0.0.1:8080/health`. */
export function checkLabel(check: HealthCheck): string {
  if (check.kind === 'http') return `http ${check.url}`;
  if (check.kind === 'tcp') return `tcp ${check.host}:${check.port}`;
  return `command ${check.argv.join(' ')}`;
}

/** Wait before the next attempt: 250 ms doubling, at most 5 s. @example backoffDelay(3) === 1000 */
export function backoffDelay(failedAttempts: number): number {
  return Math.min(250 * 2 ** Math.max(0, failedAttempts - 1), 5_000);
}

export interface CheckReport {
  check: string;
  ok: boolean;
  /** Not run because an earlier check of the same service failed. */
  skipped: boolean;
  attempts: number;
  durationMs: number;
  /** The last verdict's message, or why it gave up. */
  message: string;
}

export interface ServiceVerifyReport { service: string; ok: boolean; durationMs: number; checks: CheckReport[] }

export interface VerifyReport { ok: boolean; passed: string[]; failed: string[]; services: ServiceVerifyReport[] }

interface VerifyOptions { probe: HealthProbe; clock: Clock; onEvent?: OnEvent<ServiceEvent>; signal?: AbortSignal }

/**
 * Runs each service's checks in order; each check is retried with backoff up to
 * `retries` times while the service `timeout` lasts. After a failed check the
 * service's remaining checks are skipped.
 *
 * @example const report = await verifyServices(services, { probe: createHealthProbe(), clock: realClock })
 */
export async function verifyServices(services: ServiceConfig[], options: VerifyOptions): Promise<VerifyReport> {
  const reports: ServiceVerifyReport[] = [];
  for (const service of services) reports.push(await withSpan('verify', { 'config.service.name': service.name }, () => verifyService(service, options), verifyOutcome));
  return {
    ok: reports.every((r) => r.ok),
    passed: reports.filter((r) => r.ok).map((r) => r.service),
    failed: reports.filter((r) => !r.ok).map((r) => r.service),
    services: reports,
  };
}

async function verifyService(service: ServiceConfig, options: VerifyOptions): Promise<ServiceVerifyReport> {
  const { clock, onEvent = () => {} } = options;
  const started = clock.now();
  const deadline = started + service.timeoutMs;
  onEvent({ phase: 'verify-start', service: service.name, checks: service.health.length });
  const checks: CheckReport[] = [];
  for (const check of service.health) {
    if (checks.some((c) => !c.ok)) {
      checks.push({ check: checkLabel(check), ok: false, skipped: true, attempts: 0, durationMs: 0, message: 'skipped: an earlier check failed' });
    } else {
      checks.push(await pollCheck(service, check, deadline, options));
    }
  }
  const ok = checks.every((c) => c.ok);
  onEvent({ phase: 'verify-done', service: service.name, ok, checks: service.health.length });
  return { service: service.name, ok, durationMs: clock.now() - started, checks };
}

async function pollCheck(service: ServiceConfig, check: HealthCheck, deadline: number, options: VerifyOptions): Promise<CheckReport> {
  const { probe, clock, onEvent = () => {}, signal } = options;
  const label = checkLabel(check);
  const started = clock.now();
  const report = (ok: boolean, attempts: number, message: string): CheckReport =>
    ({ check: label, ok, skipped: false, attempts, durationMs: clock.now() - started, message });
  for (let attempt = 1; ; attempt++) {
    // The first attempt gets its full timeout; later ones must end by the deadline.
    const timeoutMs = attempt === 1 ? check.timeoutMs : Math.max(1, Math.min(check.timeoutMs, deadline - clock.now()));
    const verdict = await probe.check({ ...check, timeoutMs }, { signal });
    onEvent({ phase: 'check-attempt', service: service.name, check: label, attempt, verdict });
    if (verdict.ok) return report(true, attempt, verdict.message);
    if (signal?.aborted) return report(false, attempt, `aborted; last: ${verdict.message}`);
    if (attempt > check.retries) return report(false, attempt, `failed after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${verdict.message}`);
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      return report(false, attempt, `gave up after ${attempt} attempts (service timeout ${service.timeoutMs}ms reached): ${verdict.message}`);
    }
    const delayMs = Math.min(backoffDelay(attempt), remaining);
    onEvent({ phase: 'check-wait', service: service.name, check: label, attempt, delayMs });
    await clock.sleep(delayMs, signal);
  }
}

/**
 * Throws VERIFY_FAILED naming each failed service and its first failing check.
 * @throws CfgtrailError VERIFY_FAILED with `data.failed: { service, check, message }[]`
 */
export function assertVerified(report: VerifyReport): void {
  const failed = report.services.filter((s) => !s.ok).map((s) => {
    const c = s.checks.find((x) => !x.ok && !x.skipped);
    return { service: s.service, check: c?.check ?? '', message: c?.message ?? 'failed' };
  });
  if (failed.length === 0) return;
  const text = failed.map((f) => `${f.service}: ${f.message}`).join('; ');
  throw new CfgtrailError('VERIFY_FAILED', `health verification failed: ${text}`, { failed });
}
