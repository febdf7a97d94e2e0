/**
 * OpenTelemetry end to end: the real bin/cfgtrail.js sends its spans to a real
 * OTLP/HTTP receiver on 127.0.0.1 (test/helpers/otlp-receiver.ts decodes
 * JSON and protobuf); native git witnesses the commits the spans name.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cfgtrail, gitIn, tempDir } from '../helpers/cli.js';
import { runCli, startBlackhole, startFailingReceiver, startReceiver, until, type ReceivedSpan } from '../helpers/otlp-receiver.js';

const PARENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${PARENT_TRACE}-${PARENT_SPAN}-01`;

/** A store with two snapshots of c.yaml (`v: 1`, `v: 2`), made without tracing; returns the first commit. */
function twoVersions(settings = ''): { dir: string; store: string; v1: string } {
  const dir = tempDir('cfgtrail-otel-');
  writeFileSync(join(dir, 'c.yaml'), 'v: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  if (settings) writeFileSync(join(store, 'settings.yaml'), settings);
  expect(cfgtrail(['snapshot', '-m', 'version 1'], { cwd: dir }).code).toBe(0);
  const v1 = gitIn(store, ['rev-parse', 'HEAD']).trim();
  writeFileSync(join(dir, 'c.yaml'), 'v: 2\n');
  expect(cfgtrail(['snapshot', '-m', 'version 2'], { cwd: dir }).code).toBe(0);
  return { dir, store, v1 };
}

/** One service `app` on c.yaml; its restart and check are shell commands. */
function serviceSettings(restart: string, check: string): string {
  return ['services:', '  - name: app', '    files: ["c.yaml"]', `    restart: { command: ["sh", "-c", ${JSON.stringify(restart)}] }`,
    '    timeout: 20s', `    health: [{ command: ["sh", "-c", ${JSON.stringify(check)}], retries: 0 }]`, ''].join('\n');
}

const otlpEnv = (url: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', ...extra });
const byName = (spans: ReceivedSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  expect(found, `span ${name}`).toHaveLength(1);
  return found[0]!;
};
const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId).map((s) => s.name);

describe('tracing a snapshot and a rollback (OTLP/JSON)', () => {
  it('sends the command span under TRACEPARENT, the rollback phases under it, with the change attributes', async () => {
    const rx = await startReceiver();
    const { dir, store, v1 } = twoVersions();
    writeFileSync(join(dir, 'c.yaml'), 'v: 3\n');
    const env = otlpEnv(rx.url, { TRACEPARENT, OTEL_SERVICE_NAME: 'config-prod', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=ops', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret%20key' });

    const snap = await runCli(['snapshot', '-m', 'version 3', '--json'], { cwd: dir, env });
    expect(snap.stderr).toBe('');
    expect(snap.code).toBe(0);
    const made = JSON.parse(snap.stdout) as { commit: string; changeId: string };
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(made.commit);
    const snapshotSpans = [...rx.spans];
    const root = byName(snapshotSpans, 'cfgtrail snapshot');
    expect(root).toMatchObject({ traceId: PARENT_TRACE, parentSpanId: PARENT_SPAN, status: { code: 0 } });
    expect(root.attributes).toMatchObject({ 'process.exit.code': 0, 'process.executable.name': 'cfgtrail', 'cfgtrail.command': 'snapshot', 'process.pid': expect.any(Number) });
    expect(root.resource).toMatchObject({ 'service.name': 'config-prod', 'service.version': expect.any(String), 'deployment.environment.name': 'prod', team: 'ops' });
    const span = byName(snapshotSpans, 'snapshot');
    expect(span.parentSpanId).toBe(root.spanId);
    expect(span.attributes).toMatchObject({ 'config.commit': made.commit, 'config.change_id': made.changeId, 'config.file': ['c.yaml'], 'config.file.count': 1 });
    expect(rx.requests[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
    expect(rx.requests[0]!.headers['x-api-key']).toBe('s3cret key');

    writeFileSync(join(dir, 'c.yaml'), 'v: 4\n'); // drift: snapshotted first
    rx.spans.length = 0;
    const rb = await runCli(['rollback', v1, '--yes', '-m', 'bad pool'], { cwd: dir, env });
    expect(rb.stderr).toBe('');
    expect(rb.code).toBe(0);
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    const pre = gitIn(store, ['rev-parse', 'HEAD~1']).trim();
    const spans = rx.spans;
    const rbRoot = byName(spans, 'cfgtrail rollback');
    expect(rbRoot).toMatchObject({ traceId: PARENT_TRACE, parentSpanId: PARENT_SPAN, status: { code: 0 } });
    expect(rbRoot.attributes).toMatchObject({
      'process.exit.code': 0, 'config.rollback.target': v1, 'config.commit': head, 'config.rollback.pre_snapshot': pre,
      'config.change_id': gitIn(store, ['log', '-1', '--format=%(trailers:key=Change-Id,valueonly)']).trim(),
      'config.rollback.undone': expect.arrayContaining([made.changeId]), 'config.file': ['c.yaml'],
    });
    expect(childrenOf(spans, rbRoot)).toEqual(['rollback.plan', 'rollback.drift-snapshot', 'rollback.write', 'rollback.commit']);
    expect(byName(spans, 'rollback.plan').attributes['config.rollback.target']).toBe(v1);
    expect(byName(spans, 'rollback.drift-snapshot').attributes['cfgtrail.detail']).toBe(pre.slice(0, 7));
    expect(spans.every((s) => s.traceId === PARENT_TRACE)).toBe(true);
  });

  it('traces restart and verify; a failed check fails its span and the command span (exit 12)', async () => {
    const rx = await startReceiver();
    // A health check whose URL holds a password (nothing listens on port 1): the span's message must not carry it.
    const settings = ['services:', '  - name: app', '    files: ["c.yaml"]', '    restart: { command: ["true"] }', '    timeout: 20s',
      '    health: [{ http: "http://admin:hunter2@127.0.0.1:1/health", retries: 0, timeout: 1s }]', ''].join('\n');
    const { dir, v1 } = twoVersions(settings);
    const r = await runCli(['rollback', v1, '--yes'], { cwd: dir, env: otlpEnv(rx.url) });
    expect(r.code).toBe(12);
    const root = byName(rx.spans, 'cfgtrail rollback');
    expect(root.parentSpanId).toBe(''); // no TRACEPARENT: a new trace
    expect(root.status.code).toBe(2);
    expect(root.attributes).toMatchObject({ 'process.exit.code': 12, 'error.type': 'VERIFY_FAILED', 'config.verification.success': false, 'config.restart.success': true });
    expect(childrenOf(rx.spans, root)).toEqual(['rollback.plan', 'rollback.write', 'rollback.commit', 'restart', 'verify', 'verification.record']);
    const restart = byName(rx.spans, 'restart');
    expect(restart.status.code).toBe(0);
    expect(restart.attributes).toMatchObject({ 'config.service.name': 'app', 'config.restart.kind': 'command', 'config.restart.success': true });
    const verify = byName(rx.spans, 'verify');
    expect(verify.status.code).toBe(2);
    expect(verify.attributes).toMatchObject({ 'config.service.name': 'app', 'config.verification.success': false, 'error.type': 'VERIFY_FAILED' });
    expect(verify.status.message).toMatch(/^http http:\/\/admin:<redacted>@127\.0\.0\.1:1\/health: /);
    expect(JSON.stringify(rx.spans)).not.toContain('hunter2');
  });

  it('verify and restart commands: one span per service under the command span, failures marked', async () => {
    const rx = await startReceiver();
    const { dir, store } = twoVersions(serviceSettings('echo no such program >&2; exit 7', 'true'));
    const verify = await runCli(['verify'], { cwd: dir, env: otlpEnv(rx.url) });
    expect(verify.code).toBe(0);
    const vRoot = byName(rx.spans, 'cfgtrail verify');
    expect(vRoot.attributes).toMatchObject({ 'process.exit.code': 0, 'config.verification.success': true, 'config.verification.result': 'passed' });
    expect(childrenOf(rx.spans, vRoot)).toEqual(['verify', 'verification.record']);
    expect(byName(rx.spans, 'verification.record').attributes['config.commit']).toBe(gitIn(store, ['rev-parse', 'HEAD']).trim());
    rx.spans.length = 0;
    const restart = await runCli(['restart', 'app'], { cwd: dir, env: otlpEnv(rx.url) });
    expect(restart.code).toBe(11);
    const rRoot = byName(rx.spans, 'cfgtrail restart');
    expect(rRoot.attributes).toMatchObject({ 'process.exit.code': 11, 'error.type': 'RESTART_FAILED' });
    const span = byName(rx.spans, 'restart');
    expect(span.parentSpanId).toBe(rRoot.spanId);
    expect(span).toMatchObject({ status: { code: 2 }, attributes: { 'config.service.name': 'app', 'config.restart.success': false, 'config.restart.exit_code': 7, 'error.type': 'RESTART_FAILED' } });
  });

  it('an error exit marks the span that threw and the command span with the error code', async () => {
    const rx = await startReceiver();
    const { dir } = twoVersions();
    const r = await runCli(['rollback', 'no-such-rev', '--yes'], { cwd: dir, env: otlpEnv(rx.url) });
    expect(r.code).toBe(4);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1); // the error line only
    const root = byName(rx.spans, 'cfgtrail rollback');
    expect(root.attributes).toMatchObject({ 'process.exit.code': 4, 'error.type': 'UNKNOWN_REV' });
    const plan = byName(rx.spans, 'rollback.plan');
    expect(plan.parentSpanId).toBe(root.spanId);
    expect(plan.status.code).toBe(2);
    expect(plan.attributes['error.type']).toBe('UNKNOWN_REV');
  });

  it('Ctrl-C of a rollback during its restart: exit 130, and the spans it had, the open ones failed, still arrive', async () => {
    const rx = await startReceiver();
    const marker = join(tempDir('cfgtrail-otel-mark-'), 'restarting');
    const { dir, store, v1 } = twoVersions(serviceSettings(`touch '${marker}'; sleep 5`, 'true'));
    let kill: (s: NodeJS.Signals) => void = () => {};
    const run = runCli(['rollback', v1, '--yes'], { cwd: dir, env: otlpEnv(rx.url, { TRACEPARENT }), onSpawn: (k) => (kill = k) });
    await until(() => { try { return readFileSync(marker) !== null; } catch { return false; } });
    kill('SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^cfgtrail: interrupted after the rollback commit .{7} was recorded/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1); // no tracing warning
    const root = byName(rx.spans, 'cfgtrail rollback');
    expect(root).toMatchObject({ parentSpanId: PARENT_SPAN, status: { code: 2 } });
    expect(root.attributes).toMatchObject({ 'process.exit.code': 130, 'error.type': 'INTERRUPTED', 'config.rollback.target': v1 });
    expect(childrenOf(rx.spans, root)).toEqual(['rollback.plan', 'rollback.write', 'rollback.commit', 'restart']);
    expect(byName(rx.spans, 'rollback.commit').attributes['cfgtrail.detail']).toBe(gitIn(store, ['rev-parse', '--short=7', 'HEAD']).trim());
    expect(byName(rx.spans, 'restart')).toMatchObject({ status: { code: 2 }, attributes: { 'error.type': 'INTERRUPTED' } });
  });
});

describe('tracing a revert and the launcher', () => {
  it('revert: revert.plan names the change undone; the rollback phases and the new commit are on the command span', async () => {
    const rx = await startReceiver();
    const { dir, store } = twoVersions();
    const reverted = gitIn(store, ['rev-parse', 'HEAD']).trim();
    const changeId = gitIn(store, ['log', '-1', '--format=%(trailers:key=Change-Id,valueonly)']).trim();
    const r = await runCli(['revert', 'HEAD', '--yes'], { cwd: dir, env: otlpEnv(rx.url) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const root = byName(rx.spans, 'cfgtrail revert');
    expect(childrenOf(rx.spans, root)).toEqual(['revert.plan', 'rollback.write', 'rollback.commit']);
    expect(byName(rx.spans, 'revert.plan').attributes).toMatchObject({ 'config.revert.commit': reverted, 'config.revert.change_id': changeId, 'config.revert.conflicts': 0, 'config.file': ['c.yaml'] });
    expect(byName(rx.spans, 'revert.plan').attributes['config.rollback.target']).toBeUndefined();
    expect(root.attributes).toMatchObject({ 'process.exit.code': 0, 'config.commit': gitIn(store, ['rev-parse', 'HEAD']).trim() });
    expect(readFileSync(join(dir, 'c.yaml'), 'utf8')).toBe('v: 1\n');
  });

  it('with an endpoint set, the launcher keeps NODE_EXTRA_CA_CERTS even for commands it otherwise starts without it', () => {
    const { dir } = twoVersions();
    // Node warns about a CA file that does not exist: that shows whether the variable reached it.
    const direct = (env: NodeJS.ProcessEnv) => spawnSync(BIN, ['log', '-n', '1'], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem', ...env }, encoding: 'utf8' });
    expect(direct({}).stderr).toBe('');
    const traced = direct({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1/v1/traces', OTEL_EXPORTER_OTLP_TIMEOUT: '300' });
    expect(traced.status).toBe(0);
    expect(traced.stderr).toContain('Ignoring extra certs');
  });
});

describe('tracing transport', () => {
  it('sends protobuf by default (the specification default) and honours OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as the full URL', async () => {
    const rx = await startReceiver();
    const { dir } = twoVersions();
    writeFileSync(join(dir, 'c.yaml'), 'v: 3\n');
    const r = await runCli(['snapshot', '-m', 'three'], { cwd: dir, env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${rx.url}/custom/path`, TRACEPARENT } });
    expect(r.code).toBe(0);
    expect(rx.requests.map((q) => [q.path, q.contentType])).toEqual([['/custom/path', 'application/x-protobuf']]);
    const root = byName(rx.spans, 'cfgtrail snapshot');
    expect(root).toMatchObject({ traceId: PARENT_TRACE, parentSpanId: PARENT_SPAN });
    expect(byName(rx.spans, 'snapshot')).toMatchObject({ parentSpanId: root.spanId, attributes: { 'config.commit': gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim() } });
    expect(root.resource['service.name']).toBe('cfgtrail');
  });

  it('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none send nothing; an unsupported protocol warns once', async () => {
    const rx = await startReceiver();
    const { dir } = twoVersions();
    for (const extra of [{ OTEL_SDK_DISABLED: 'true' }, { OTEL_TRACES_EXPORTER: 'none' }]) {
      const r = await runCli(['log', '-n', '1'], { cwd: dir, env: otlpEnv(rx.url, extra) });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    }
    const grpc = await runCli(['log', '-n', '1'], { cwd: dir, env: otlpEnv(rx.url, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }) });
    expect(grpc.code).toBe(0);
    expect(grpc.stderr).toBe('cfgtrail: warning: OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported (use http/protobuf or http/json): no traces sent\n');
    expect(rx.requests).toEqual([]);
    // The positive control: the same receiver hears a traced run.
    expect((await runCli(['log', '-n', '1'], { cwd: dir, env: otlpEnv(rx.url) })).code).toBe(0);
    expect(rx.spans.map((s) => s.name)).toEqual(['cfgtrail log']);
  });

  it('an unreachable collector changes no exit code and costs at most the bounded timeout, with one warning line', async () => {
    const hung = await startBlackhole();
    const refused = 'http://127.0.0.1:1'; // nothing listens on port 1: connection refused
    const { dir, v1 } = twoVersions();
    const plain = await runCli(['rollback', v1, '--yes', '--no-restart', '--no-verify'], { cwd: dir, env: {} });
    expect(plain.code).toBe(0);
    for (const [url, timeout] of [[hung, 800], [refused, 800]] as const) {
      writeFileSync(join(dir, 'c.yaml'), `v: ${url}\n`);
      const r = await runCli(['rollback', 'HEAD~1', '--yes', '--no-restart', '--no-verify'], { cwd: dir, env: otlpEnv(url, { OTEL_EXPORTER_OTLP_TIMEOUT: String(timeout) }) });
      expect(r.code).toBe(0);
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^cfgtrail: warning: could not send traces to ${url.replace(/[.]/g, '\\.')}/v1/traces: `));
      // The command's own time (a plain run's, generously) plus the bound, never the exporter's 10 s default.
      expect(r.ms).toBeLessThan(plain.ms * 3 + timeout + 1500);
    }
    // A hung collector after Ctrl-C: the exit path is bounded too.
    const marker = join(tempDir('cfgtrail-otel-mark-'), 'restarting');
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), serviceSettings(`touch '${marker}'; sleep 5`, 'true'));
    writeFileSync(join(dir, 'c.yaml'), 'v: hung\n');
    let kill: (s: NodeJS.Signals) => void = () => {};
    const run = runCli(['rollback', 'HEAD~1', '--yes'], { cwd: dir, env: otlpEnv(hung, { OTEL_EXPORTER_OTLP_TIMEOUT: '800' }), onSpawn: (k) => (kill = k) });
    await until(() => { try { return readFileSync(marker) !== null; } catch { return false; } });
    const t0 = performance.now();
    kill('SIGTERM');
    const r = await run;
    expect(r.code).toBe(143);
    expect(performance.now() - t0).toBeLessThan(800 + 1500);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^cfgtrail: stopped by SIGTERM after the rollback commit/), `cfgtrail: warning: could not send traces to ${hung}/v1/traces: timed out after 800 ms`]);
  });

  it('hostile input: a malformed TRACEPARENT starts a new trace, a parent not sampled sends nothing, bad headers and a 500 only warn', async () => {
    const rx = await startReceiver();
    const { dir } = twoVersions();
    for (const bad of ['garbage', `00-${'0'.repeat(32)}-${PARENT_SPAN}-01`, `ff-${PARENT_TRACE}-${PARENT_SPAN}-01`, `00-${PARENT_TRACE}-${PARENT_SPAN}-01\n00-x`, `00-${PARENT_TRACE.toUpperCase()}-${PARENT_SPAN}-01`]) {
      rx.spans.length = 0;
      const r = await runCli(['log', '-n', '1'], { cwd: dir, env: otlpEnv(rx.url, { TRACEPARENT: bad, OTEL_EXPORTER_OTLP_HEADERS: '=,,novalue,x-a=%E0%A4%A' }) });
      expect({ bad, code: r.code, stderr: r.stderr }).toEqual({ bad, code: 0, stderr: '' });
      const root = byName(rx.spans, 'cfgtrail log');
      expect({ bad, parent: root.parentSpanId }).toEqual({ bad, parent: '' });
      expect(root.traceId).not.toBe(PARENT_TRACE);
    }
    const before = rx.requests.length;
    const unsampled = await runCli(['log', '-n', '1'], { cwd: dir, env: otlpEnv(rx.url, { TRACEPARENT: `00-${PARENT_TRACE}-${PARENT_SPAN}-00` }) });
    expect({ code: unsampled.code, stderr: unsampled.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rx.requests.length).toBe(before);

    const failing = await startFailingReceiver(500);
    const r = await runCli(['log', '-n', '1'], { cwd: dir, env: otlpEnv(failing, { OTEL_EXPORTER_OTLP_TIMEOUT: '800' }) });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^cfgtrail: warning: could not send traces to ${failing.replace(/[.]/g, '\\.')}/v1/traces: .*\n$`));
  });

  it('without the environment the SDK bundle is never opened (strace), with it it is', () => {
    const { dir } = twoVersions();
    const opened = (env: NodeJS.ProcessEnv) => {
      const trace = join(tempDir('cfgtrail-otel-strace-'), 'trace');
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat,open', '-o', trace, process.execPath, BIN, 'log', '-n', '1'], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8' });
      expect(r.status).toBe(0);
      return readFileSync(trace, 'utf8').includes('otel-sdk.cjs');
    };
    expect(opened({})).toBe(false);
    // Port 1 refuses at once: this run only shows that the bundle is what tracing loads.
    expect(opened({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_EXPORTER_OTLP_TIMEOUT: '300' })).toBe(true);
  });
});
