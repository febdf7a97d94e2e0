/**
 * How a service's verification is worded after a restart, in one place, so
 * that a service whose restart or checks failed is never called "healthy".
 */
import type { ServiceVerifyReport } from '../../ops/health.js';

/**
 * The summary line for one verified service. `restartOk` is false when its
 * restart failed (the checks may still have passed against the old process).
 * @example serviceVerdictLine(report, true) // 'Verified myapp: healthy.'
 */
export function serviceVerdictLine(s: ServiceVerifyReport, restartOk = true): string {
  if (!s.ok) {
    const bad = s.checks.find((c) => !c.ok && !c.skipped);
    return `Verification FAILED: ${s.service}: ${bad?.check ?? ''}: ${bad?.message ?? 'failed'}`;
  }
  if (!restartOk) {
    return s.checks.length === 0
      ? `Not verified: ${s.service}: its restart failed and it has no health checks.`
      : `Checks of ${s.service} passed, but its restart failed (above): it may still run the old config.`;
  }
  if (s.checks.length === 0) return `Not verified: ${s.service} has no health checks configured.`;
  return `Verified ${s.service}: healthy.`;
}

/**
 * The progress words when a service's checks end. "checks passed" only when it
 * had checks, they passed and its restart (if any) did not fail; the restart
 * failure itself is reported on its own line.
 * @example checksDoneWord({ ok: true, checks: 0 }) // 'not verified (no health checks)'
 */
export function checksDoneWord(e: { ok: boolean; checks?: number; restartOk?: boolean }): string {
  if (!e.ok) return 'FAILED';
  const restartFailed = e.restartOk === false;
  if (e.checks === 0) return restartFailed ? 'not verified (restart failed; no health checks)' : 'not verified (no health checks)';
  if (restartFailed) return 'not verified (restart failed; its checks answered, maybe from the old process)';
  return 'checks passed';
}

/** The advice line on service logs, worded for what failed. */
export function logsAdvice(): string {
  return '  check the service logs         why its restart or health check failed';
}
