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

/** The progress word when a service's checks end; a restart failure is reported on its own line. */
export function checksDoneWord(ok: boolean): string {
  return ok ? 'checks passed' : 'FAILED';
}

/** The advice line on service logs, worded for what failed. */
export function logsAdvice(): string {
  return '  check the service logs         why its restart or health check failed';
}
