/**
 * A fleet of real instances for rollout tests: each one a sample service
 * (fixtures/sample-service) on its own port with its own config dir and
 * cfgtrail store, named `127.0.0.1:<port>` so that the rollout's
 * `http://{instance}/health` gate reaches it and the action finds its
 * directory as `<base>/{instance}`. Every instance's history is
 * "Good config" (Change-Id GOOD_ID, the rollout target) then a bad one
 * (pool_max out of range), live and unhealthy when the test starts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { BIN, cfgtrail, tempDir } from './cli.js';
import { badConfig, freePort, goodConfig, startSampleService, writeSampleConfig, type SampleService } from './sample-service.js';

export const GOOD_ID = 'I00000000000000aa';

export interface Instance { name: string; dir: string; store: string; svc: SampleService; pidfile: string }
export interface Fleet { base: string; control: string; instances: Instance[]; list: string }

/** Starts `n` instances (unhealthy, on the bad config) and a control store whose settings roll them back. */
export async function startFleet(n: number, rollout: { gateTimeout?: string; extra?: string[] } = {}): Promise<Fleet> {
  const base = tempDir('cfgtrail-fleet-');
  const instances: Instance[] = [];
  for (let k = 0; k < n; k++) instances.push(await startInstance(base));
  const control = join(base, 'control');
  mkdirSync(control);
  writeFileSync(join(control, 'fleet.txt'), '# the fleet\n');
  expect(cfgtrail(['init'], { cwd: control }).code).toBe(0);
  writeFileSync(join(control, '.cfgtrail', 'settings.yaml'), [
    'rollout:',
    `  action: ${JSON.stringify([process.execPath, BIN, '-C', `${base}/{instance}`, 'rollback', '{target}', '--yes', '--json'])}`,
    '  health:',
    '    - http: "http://{instance}/health"',
    '      timeout: 1s',
    '      retries: 2',
    `  gate_timeout: ${rollout.gateTimeout ?? '3s'}`,
    ...(rollout.extra ?? []),
    '',
  ].join('\n'));
  const list = join(control, 'instances.txt');
  writeFileSync(list, `${instances.map((i) => i.name).join('\n')}\n`);
  expect(cfgtrail(['snapshot', '-m', 'Fleet list'], { cwd: control }).code).toBe(0);
  return { base, control, instances, list };
}

async function startInstance(base: string): Promise<Instance> {
  const port = await freePort();
  const name = `127.0.0.1:${port}`;
  const dir = join(base, name);
  mkdirSync(dir);
  const config = join(dir, 'config.yaml');
  const pidfile = join(base, `${port}.pid`);
  await writeSampleConfig(config, goodConfig(port));
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  // Its own rollback restores the file and reloads the service (SIGHUP); the rollout's gate checks it.
  writeFileSync(join(store, 'settings.yaml'), [
    'services:',
    '  - name: sample',
    '    files: ["config.yaml"]',
    `    restart: { signal: HUP, pidfile: "${pidfile}" }`,
    '',
  ].join('\n'));
  expect(cfgtrail(['snapshot', '-m', 'Good config', '--change-id', GOOD_ID], { cwd: dir }).code).toBe(0);
  await writeSampleConfig(config, badConfig(port));
  expect(cfgtrail(['snapshot', '-m', 'Raise pool_max'], { cwd: dir }).code).toBe(0);
  const svc = await startSampleService({ configPath: config, port, pidfile });
  onTestFinished(async () => {
    try {
      process.kill(svc.pid, 'SIGCONT'); // a test may have frozen it
    } catch {
      // already gone
    }
    await svc.stop();
  });
  return { name, dir, store, svc, pidfile };
}

/** GET /health of an instance: its status code. */
export async function healthOf(i: Instance): Promise<number> {
  return (await fetch(`${i.svc.url}/health`)).status;
}

/** The JSON lines a non-terminal rollout prints. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
