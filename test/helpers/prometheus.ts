/**
 * Real Prometheus and Alertmanager (Debian's `prometheus` and
 * `prometheus-alertmanager`, see scripts/test-deps.sh) on 127.0.0.1 with temp
 * data dirs and 1 s intervals. Stopped when the test ends.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir } from './cli.js';
import { freePort } from './sample-service.js';

function binary(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export const PROMETHEUS = binary('prometheus');
export const ALERTMANAGER = binary('prometheus-alertmanager') ?? binary('alertmanager');

/** Starts `argv`, waits until `readyUrl` answers 200 (or throws with the program's output); killed at the test's end. */
async function startReady(argv: string[], readyUrl: string): Promise<void> {
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  onTestFinished(() => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  }));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${argv[0]} exited ${child.exitCode}: ${out.slice(-2000)}`);
    const ok = await fetch(readyUrl).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${argv[0]} not ready within 30 s: ${out.slice(-2000)}`);
}

/**
 * Prometheus scraping `target` (host:port) every second as job `sample`; with
 * `rules` (a rule file's YAML) and `alertmanager` (host:port) it evaluates and sends alerts.
 * @returns its base URL
 */
export async function startPrometheus(target: string, opts: { rules?: string; alertmanager?: string } = {}): Promise<string> {
  const dir = tempDir('cfgtrail-prom-');
  const port = await freePort();
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `scrape_configs: [{ job_name: sample, static_configs: [{ targets: ["${target}"] }] }]`,
  ];
  if (opts.rules) {
    writeFileSync(join(dir, 'rules.yml'), opts.rules);
    config.push(`rule_files: ["${join(dir, 'rules.yml')}"]`);
  }
  if (opts.alertmanager) config.push(`alerting: { alertmanagers: [{ static_configs: [{ targets: ["${opts.alertmanager}"] }] }] }`);
  writeFileSync(join(dir, 'prometheus.yml'), `${config.join('\n')}\n`);
  await startReady([PROMETHEUS!, `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], `http://127.0.0.1:${port}/-/ready`);
  return `http://127.0.0.1:${port}`;
}

/**
 * Alertmanager that posts every notification (resolved too) to `webhookUrl`
 * with `Authorization: Bearer <token>`, grouping for 1 s.
 * @returns its host:port
 */
export async function startAlertmanager(webhookUrl: string, token: string): Promise<string> {
  const dir = tempDir('cfgtrail-am-');
  const port = await freePort();
  writeFileSync(join(dir, 'am.yml'), [
    'route: { receiver: cfgtrail, group_by: [alertname], group_wait: 1s, group_interval: 1s, repeat_interval: 1h }',
    'receivers:',
    '  - name: cfgtrail',
    `    webhook_configs: [{ url: "${webhookUrl}", send_resolved: true, http_config: { authorization: { type: Bearer, credentials: "${token}" } } }]`,
    '',
  ].join('\n'));
  await startReady([ALERTMANAGER!, `--config.file=${join(dir, 'am.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], `http://127.0.0.1:${port}/-/ready`);
  return `127.0.0.1:${port}`;
}

/** Requests to the sample's `/api` every 50 ms until the test ends: the traffic whose error rate is watched. */
export function keepTraffic(url: string): void {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await fetch(`${url}/api`).then((r) => r.arrayBuffer(), () => null);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  void loop();
  onTestFinished(() => { stopped = true; });
}

/** The value of an instant query (null when there is no single number). */
export async function queryValue(base: string, query: string): Promise<number | null> {
  const body = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data?: { result?: { value: [number, string] }[] } };
  const r = body.data?.result;
  return r && r.length === 1 ? Number(r[0]!.value[1]) : null;
}

/** The error rate of the sample's /api requests over the last 3 s. */
export const ERROR_RATE = 'sum(rate(http_requests_total{code=~"5.."}[3s])) / sum(rate(http_requests_total[3s]))';
