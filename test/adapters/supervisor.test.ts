import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createHealthProbe } from '../../src/adapters/health-probe.js';
import { realClock } from '../../src/adapters/real-clock.js';
import { createServiceControl } from '../../src/adapters/service-control.js';
import { verifyServices } from '../../src/ops/health.js';
import { restartServices } from '../../src/ops/restart.js';
import { validateServices } from '../../src/ops/services-config.js';
import { SAMPLE_SERVER, badConfig, freePort, goodConfig, writeSampleConfig } from '../helpers/sample-service.js';
import { hasSupervisord, startSupervisord } from '../helpers/supervisord.js';

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'cfgtrail-svc-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();
  const configPath = join(dir, 'config.yaml');
  await writeSampleConfig(configPath, goodConfig(port));
  const sv = await startSupervisord([{ name: 'sample', command: [process.execPath, SAMPLE_SERVER, '--config', configPath] }]);
  onTestFinished(() => sv.stop());
  const [service] = validateServices(
    [{
      name: 'sample', files: ['config.yaml'], timeout: '8s',
      restart: { supervisor: { program: 'sample', config: sv.confPath } },
      health: [{ http: `http://127.0.0.1:${port}/health`, timeout: '1s', retries: 4 }],
    }],
    { file: 'settings.yaml' },
  );
  return { dir, port, configPath, sv, service: service! };
}

async function samplePid(sv: { ctl(a: string[]): Promise<{ stdout: string }> }): Promise<number> {
  return Number((await sv.ctl(['pid', 'sample'])).stdout.trim());
}

describe.skipIf(!hasSupervisord)('supervisor restart under a real supervisord', () => {
  test('restarts the program (new pid) and its http health passes', async () => {
    const { sv, service } = await setup();
    const before = await samplePid(sv);
    const report = await restartServices([service], { control: createServiceControl() });
    expect(report.ok, report.results[0]?.result.message).toBe(true);
    expect(report.results[0]?.result.command).toEqual(['supervisorctl', '-c', sv.confPath, 'restart', 'sample']);
    const after = await samplePid(sv);
    expect(after).toBeGreaterThan(0);
    expect(after).not.toBe(before);
    const verify = await verifyServices([service], { probe: createHealthProbe(), clock: realClock });
    expect(verify.ok).toBe(true);
    expect(verify.services[0]?.checks[0]?.message).toContain(': 200');
  });

  test('with a bad config the restart succeeds but health fails after its retries, saying why', async () => {
    const { sv, service, configPath, port } = await setup();
    await writeSampleConfig(configPath, badConfig(port));
    const report = await restartServices([service], { control: createServiceControl() });
    expect(report.ok).toBe(true);
    const events: string[] = [];
    const verify = await verifyServices([service], { probe: createHealthProbe(), clock: realClock, onEvent: (e) => events.push(e.phase) });
    expect(verify.ok).toBe(false);
    expect(verify.failed).toEqual(['sample']);
    const check = verify.services[0]!.checks[0]!;
    expect(check.attempts).toBe(service.health[0]!.retries + 1);
    expect(check.message).toMatch(/status 500, expected 2xx.*pool_max 5000 is outside 1\.\.1000/);
    expect(events.filter((p) => p === 'check-attempt')).toHaveLength(check.attempts);
    expect((await sv.ctl(['status', 'sample'])).stdout).toMatch(/RUNNING/);
  });

  test('a config the service cannot parse makes the restart itself fail with supervisor\'s error', async () => {
    const { service, configPath } = await setup();
    await writeSampleConfig(configPath, 'this is not yaml key value\n');
    const report = await restartServices([service], { control: createServiceControl() });
    expect(report.ok).toBe(false);
    const result = report.results[0]!.result;
    expect(result.message).toMatch(/sample: ERROR \(spawn error\)/);
  });

  test('an unknown program is a failed result', async () => {
    const { sv } = await setup();
    const [service] = validateServices(
      [{ name: 'ghost', files: ['x'], restart: { supervisor: 'ghost', supervisorctl: ['-c', sv.confPath] } }],
      { file: 'settings.yaml' },
    );
    const report = await restartServices([service!], { control: createServiceControl() });
    expect(report.ok).toBe(false);
    expect(report.results[0]!.result.message).toMatch(/ghost: ERROR \(no such process\)/);
  });
});
