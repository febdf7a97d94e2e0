import { describe, expect, it } from 'vitest';
import { commandOf, DEFAULT_EXPORT_TIMEOUT_MS, exitCodeName, scrubSecrets, tracingConfig } from '../../src/cli/tracing.js';

describe('tracingConfig: what the OTEL_* variables ask for', () => {
  const E = 'http://127.0.0.1:4318';
  const table: [NodeJS.ProcessEnv, ReturnType<typeof tracingConfig>][] = [
    [{}, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, null],
    [{ OTEL_SERVICE_NAME: 'x', TRACEPARENT: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E }, { protocol: 'http/protobuf', timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS }],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${E}/v1/traces` }, { protocol: 'http/protobuf', timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { protocol: 'http/json', timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, { protocol: 'http/protobuf', timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_EXPORTER_OTLP_TIMEOUT: '500' }, { protocol: 'http/protobuf', timeoutMs: 500 }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_EXPORTER_OTLP_TIMEOUT: '500', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '700' }, { protocol: 'http/protobuf', timeoutMs: 700 }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }, { protocol: 'http/protobuf', timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_EXPORTER_OTLP_TIMEOUT: '-5' }, { protocol: 'http/protobuf', timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_SDK_DISABLED: 'TRUE' }, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_SDK_DISABLED: 'false' }, { protocol: 'http/protobuf', timeoutMs: DEFAULT_EXPORT_TIMEOUT_MS }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: E, OTEL_TRACES_EXPORTER: 'none' }, null],
  ];
  it.each(table)('%j -> %j', (env, want) => {
    const warnings: string[] = [];
    expect(tracingConfig(env, (l) => warnings.push(l))).toEqual(want);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'not a url'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'ftp://127.0.0.1:21'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://[::1'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '127.0.0.1:4318'],
  ])('%s=%s is one warning and no tracing (the exporter would send to localhost instead)', (name, value) => {
    const warnings: string[] = [];
    expect(tracingConfig({ [name]: value }, (l) => warnings.push(l))).toBe(null);
    expect(warnings).toEqual([`${name}=${value} is not an http:// or https:// URL: no traces sent`]);
  });

  it('an unsupported protocol is one warning and no tracing', () => {
    const warnings: string[] = [];
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, (l) => warnings.push(l))).toBe(null);
    expect(warnings).toEqual(['OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported (use http/protobuf or http/json): no traces sent']);
  });
});

describe('commandOf and exitCodeName: the root span name and error.type', () => {
  const names = ['log', 'rollback', 'snapshot'];
  it.each([
    [['rollback', '--previous'], 'rollback'],
    [['-C', 'log', 'snapshot', '-m', 'x'], 'snapshot'],
    [['--no-color', 'log'], 'log'],
    [['nosuch', 'log'], undefined],
    [['-C'], undefined],
    [[], undefined],
  ] as const)('%j -> %s', (argv, want) => {
    expect(commandOf([...argv], names)).toBe(want);
  });

  it('names exit codes after the ExitCode table', () => {
    expect([0, 4, 12, 130, 143, 99].map(exitCodeName)).toEqual(['OK', 'UNKNOWN_REV', 'VERIFY_FAILED', 'INTERRUPTED', 'TERMINATED', '99']);
  });
});

describe('scrubSecrets: error text leaving for a tracing backend', () => {
  it.each([
    ['GET http://admin:hunter2@127.0.0.1:8080/health: status 500', 'GET http://admin:<redacted>@127.0.0.1:8080/health: status 500'],
    ['could not send traces to http://u:p4ssw0rd@collector:4318/v1/traces: connect ECONNREFUSED', 'could not send traces to http://u:<redacted>@collector:4318/v1/traces: connect ECONNREFUSED'],
    ['restart of app failed: exit 1', 'restart of app failed: exit 1'],
  ])('%s', (text, want) => {
    expect(scrubSecrets(text)).toBe(want);
  });

  it('hides a bearer token and a password flag', () => {
    const out = scrubSecrets('command /bin/check --password=s3cr3t-pw: exit 1 Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl');
    expect(out).not.toContain('s3cr3t-pw');
    expect(out).not.toContain('eyJzdWIiOiIxIn0');
  });
});
