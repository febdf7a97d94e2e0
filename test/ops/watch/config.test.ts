import { describe, expect, it } from 'vitest';
import { validateWatch } from '../../../src/ops/watch/config.js';
import { parseSettings } from '../../../src/core/store/settings.js';
import { caught } from '../../helpers/errors.js';

const ISSUE_EXAMPLE = `watch:
  interval: 10s
  breaches: 3
  grace: 30s
  cooldown: 5m
  max_rollbacks: 3
  no_data: ignore
  metrics:
    - name: error_rate
      prometheus: { url: http://127.0.0.1:9090, query: 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))' }
      max: 0.05
    - name: latency_p95_ms
      http: { url: http://127.0.0.1:8080/metrics.json, field: response_time }
      max: 1000
    - name: queue_depth
      command: ["/usr/local/bin/queue-depth"]
      max: 500
  alerts:
    - webhook: https://hooks.example.com/T000/B000
    - command: ["/usr/local/bin/page-oncall"]
`;

function load(text: string, services: string[] = ['myapp']) {
  const s = parseSettings(text, 'settings.yaml');
  return validateWatch(s.watch, { file: s.file, lineOf: s.lineOf }, services);
}

describe('validateWatch', () => {
  it("reads the issue's example exactly", () => {
    expect(load(ISSUE_EXAMPLE)).toEqual({
      intervalMs: 10_000, breaches: 3, graceMs: 30_000, cooldownMs: 300_000, maxRollbacks: 3, noData: 'ignore',
      metrics: [
        { name: 'error_rate', source: { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))' }, max: 0.05, timeoutMs: 5000 },
        { name: 'latency_p95_ms', source: { kind: 'http', url: 'http://127.0.0.1:8080/metrics.json', field: 'response_time' }, max: 1000, timeoutMs: 5000 },
        { name: 'queue_depth', source: { kind: 'command', argv: ['/usr/local/bin/queue-depth'] }, max: 500, timeoutMs: 10_000 },
      ],
      alerts: [{ kind: 'webhook', url: 'https://hooks.example.com/T000/B000', timeoutMs: 5000 }, { kind: 'command', argv: ['/usr/local/bin/page-oncall'], timeoutMs: 10_000 }],
      alertmanager: null,
    });
  });
  it('defaults when absent', () => {
    expect(load('')).toMatchObject({ intervalMs: 10_000, breaches: 3, graceMs: 30_000, cooldownMs: 300_000, maxRollbacks: 3, noData: 'ignore', metrics: [] });
  });
  it.each([
    ['watch:\n  interval: 10\n', /settings\.yaml:2: watch\.interval: /],
    ['watch:\n  no_data: skip\n', /watch\.no_data: /],
    ['watch:\n  breaches: 0\n', /watch\.breaches: /],
    ['watch:\n  metrics:\n    - { name: a, command: ["x"] }\n', /settings\.yaml:3: watch\.metrics\[0\]: metric 'a' needs max or min/],
    ['watch:\n  metrics:\n    - { name: a, command: ["x"], http: { url: "http://x", field: f }, max: 1 }\n', /exactly one of/],
    ['watch:\n  metrics:\n    - { name: a, http: { url: "ftp://x", field: f }, max: 1 }\n', /url/],
    ['watch:\n  metrics:\n    - { name: a, command: ["x"], max: 1 }\n    - { name: a, command: ["y"], max: 1 }\n', /duplicate metric name 'a'/],
    ['watch:\n  alerts:\n    - { webhook: "hooks.example.com" }\n', /webhook/],
    ['watch:\n  alertmanager: { match: [] }\n', /token_file or token_env/],
    ['watch:\n  alertmanager: { token_env: T, match: [{ labels: { job: a }, service: nope }] }\n', /no service named 'nope'/],
    ['watch:\n  colour: red\n', /watch\.colour: unknown key/],
    ['watch:\n  metrics:\n    - { name: e, prometheus: { url: "http://admin:S3cretPw@127.0.0.1:9090", query: up }, max: 1 }\n', /watch\.metrics\[0\]\.prometheus\.url: must not carry a user or password/],
    ['watch:\n  metrics:\n    - { name: e, http: { url: "https://tok@example.com/m.json", field: x }, max: 1 }\n', /watch\.metrics\[0\]\.http\.url: must not carry a user or password/],
    ['watch:\n  alerts:\n    - webhook: "https://u:p@hooks.example.com/x"\n', /watch\.alerts\[0\]\.webhook: must not carry a user or password/],
    // every value would be a breach: each new change rolled back
    ['watch:\n  metrics: [{ name: q, command: [q], min: 5, max: 1 }]\n', /watch\.metrics\[0\]\.min: must not be above max \(1\): every sample would be a breach/],
  ])('refuses %j', (text, message) => {
    const e = caught(() => load(text)) as { code: string; message: string };
    expect(e.code).toBe('BAD_SETTINGS');
    expect(e.message).toMatch(message);
    expect(e.message).not.toMatch(/S3cretPw|u:p@/); // the message never repeats the credentials
  });
  it('grace and cooldown may be zero; the interval may not', () => {
    expect(load('watch:\n  grace: 0ms\n  cooldown: 0.0m\n')).toMatchObject({ graceMs: 0, cooldownMs: 0 });
    expect((caught(() => load('watch:\n  interval: 0s\n')) as Error).message).toMatch(/watch\.interval: must be more than 0/);
    // a longer wait than a timer holds would be cut to 1 ms: a busy loop sampling every metric
    expect((caught(() => load('watch:\n  interval: 99999999999h\n')) as Error).message).toMatch(/watch\.interval: must be at most 596h/);
    expect((caught(() => load('watch:\n  metrics: [{ name: x, command: [a], max: 1, timeout: 600h }]\n')) as Error).message).toMatch(/watch\.metrics\[0\]\.timeout: must be at most 596h/);
    expect(load('watch:\n  interval: 596h\n')).toMatchObject({ intervalMs: 596 * 3_600_000 });
  });
  it('alertmanager: token source, label matches, body limit', () => {
    const w = load('watch:\n  alertmanager: { token_file: /etc/cfgtrail/am.token, match: [{ labels: { alertname: HighErrorRate }, service: myapp }] }\n');
    expect(w.alertmanager).toEqual({ tokenFile: '/etc/cfgtrail/am.token', match: [{ labels: { alertname: 'HighErrorRate' }, service: 'myapp' }], maxBody: 1_048_576 });
  });
});
