import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { cfgtrail, cfgtrailAsync, git, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/sample-service.js';
import { problemsMetric, receiver, spawnWatch, watchedSample } from '../helpers/watch.js';

const TOKEN = 'am-secret-token-0123456789';

/** A raw POST (any headers, any body) to the listener; resolves with the status, or 'reset' when the server cut the connection. */
function post(port: number, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('reset'));
    req.end(body);
  });
}

/** Alertmanager's webhook payload (notify/webhook/webhook.go, version "4"). */
function notification(status: 'firing' | 'resolved', labels: Record<string, string>): string {
  return JSON.stringify({
    version: '4', groupKey: '{}:{alertname="HighErrorRate"}', truncatedAlerts: 0, status, receiver: 'cfgtrail',
    groupLabels: { alertname: labels.alertname }, commonLabels: labels, commonAnnotations: {}, externalURL: 'http://am:9093',
    alerts: [{ status, labels, annotations: { summary: 'errors' }, startsAt: '2026-11-29T12:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prom/graph', fingerprint: 'c0ffee12' }],
  });
}

describe('webhook alerts', () => {
  it('an automatic rollback alerts started and succeeded; a failing receiver is retried with backoff and failures are shown', async () => {
    const w = await watchedSample();
    const hook = await receiver([500, 503]); // the first two deliveries fail
    const down = `http://127.0.0.1:${await freePort()}/nobody`;
    const paged = join(tempDir(), 'paged.json');
    w.settings(['interval: 200ms', 'breaches: 1', 'grace: 0s', ...problemsMetric(w.svc), 'alerts:', `  - webhook: ${hook.url}`, `  - { webhook: "${down}", timeout: 1s }`, `  - command: ["sh", "-c", "cat >> ${paged}; echo >> ${paged}"]`]);
    w.breakIt();
    const t0 = Date.now();
    const r = await cfgtrailAsync(['watch', '--once'], { cwd: w.dir });
    expect(r.code).toBe(18);
    expect(Date.now() - t0).toBeGreaterThan(2_500); // waited for the retries (1 s + 2 s) after the rollback was done
    const payloads = hook.bodies.map((b) => JSON.parse(b.body) as { text: string; event: string; summary: string; commit: string; details: Record<string, unknown> });
    // Two events; the first delivery of each failed at least once, every one arrived in the end.
    expect(new Set(payloads.map((p) => p.event))).toEqual(new Set(['auto-rollback-started', 'auto-rollback-succeeded']));
    expect(hook.bodies.length).toBe(4);
    const ok = payloads.find((p) => p.event === 'auto-rollback-succeeded')!;
    expect(ok.text).toMatch(/^cfgtrail auto-rollback-succeeded on .+: rolled back in [\d.]+ s \(commit [0-9a-f]{7}\); services verified healthy\. Cause: problems 1 > 0 for 1 sample since I[0-9a-f]{16}$/);
    expect(hook.bodies[0]!.headers['content-type']).toBe('application/json');
    const commandEvents = readFileSync(paged, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event);
    expect(commandEvents.sort()).toEqual(['auto-rollback-started', 'auto-rollback-succeeded']);
    // The unreachable webhook: logged as failed after 5 attempts, its path (the secret part of a Slack URL) never shown.
    const status = cfgtrail(['watch', 'status'], { cwd: w.dir }).stdout;
    expect(status).toMatch(/alert delivery failures:\n {2}\S+ auto-rollback-\w+ to webhook http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED after 5 attempts/);
    expect(status).not.toContain('/nobody');
  }, 90_000);

  it('a failed verify is alerted', async () => {
    const w = await watchedSample();
    const hook = await receiver();
    w.settings(['metrics: []', 'alerts:', `  - webhook: ${hook.url}`]);
    w.breakIt();
    await new Promise((r) => setTimeout(r, 150));
    expect((await cfgtrailAsync(['verify'], { cwd: w.dir })).code).toBe(12);
    expect(hook.bodies).toHaveLength(1);
    const p = JSON.parse(hook.bodies[0]!.body) as { event: string; text: string; details: { failed: string[] } };
    expect(p).toMatchObject({ event: 'verify-failed', details: { failed: ['sample'] } });
    expect(p.text).toMatch(/verify failed for sample on [0-9a-f]{7}/);
  });
  it('freeze and unfreeze are alerted, with who and why; secrets in the reason are redacted', async () => {
    const w = await watchedSample();
    const hook = await receiver();
    w.settings(['metrics: []', 'alerts:', `  - webhook: ${hook.url}`]);
    const frozen = await cfgtrailAsync(['freeze', '--reason', 'INC-7 db failover password=hunter2secret', '--until', '2h'], { cwd: w.dir });
    expect(frozen.code, frozen.stderr).toBe(0);
    const unfrozen = await cfgtrailAsync(['unfreeze', '--reason', 'INC-7 resolved'], { cwd: w.dir });
    expect(unfrozen.code, unfrozen.stderr).toBe(0);
    const events = hook.bodies.map((b) => JSON.parse(b.body) as { event: string; text: string; commit: string });
    expect(events.map((e) => e.event)).toEqual(['freeze', 'unfreeze']);
    expect(events[0]!.text).toMatch(/changes frozen until \S+: INC-7 db failover/);
    expect(events[0]!.text).not.toContain('hunter2secret');
    expect(events[1]!.text).toContain('changes unfrozen: INC-7 resolved');
    // each names the record commit native git sees on the branch
    expect(events[1]!.commit).toBe(git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim());
  });
});

