import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createHealthProbe } from '../../src/adapters/health-probe.js';
import { realClock } from '../../src/adapters/real-clock.js';
import { verifyServices } from '../../src/ops/health.js';
import { validateServices } from '../../src/ops/services-config.js';
import { badConfig, freePort, goodConfig, startSampleService, writeSampleConfig } from '../helpers/sample-service.js';

const probe = createHealthProbe();
const base = { timeoutMs: 2_000, retries: 0 };

async function listen<S extends Server | ReturnType<typeof createHttpServer>>(server: S): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  }));
  return (server.address() as { port: number }).port;
}

async function sampleService(config = goodConfig()) {
  const dir = await mkdtemp(join(tmpdir(), 'cfgtrail-probe-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await writeSampleConfig(join(dir, 'config.yaml'), config);
  const svc = await startSampleService({ configPath: join(dir, 'config.yaml') });
  onTestFinished(() => svc.stop());
  return svc;
}

describe('http check (real servers)', () => {
  test('the sample service with a good config is healthy', async () => {
    const svc = await sampleService();
    const v = await probe.check({ kind: 'http', url: `${svc.url}/health`, ...base });
    expect(v).toMatchObject({ ok: true, message: `GET ${svc.url}/health: 200` });
  });

  test('with a bad config it answers 500 and the body is in the message', async () => {
    const svc = await sampleService(badConfig());
    const v = await probe.check({ kind: 'http', url: `${svc.url}/health`, ...base });
    expect(v.ok).toBe(false);
    expect(v.message).toBe(`GET ${svc.url}/health: status 500, expected 2xx (body: pool_max ${badConfig().pool_max} is outside 1..1000)`);
  });

  test('an expected status other than 2xx', async () => {
    const port = await listen(createHttpServer((_req, res) => res.writeHead(204).end()));
    const url = `http://127.0.0.1:${port}/`;
    expect((await probe.check({ kind: 'http', url, expect: 204, ...base })).ok).toBe(true);
    expect((await probe.check({ kind: 'http', url, expect: 200, ...base })).message).toContain('status 204, expected 200');
  });

  test('a server that does not answer in time', async () => {
    const port = await listen(createHttpServer(() => { /* never answers */ }));
    const v = await probe.check({ kind: 'http', url: `http://127.0.0.1:${port}/health`, timeoutMs: 300, retries: 0 });
    expect(v).toMatchObject({ ok: false, message: `GET http://127.0.0.1:${port}/health: no answer within 300ms` });
    expect(v.durationMs).toBeGreaterThanOrEqual(250);
  });

  test('nothing listening: connection refused', async () => {
    const port = await freePort();
    const v = await probe.check({ kind: 'http', url: `http://127.0.0.1:${port}/health`, ...base });
    expect(v.ok).toBe(false);
    expect(v.message).toContain('ECONNREFUSED');
  });
});

describe('tcp check (real sockets)', () => {
  test('open and refused ports', async () => {
    const port = await listen(createTcpServer((s) => s.end()));
    expect(await probe.check({ kind: 'tcp', host: '127.0.0.1', port, ...base })).toMatchObject({ ok: true, message: `connect 127.0.0.1:${port}: open` });
    const closed = await freePort();
    expect(await probe.check({ kind: 'tcp', host: '127.0.0.1', port: closed, ...base }))
      .toMatchObject({ ok: false, message: `connect 127.0.0.1:${closed}: ECONNREFUSED` });
  });
});

describe('command check (real processes)', () => {
  test('exit 0 is healthy; otherwise the exit code and stderr are reported', async () => {
    const node = process.execPath;
    expect((await probe.check({ kind: 'command', argv: [node, '-e', ''], ...base })).ok).toBe(true);
    const v = await probe.check({ kind: 'command', argv: [node, '-e', 'console.error("db down"); process.exit(2)'], ...base });
    expect(v).toMatchObject({ ok: false });
    expect(v.message).toMatch(/: exit 2: db down$/);
    const missing = await probe.check({ kind: 'command', argv: ['/nonexistent/check-app'], ...base });
    expect(missing.message).toBe('/nonexistent/check-app: /nonexistent/check-app not found (ENOENT)');
  });
});

describe('verifyServices with real probes', () => {
  test('waits with retries until a service that starts late is up', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'cfgtrail-late-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeSampleConfig(join(dir, 'config.yaml'), goodConfig(port));
    const [service] = validateServices([{
      name: 'late', files: ['config.yaml'], restart: { command: ['true'] }, timeout: '10s',
      health: [{ http: `http://127.0.0.1:${port}/health`, retries: 10, timeout: '1s' }, { tcp: `127.0.0.1:${port}` }],
    }], { file: 'settings.yaml' });
    const starting = new Promise((r) => setTimeout(r, 600)).then(() => startSampleService({ configPath: join(dir, 'config.yaml') }));
    onTestFinished(async () => (await starting).stop());
    const report = await verifyServices([service!], { probe, clock: realClock });
    expect(report.ok).toBe(true);
    expect(report.services[0]!.checks[0]!.attempts).toBeGreaterThan(1);
    expect(report.services[0]!.checks[1]).toMatchObject({ ok: true, attempts: 1 });
  });
});
