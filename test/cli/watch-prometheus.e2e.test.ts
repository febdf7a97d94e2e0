import { describe, expect, it } from 'vitest';
import { git } from '../helpers/cli.js';
import { freePort } from '../helpers/sample-service.js';
import { ALERTMANAGER, ERROR_RATE, keepTraffic, PROMETHEUS, queryValue, startAlertmanager, startPrometheus } from '../helpers/prometheus.js';
import { spawnWatch, watchedSample } from '../helpers/watch.js';

if (!PROMETHEUS) console.log('skipping the real Prometheus tests: no prometheus binary (run scripts/test-deps.sh)');
if (PROMETHEUS && !ALERTMANAGER) console.log('skipping the real Alertmanager test: no prometheus-alertmanager binary (run scripts/test-deps.sh)');

/** Polls Prometheus until `pred` holds for the error rate; returns the value seen. */
async function waitForRate(prom: string, pred: (v: number) => boolean, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: number | null = null;
  while (Date.now() < deadline) {
    last = await queryValue(prom, ERROR_RATE);
    if (last !== null && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`error rate never matched within ${timeoutMs} ms (last ${last})`);
}

describe.skipIf(!PROMETHEUS)('watch with a real Prometheus', () => {
  it('a bad config raises the 5xx rate Prometheus sees; the watcher rolls back; the rate falls', async () => {
    const w = await watchedSample();
    keepTraffic(w.svc.url);
    const prom = await startPrometheus(`127.0.0.1:${w.svc.port}`);
    w.settings(['interval: 500ms', 'breaches: 3', 'grace: 1s', 'cooldown: 10m', 'metrics:', `  - { name: error_rate, prometheus: { url: "${prom}", query: '${ERROR_RATE}' }, max: 0.05 }`]);
    await waitForRate(prom, (v) => v === 0);
    const watch = spawnWatch(w.dir);
    await watch.waitFor((l) => l.type === 'sample' && l.verdict === 'ok' && l.value === 0);
    const badId = (() => {
      w.breakIt();
      return git(['--git-dir', w.store, 'log', '-1', '--format=%(trailers:key=Change-Id,valueonly)']).trim();
    })();
    const done = await watch.waitFor((l) => l.type === 'rollback-done', 40_000);
    expect(done).toMatchObject({ ok: true });
    const breaches = watch.lines.filter((l) => l.type === 'sample' && l.verdict === 'breach');
    expect(breaches.length).toBe(3);
    expect(breaches.every((l) => (l.value as number) > 0.05)).toBe(true);
    const reason = git(['--git-dir', w.store, 'log', '-1', '--format=%(trailers:key=Reason,valueonly)']).trim();
    expect(reason).toMatch(new RegExp(`^auto-rollback: error_rate [\\d.]+ > 0\\.05 for 3 samples since ${badId}$`));
    // Prometheus itself sees the service recover.
    expect(await waitForRate(prom, (v) => v < 0.05)).toBeLessThan(0.05);
    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);
  }, 90_000);

  it.skipIf(!ALERTMANAGER)('the same through Prometheus alerting rules and a real Alertmanager posting to watch --listen', async () => {
    const w = await watchedSample();
    keepTraffic(w.svc.url);
    const token = 'am-token-for-the-watch-test-42';
    const listen = await freePort();
    const am = await startAlertmanager(`http://127.0.0.1:${listen}/alertmanager`, token);
    const rules = [
      'groups:',
      '  - name: sample',
      '    rules:',
      '      - alert: HighErrorRate',
      `        expr: '(${ERROR_RATE}) > 0.05'`,
      '        for: 1s',
      '        labels: { service: sample, severity: page }',
      '',
    ].join('\n');
    const prom = await startPrometheus(`127.0.0.1:${w.svc.port}`, { rules, alertmanager: am });
    w.settings(['interval: 500ms', 'grace: 1s', 'alertmanager: { token_env: CFGTRAIL_AM_TOKEN }']);
    const watch = spawnWatch(w.dir, ['--listen', `127.0.0.1:${listen}`], { CFGTRAIL_AM_TOKEN: token });
    await watch.waitFor((l) => l.type === 'start');
    await waitForRate(prom, (v) => v === 0);
    w.breakIt();
    const firing = await watch.waitFor((l) => l.type === 'alertmanager' && Array.isArray(l.firing) && l.firing.length > 0, 60_000);
    expect(firing.firing).toEqual(['HighErrorRate']);
    const done = await watch.waitFor((l) => l.type === 'rollback-done', 30_000);
    expect(done).toMatchObject({ ok: true });
    expect(git(['--git-dir', w.store, 'log', '-1', '--format=%(trailers:key=Reason,valueonly)']).trim()).toMatch(/^auto-rollback: Alertmanager alert HighErrorRate firing for sample since I[0-9a-f]{16}$/);
    expect(await waitForRate(prom, (v) => v < 0.05)).toBeLessThan(0.05);
    // Prometheus stops firing, Alertmanager sends the resolved notification.
    await watch.waitFor((l) => l.type === 'alertmanager' && Array.isArray(l.resolved) && l.resolved.length > 0, 60_000);
    expect(watch.lines.filter((l) => l.type === 'rollback-done')).toHaveLength(1);
    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);
  }, 150_000);
});
