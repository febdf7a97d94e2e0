import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer } from 'node:http';
import { createMetricSource } from '../../src/adapters/metric-source.js';
import type { MetricConfig } from '../../src/ops/watch/config.js';
import { freePort } from '../helpers/sample-service.js';

/** A real HTTP server on 127.0.0.1 answering each path as `routes` says (a route of null never answers). */
async function server(routes: Record<string, { status: number; body: string } | null>): Promise<string> {
  const srv = createServer((req, res) => {
    const r = routes[req.url ?? ''];
    if (r === null) return; // hangs: the sample must time out
    res.writeHead(r?.status ?? 404, { 'content-type': 'application/json' }).end(r?.body ?? '');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => { srv.close(() => r()); srv.closeAllConnections(); }));
  return `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
}

const http = (url: string, field = 'v', timeoutMs = 500): MetricConfig => ({ name: 'm', source: { kind: 'http', url, field }, max: 1, timeoutMs });

describe('createMetricSource against real servers and processes', () => {
  it('http: a JSON field; a non-2xx, non-JSON or hanging endpoint is no data with the reason', async () => {
    const base = await server({
      '/ok': { status: 200, body: '{"v": 0.25}' },
      '/500': { status: 500, body: '{"v": 0}' },
      '/text': { status: 200, body: 'v 1' },
      '/hang': null,
    });
    const src = createMetricSource();
    expect(await src.sample(http(`${base}/ok`))).toEqual({ metric: 'm', value: 0.25 });
    expect(await src.sample(http(`${base}/500`))).toEqual({ metric: 'm', value: null, error: 'HTTP 500' });
    expect(await src.sample(http(`${base}/text`))).toEqual({ metric: 'm', value: null, error: 'HTTP 200: the answer is not JSON' });
    const t0 = Date.now();
    expect(await src.sample(http(`${base}/hang`, 'v', 300))).toEqual({ metric: 'm', value: null, error: 'no answer within 300ms' });
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect((await src.sample(http(`http://127.0.0.1:${await freePort()}/x`))).error).toMatch(/ECONNREFUSED/);
  });

  it('prometheus: the query goes to /api/v1/query, URL-encoded; an error answer is shown', async () => {
    let asked = '';
    const srv = createServer((req, res) => {
      asked = req.url ?? '';
      res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => srv.close(() => r())));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/prom/`;
    const s = await createMetricSource().sample({ name: 'e', source: { kind: 'prometheus', url, query: 'sum(rate(x{code=~"5.."}[1m]))' }, max: 1, timeoutMs: 1000 });
    expect(asked).toBe(`/prom/api/v1/query?query=${encodeURIComponent('sum(rate(x{code=~"5.."}[1m]))')}`);
    expect(s).toEqual({ metric: 'e', value: null, error: 'Prometheus: parse error' });
  });

  it('command: its number; a failure, a timeout or a missing program is no data', async () => {
    const src = createMetricSource();
    const cmd = (argv: string[], timeoutMs = 2000): MetricConfig => ({ name: 'q', source: { kind: 'command', argv }, max: 1, timeoutMs });
    expect(await src.sample(cmd(['sh', '-c', 'echo 17']))).toEqual({ metric: 'q', value: 17 });
    expect(await src.sample(cmd(['sh', '-c', 'echo nope >&2; exit 4']))).toEqual({ metric: 'q', value: null, error: 'exit 4: nope' });
    expect(await src.sample(cmd(['sleep', '5'], 200))).toEqual({ metric: 'q', value: null, error: 'no answer within 200ms' });
    expect(await src.sample(cmd(['/nonexistent/queue-depth']))).toEqual({ metric: 'q', value: null, error: '/nonexistent/queue-depth not found (ENOENT)' });
  });
});
