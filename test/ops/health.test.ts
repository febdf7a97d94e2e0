// Decision logic only, with a fake clock and a scripted probe; the real probes
// are tested in test/adapters/health-probe.test.ts and supervisor.test.ts.
import { describe, expect, test } from 'vitest';
import { isCfgtrailError } from '../../src/core/errors.js';
import {
  assertVerified, backoffDelay, commandVerdict, httpVerdict, tcpVerdict, verifyServices,
} from '../../src/ops/health.js';
import type { Clock, HealthProbe, ServiceEvent, Verdict } from '../../src/ops/ports.js';
import { type HealthCheck, validateServices } from '../../src/ops/services-config.js';

function fakeClock(): Clock & { slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

/** Answers from a script per check target (false once the script runs out); attempts take no time. */
function scriptedProbe(script: Record<string, boolean[]>) {
  const seen: HealthCheck[] = [];
  const probe: HealthProbe = {
    async check(check) {
      seen.push(check);
      const key = check.kind === 'http' ? check.url : check.kind === 'tcp' ? `${check.host}:${check.port}` : check.argv.join(' ');
      const ok = script[key]?.shift() ?? false;
      return { ok, message: `${key} ${ok ? 'up' : 'down'}`, durationMs: 0 } satisfies Verdict;
    },
  };
  return { probe, seen };
}

function svc(health: unknown[], timeout = '30s') {
  return validateServices([{ name: 'app', files: ['x'], restart: { docker: 'app' }, timeout, health }], { file: 's.yaml' });
}

describe('pure verdicts', () => {
  const url = 'http://h/health';
  test.each([
    [{ status: 200, body: 'ok' }, undefined, true],
    [{ status: 299, body: '' }, undefined, true],
    [{ status: 301, body: '' }, undefined, false],
    [{ status: 500, body: 'db down' }, undefined, false],
    [{ status: 204, body: '' }, 204, true],
    [{ status: 200, body: '' }, 204, false],
  ])('http %j expect %s -> %s', (outcome, expect_, ok) => {
    expect(httpVerdict(outcome, { url, expect: expect_ }, 5).ok).toBe(ok);
  });

  test('messages say what was seen and what was wanted', () => {
    expect(httpVerdict({ status: 500, body: 'pool\n  too big' }, { url }, 7))
      .toEqual({ ok: false, message: 'GET http://h/health: status 500, expected 2xx (body: pool too big)', durationMs: 7 });
    expect(httpVerdict({ error: 'ECONNREFUSED' }, { url }, 1).message).toBe('GET http://h/health: ECONNREFUSED');
    expect(tcpVerdict({ connected: true }, { host: '::1', port: 5 }, 1).message).toBe('connect [::1]:5: open');
    expect(commandVerdict({ exitCode: 1, stderr: 'no\n', timedOut: false }, { argv: ['chk', '-q'], timeoutMs: 9 }, 1).message).toBe('chk -q: exit 1: no');
    expect(commandVerdict({ exitCode: null, stderr: '', timedOut: true }, { argv: ['chk'], timeoutMs: 900 }, 1))
      .toMatchObject({ ok: false, message: 'chk: timed out after 900ms' });
  });

  test('backoff doubles from 250 ms and stops growing at 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(backoffDelay)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
  });
});

describe('verifyServices', () => {
  test('retries with backoff until the check passes', async () => {
    const clock = fakeClock();
    const { probe } = scriptedProbe({ 'http://h/': [false, false, true] });
    const events: ServiceEvent[] = [];
    const report = await verifyServices(svc([{ http: 'http://h/', retries: 5 }]), { probe, clock, onEvent: (e) => events.push(e) });
    expect(report).toMatchObject({ ok: true, passed: ['app'], failed: [] });
    expect(report.services[0]!.checks[0]).toMatchObject({ ok: true, attempts: 3, durationMs: 750, message: 'http://h/ up' });
    expect(clock.slept).toEqual([250, 500]);
    expect(events.map((e) => e.phase)).toEqual([
      'verify-start', 'check-attempt', 'check-wait', 'check-attempt', 'check-wait', 'check-attempt', 'verify-done',
    ]);
  });

  test('retries 0 means one try', async () => {
    const clock = fakeClock();
    const { probe, seen } = scriptedProbe({});
    const report = await verifyServices(svc([{ tcp: 'h:1' }]), { probe, clock });
    expect(seen).toHaveLength(1);
    expect(report.services[0]!.checks[0]!.message).toBe('failed after 1 attempt: h:1 down');
    expect(clock.slept).toEqual([]);
  });

  test('gives up when retries run out, with the last message', async () => {
    const clock = fakeClock();
    const { probe, seen } = scriptedProbe({});
    const report = await verifyServices(svc([{ http: 'http://h/', retries: 3 }]), { probe, clock });
    expect(seen).toHaveLength(4);
    expect(report).toMatchObject({ ok: false, failed: ['app'] });
    expect(report.services[0]!.checks[0]!.message).toBe('failed after 4 attempts: http://h/ down');
  });

  test('the service timeout bounds the waiting, and later attempts get only the time left', async () => {
    const clock = fakeClock();
    const { probe, seen } = scriptedProbe({});
    const report = await verifyServices(svc([{ http: 'http://h/', retries: 100, timeout: '2s' }], '3s'), { probe, clock });
    // 250 + 500 + 1000 = 1750, then the wait is cut to the 1250 left.
    expect(clock.slept).toEqual([250, 500, 1000, 1250]);
    expect(seen.map((c) => c.timeoutMs)).toEqual([2000, 2000, 2000, 1250, 1]);
    expect(report.services[0]!.checks[0]!.message).toBe('gave up after 5 attempts (service timeout 3000ms reached): http://h/ down');
  });

  test('after a failed check the others are skipped; each service is judged alone', async () => {
    const clock = fakeClock();
    const { probe, seen } = scriptedProbe({ 'h:2': [true] });
    const services = [
      ...svc([{ tcp: 'h:1' }, { command: ['chk'] }]),
      ...validateServices([{ name: 'db', files: ['x'], restart: { docker: 'db' }, health: [{ tcp: 'h:2' }] }], { file: 's.yaml' }),
    ];
    const report = await verifyServices(services, { probe, clock });
    expect(seen.map((c) => c.kind)).toEqual(['tcp', 'tcp']);
    expect(report).toMatchObject({ ok: false, passed: ['db'], failed: ['app'] });
    expect(report.services[0]!.checks[1]).toMatchObject({ check: 'command chk', ok: false, skipped: true, attempts: 0 });
    const e = (() => { try { assertVerified(report); } catch (x) { return x; } })();
    expect(isCfgtrailError(e, 'VERIFY_FAILED')).toBe(true);
    expect((e as { data: unknown }).data).toEqual({ failed: [{ service: 'app', check: 'tcp h:1', message: 'failed after 1 attempt: h:1 down' }] });
  });

  test('a service with no checks passes', async () => {
    const clock = fakeClock();
    const report = await verifyServices(svc([]), { probe: scriptedProbe({}).probe, clock });
    expect(report.ok).toBe(true);
    expect(() => assertVerified(report)).not.toThrow();
  });
});
