/**
 * How a service's verification is worded after a restart, in one place, so
 * that a service whose restart or checks failed is never called "healthy".
 */
import type { CheckReport, ServiceVerifyReport, VerifyReport } from '../../ops/health.js';

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

/**
 * One line per check: `✓ myapp  http http://127.0.0.1:8080/health  200 in 12 ms (1 attempt)`.
 * The check's target is dropped from the message since the line already names it.
 */
export function formatVerifyReport(report: VerifyReport): string {
  let out = '';
  for (const s of report.services) {
    if (s.checks.length === 0) out += `${s.ok ? '-' : '✗'} ${s.service}  (no health checks: not verified)\n`;
    for (const c of s.checks) out += `${c.skipped ? '-' : c.ok ? '✓' : '✗'} ${s.service}  ${c.check}  ${checkDetail(c)}\n`;
  }
  return out;
}

function checkDetail(c: CheckReport): string {
  if (c.skipped) return c.message;
  const target = c.check.replace(/^(http|tcp|command) /, '');
  const msg = c.message
    .replace(/^failed after \d+ attempts?: /, '')
    .replace(`GET ${target}: `, '')
    .replace(`connect ${target}: `, '')
    .replace(`${target}: `, '');
  const attempts = `(${c.attempts} attempt${c.attempts === 1 ? '' : 's'})`;
  return c.ok ? `${msg} in ${c.durationMs} ms ${attempts}` : `${msg} ${attempts}`;
}