describe('watch --listen (Alertmanager webhook)', () => {
  async function listening() {
    const w = await watchedSample();
    const port = await freePort();
    const tokenFile = join(tempDir(), 'am.token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    w.settings(['interval: 300ms', 'grace: 0s', `alertmanager: { token_file: "${tokenFile}", max_body: 4096, match: [{ labels: { alertname: HighErrorRate, job: sample }, service: sample }] }`]);
    const watch = spawnWatch(w.dir, ['--listen', `127.0.0.1:${port}`]);
    await watch.waitFor((l) => l.type === 'start');
    return { w, port, watch };
  }

  it('refuses bad auth (401), bad JSON (400), big bodies (413), other methods (405), and never crashes', async () => {
    const { w, port, watch } = await listening();
    const head = git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim();
    const firing = notification('firing', { alertname: 'HighErrorRate', job: 'sample' });
    expect(await post(port, firing, { authorization: '' })).toBe(401);
    expect(await post(port, firing, { authorization: `Bearer ${TOKEN}x` })).toBe(401);
    expect(await post(port, firing, { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` })).toBe(401);
    expect(await post(port, '{"version":"4","alerts":[', {})).toBe(400);
    expect(await post(port, '{"version":"3","alerts":[]}', {})).toBe(400);
    expect(await post(port, '{"version":"4","alerts":[{"status":"firing","labels":{"a":{"b":1}}}]}', {})).toBe(400);
    expect(await post(port, '{"version":"4","alerts":[{"status":"firing","labels":{"__proto__":"x"},"fingerprint":"__proto__"}]}', {})).toBe(200);
    expect([413, 'reset']).toContain(await post(port, Buffer.alloc(10_000, 0x20), {}));
    expect([413, 'reset']).toContain(await post(port, Buffer.alloc(10_000, 0x20), { 'transfer-encoding': 'chunked' }));
    expect(await post(port, '', {}, 'GET')).toBe(405);
    expect(await post(port, Buffer.from([0xff, 0xfe, 0x00]), {})).toBe(400);
    // An alert for something else is ignored; the watcher still runs and nothing was rolled back.
    expect(await post(port, notification('firing', { alertname: 'DiskFull', job: 'db' }), {})).toBe(200);
    await new Promise((r) => setTimeout(r, 700));
    expect(watch.child.exitCode).toBeNull();
    expect(git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim()).toBe(head);
    expect(JSON.stringify(watch.lines)).not.toContain(TOKEN);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });

  it('a firing alert for a mapped service rolls back the newest change; resolved clears it', async () => {
    const { w, port, watch } = await listening();
    w.breakIt();
    expect(await post(port, notification('firing', { alertname: 'HighErrorRate', job: 'sample', severity: 'page' }), {})).toBe(200);
    const done = await watch.waitFor((l) => l.type === 'rollback-done');
    expect(done).toMatchObject({ ok: true });
    expect(git(['--git-dir', w.store, 'log', '-1', '--format=%(trailers:key=Reason,valueonly)']).trim()).toMatch(/^auto-rollback: Alertmanager alert HighErrorRate firing for sample since I[0-9a-f]{16}$/);
    expect(await post(port, notification('resolved', { alertname: 'HighErrorRate', job: 'sample', severity: 'page' }), {})).toBe(200);
    await watch.waitFor((l) => l.type === 'alertmanager' && Array.isArray(l.resolved) && l.resolved.length === 1);
    expect(JSON.parse(cfgtrail(['watch', 'status', '--json'], { cwd: w.dir }).stdout)).toMatchObject({ firing: [] });
    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);
  });

  it('without a token it refuses to start, in one line', async () => {
    const w = await watchedSample();
    w.settings(['alertmanager: { token_env: CFGTRAIL_AM_TOKEN }']);
    const r = cfgtrail(['watch', '--listen', '127.0.0.1:0'], { cwd: w.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^cfgtrail: watch\.alertmanager: the token \(\$CFGTRAIL_AM_TOKEN\) is missing or shorter than 16 characters\n$/);
    const bad = cfgtrail(['watch', '--listen', 'nowhere'], { cwd: w.dir, env: { CFGTRAIL_AM_TOKEN: TOKEN } });
    expect(bad.stderr).toMatch(/--listen: expected host:port/);
    expect(bad.code).toBe(5);
  });
});
