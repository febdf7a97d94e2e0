import { describe, expect, it } from 'vitest';
import { formatEvent, formatOutcome, nextSteps } from '../../../src/cli/format/rollback.js';
import { serviceVerdictLine } from '../../../src/cli/format/verify.js';
import type { CheckReport, ServiceVerifyReport } from '../../../src/ops/health.js';
import type { RollbackPlan, RollbackResult } from '../../../src/ops/rollback/types.js';

const passed: CheckReport = { check: 'http http://127.0.0.1:8080/health', ok: true, skipped: false, attempts: 1, durationMs: 9, message: 'GET http://127.0.0.1:8080/health: 200' };
const failed: CheckReport = { ...passed, ok: false, attempts: 4, message: 'failed after 4 attempts: GET http://127.0.0.1:8080/health: status 500, expected 2xx' };

function svc(checks: CheckReport[]): ServiceVerifyReport {
  return { service: 'sample', ok: checks.every((c) => c.ok), durationMs: 10, checks };
}

/** Only the fields formatOutcome reads. */
const plan = { target: { commit: 'a'.repeat(40), changeId: null, title: 'Good' }, services: ['sample'], verify: true } as unknown as RollbackPlan;

function result(restartOk: boolean, report: ServiceVerifyReport): RollbackResult {
  return {
    preRollbackCommit: null, commit: 'b'.repeat(40), changeId: null, keptEdits: [],
    restarted: [{ service: 'sample', ok: restartOk, message: restartOk ? 'supervisorctl restart sample: ok' : 'supervisorctl restart sample: exit 7: sample: ERROR (spawn error)' }],
    verification: { report: { ok: report.ok, passed: report.ok ? ['sample'] : [], failed: report.ok ? [] : ['sample'], services: [report] }, note: {} },
  } as unknown as RollbackResult;
}

describe('rollback output never calls a failed service healthy', () => {
  it.each([
    ['restart failed, checks passed', false, svc([passed])],
    ['restart ok, checks failed', true, svc([failed])],
    ['restart failed, checks failed', false, svc([failed])],
    ['restart failed, no checks', false, svc([])],
  ])('%s: no "healthy" anywhere, and the advice is given', (_name, restartOk, report) => {
    const text = formatOutcome(plan, result(restartOk, report));
    expect(text).not.toMatch(/healthy/i);
    expect(text).toContain(nextSteps());
  });

  it('a restart that failed while the checks passed says both, without "healthy"', () => {
    const text = formatOutcome(plan, result(false, svc([passed])));
    expect(text).toMatch(/^Restart FAILED: sample: .*\(spawn error\)$/m);
    expect(text).toMatch(/^Checks of sample passed, but its restart failed \(above\): it may still run the old config\.$/m);
  });

  it('the advice names what failed, not "why it is not healthy"', () => {
    expect(nextSteps()).toMatch(/check the service logs +why its restart or health check failed/);
    expect(nextSteps()).not.toMatch(/healthy/);
  });

  it('only a restarted service whose checks passed is "healthy", and then no advice follows', () => {
    const text = formatOutcome(plan, result(true, svc([passed])));
    expect(text).toMatch(/^Verified sample: healthy\.$/m);
    expect(text).not.toContain('check the service logs');
  });

  it('a service without health checks is not called healthy', () => {
    expect(serviceVerdictLine(svc([]), true)).toBe('Not verified: sample has no health checks configured.');
  });

  it('the progress line after the checks says what ran: "checks passed", "FAILED" or "not verified"', () => {
    const line = (ok: boolean, checks = 1, restartOk?: boolean) =>
      formatEvent({ phase: 'service', step: 'event', event: { phase: 'verify-done', service: 'sample', ok, checks, ...(restartOk === undefined ? {} : { restartOk }) } });
    expect(line(true)).toBe('  verify sample: checks passed\n');
    expect(line(true, 1, true)).toBe('  verify sample: checks passed\n');
    expect(line(false)).toBe('  verify sample: FAILED\n');
    expect(line(true, 0)).toBe('  verify sample: not verified (no health checks)\n');
    expect(line(true, 0, false)).toBe('  verify sample: not verified (restart failed; no health checks)\n');
    expect(line(true, 2, false)).not.toContain('checks passed');
  });
});
