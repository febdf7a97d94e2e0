import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { createServiceControl } from '../../src/adapters/service-control.js';
import { judgeState, stateCommand, type StatefulSpec } from '../../src/adapters/service-state.js';
import { type ServiceConfig, validateServices } from '../../src/ops/services-config.js';
import { fakeTool } from '../helpers/fake-tool.js';
import { hasSupervisord, type Supervisord, startSupervisord } from '../helpers/supervisord.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cfgtrail-state-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function service(restart: unknown, timeout = '10s'): ServiceConfig {
  return validateServices([{ name: 'app', files: ['*.yaml'], restart, timeout }], { file: 'settings.yaml' })[0]!;
}

/** Exits 0 at once the first time (supervisord: EXITED), stays up once `marker` exists. */
const EXIT_ONCE = 'const fs = require("fs"); if (fs.existsSync(process.argv[1])) setInterval(() => {}, 1e6); else fs.writeFileSync(process.argv[1], "")';

describe.skipIf(!hasSupervisord)('supervisor restarts are judged by the state supervisord reports (real supervisord)', () => {
  let sv: Supervisord;
  let markerDir: string;
  beforeAll(async () => {
    markerDir = await mkdtemp(join(tmpdir(), 'cfgtrail-state-marker-'));
    sv = await startSupervisord([
      { name: 'up', command: ['sleep', '1000'] },
      { name: 'stopped', command: ['sleep', '1000'] },
      { name: 'exited', command: [process.execPath, '-e', EXIT_ONCE, join(markerDir, 'ran')], startsecs: 0, autorestart: false, settled: ['EXITED'] },
      // startsecs 10, not 1: on a busy machine supervisord may reap `false` more than 1 s after
      // spawning it, count it as started, and call it EXITED (seen here under load).
      { name: 'fatal', command: ['false'], startsecs: 10, startretries: 0, settled: ['FATAL'] },
    ]);
  }, 30_000);
  afterAll(async () => {
    await sv?.stop();
    await rm(markerDir, { recursive: true, force: true });
  });

  const restart = (program: string) => createServiceControl().restart(service({ supervisor: { program, config: sv.confPath } }));
  const stateOf = async (program: string) => (await sv.ctl(['status', program])).stdout.trim().split(/\s+/)[1];

  test('RUNNING before: ok, and RUNNING after', async () => {
    const result = await restart('up');
    expect(result.ok, result.message).toBe(true);
    expect(result.state).toBe('RUNNING');
    expect(result.message).toMatch(/restart up: ok, program up is RUNNING: pid \d+/);
  });

  test('STOPPED before: supervisorctl says "ERROR (not running)" then "started"; the restart is ok', async () => {
    expect((await sv.ctl(['stop', 'stopped'])).exitCode).toBe(0);
    expect(await stateOf('stopped')).toBe('STOPPED');
    const result = await restart('stopped');
    expect(result.stdout).toBe('stopped: ERROR (not running)\nstopped: started\n');
    expect(result.exitCode).toBe(0);
    expect(result.ok, result.message).toBe(true);
    expect(result.state).toBe('RUNNING');
    expect(await stateOf('stopped')).toBe('RUNNING');
  });

  test('EXITED before (exited by itself, autorestart=false): the restart is ok', async () => {
    expect(await stateOf('exited')).toBe('EXITED');
    const result = await restart('exited');
    expect(result.stdout).toMatch(/exited: ERROR \(not running\)\nexited: started/);
    expect(result.ok, result.message).toBe(true);
    expect(result.state).toBe('RUNNING');
  });

  test('a program that cannot start ends FATAL: failed, and the message names the state and why', async () => {
    const result = await restart('fatal');
    expect(result.ok).toBe(false);
    expect(result.state).toBe('FATAL');
    expect(result.message).toMatch(/restart fatal: exit \d+: fatal: ERROR \(spawn error\); program fatal is FATAL: Exited too quickly/);
    expect(await stateOf('fatal')).toBe('FATAL');
  });
});

// systemd and docker cannot run on these machines (no systemd as PID 1, no
// docker daemon): their state checks run against fake binaries, small scripts
// in a temp dir passed through the adapter's `binaries` overrides.
describe('systemd and docker state checks (fake binaries)', () => {
  test.each([
    ['restart', 'restart'],
    ['reload', 'reload'],
  ])('systemd %s that exits 0 but leaves the unit failed is a failure', async (action) => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'systemctl', { [action]: [{}], 'is-active': [{ stdout: 'failed', exit: 3 }] });
    const result = await createServiceControl({ binaries: { systemctl: tool.path } }).restart(service({ systemd: 'x.service', action }));
    expect(result).toMatchObject({ ok: false, state: 'failed', exitCode: 0 });
    expect(result.message).toBe(`${tool.path} ${action} x.service: exit 0, but unit x.service is failed`);
    expect(await tool.calls()).toEqual([`${action} x.service`, 'is-active x.service']);
  });

  test('systemd: activating is asked again until active', async () => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'systemctl', { restart: [{}], 'is-active': [{ stdout: 'activating', exit: 3 }, { stdout: 'activating', exit: 3 }, { stdout: 'active' }] });
    const result = await createServiceControl({ binaries: { systemctl: tool.path } }).restart(service({ systemd: 'x.service' }));
    expect(result.ok, result.message).toBe(true);
    expect(result.message).toBe(`${tool.path} restart x.service: ok, unit x.service is active`);
    expect(await tool.calls()).toEqual(['restart x.service', 'is-active x.service', 'is-active x.service', 'is-active x.service']);
  });

  test('systemd: still activating when the service timeout ends is a failure that says so', async () => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'systemctl', { restart: [{}], 'is-active': [{ stdout: 'activating', exit: 3 }] });
    const result = await createServiceControl({ binaries: { systemctl: tool.path } }).restart(service({ systemd: 'x.service' }, '1500ms'));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/restart x\.service: unit x\.service is activating still after the service timeout \(\d+ms\)$/);
    expect(result.durationMs).toBeLessThan(5_000);
  });

  test('docker: a container that is not running after the restart is a failure naming its status', async () => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'docker', { restart: [{ stdout: 'web' }], inspect: [{ stdout: 'false exited' }] });
    const result = await createServiceControl({ binaries: { docker: tool.path } }).restart(service({ docker: 'web' }));
    expect(result).toMatchObject({ ok: false, state: 'exited' });
    expect(result.message).toBe(`${tool.path} restart web: exit 0, but container web is not running (exited)`);
    expect(await tool.calls()).toEqual(['restart web', 'inspect -f {{.State.Running}} {{.State.Status}} web']);
  });

  test('docker: running is ok', async () => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'docker', { restart: [{ stdout: 'web' }], inspect: [{ stdout: 'true running' }] });
    const result = await createServiceControl({ binaries: { docker: tool.path } }).restart(service({ docker: 'web' }));
    expect(result).toMatchObject({ ok: true, state: 'running', message: `${tool.path} restart web: ok, container web is running` });
  });

  test('supervisor: STARTING is asked again until RUNNING, and RUNNING once more after the settle time', async () => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'supervisorctl', {
      restart: [{ stdout: 'app: ERROR (not running)\napp: started' }],
      status: [{ stdout: 'app                              STARTING  ', exit: 3 }, { stdout: 'app                              RUNNING   pid 7, uptime 0:00:01' }],
    });
    const result = await createServiceControl({ binaries: { supervisorctl: tool.path }, settleMs: 50 }).restart(service({ supervisor: 'app' }));
    expect(result.ok, result.message).toBe(true);
    expect(await tool.calls()).toEqual(['restart app', 'status app', 'status app', 'status app']);
  });

  test('a restart command that exits non-zero still fails, whatever the state', async () => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'systemctl', { restart: [{ stderr: 'Job for x.service failed.', exit: 1 }], 'is-active': [{ stdout: 'active' }] });
    const result = await createServiceControl({ binaries: { systemctl: tool.path } }).restart(service({ systemd: 'x.service' }));
    expect(result.ok).toBe(false);
    expect(result.message).toBe(`${tool.path} restart x.service: exit 1: Job for x.service failed.`);
    expect(await tool.calls()).toEqual(['restart x.service']);
  });
});

describe('judgeState (pure)', () => {
  const sup: StatefulSpec = { kind: 'supervisor', program: 'app', ctlArgs: ['-c', '/etc/sv.conf'] };
  const sysd: StatefulSpec = { kind: 'systemd', unit: 'x.service', action: 'reload' };
  const dock: StatefulSpec = { kind: 'docker', container: 'web' };
  const bin = { supervisorctl: 'supervisorctl', systemctl: 'systemctl', docker: 'docker' };

  test('state commands', () => {
    expect(stateCommand(sup, bin)).toEqual(['supervisorctl', '-c', '/etc/sv.conf', 'status', 'app']);
    expect(stateCommand(sysd, bin)).toEqual(['systemctl', 'is-active', 'x.service']);
    expect(stateCommand(dock, bin)).toEqual(['docker', 'inspect', '-f', '{{.State.Running}} {{.State.Status}}', 'web']);
  });

  test.each([
    [sup, 'app                              RUNNING   pid 1, uptime 0:00:01\n', 0, 'ok', 'RUNNING'],
    [sup, 'app                              STARTING  \n', 3, 'wait', 'STARTING'],
    [sup, 'app                              FATAL     Exited too quickly (process log may have details)\n', 3, 'failed', 'FATAL'],
    [sup, 'app                              EXITED    Nov 29 07:21 PM\n', 3, 'failed', 'EXITED'],
    [sup, 'app                              STOPPED   Nov 29 07:21 PM\n', 3, 'failed', 'STOPPED'],
    [sup, 'app                              BACKOFF   Exited too quickly (process log may have details)\n', 3, 'failed', 'BACKOFF'],
    [sup, 'web:a                            RUNNING   pid 1, uptime 0:00:01\nweb:b                            FATAL     x\n', 3, 'failed', 'FATAL'],
    [sup, 'app: ERROR (no such process)\n', 4, 'failed', ''],
    [sysd, 'active\n', 0, 'ok', 'active'],
    [sysd, 'reloading\n', 3, 'wait', 'reloading'],
    [sysd, 'inactive\n', 3, 'failed', 'inactive'],
    [dock, 'true running\n', 0, 'ok', 'running'],
    [dock, 'true restarting\n', 0, 'wait', 'restarting'],
    [dock, 'false exited\n', 0, 'failed', 'exited'],
    [dock, '', 1, 'failed', ''],
  ] as const)('%#: %j says %j', (spec, stdout, exitCode, outcome, state) => {
    expect(judgeState(spec, { stdout, stderr: '', exitCode })).toMatchObject({ outcome, state });
  });

  test('messages name the state and the tail of the status line', () => {
    expect(judgeState(sup, { stdout: 'app   FATAL     Exited too quickly (process log may have details)\n', stderr: '', exitCode: 3 }).message)
      .toBe('program app is FATAL: Exited too quickly (process log may have details)');
    expect(judgeState(sup, { stdout: 'app: ERROR (no such process)\n', stderr: '', exitCode: 4 }).message)
      .toBe('no state for program app: app: ERROR (no such process)');
    expect(judgeState(dock, { stdout: '', stderr: 'Error: No such object: web\n', exitCode: 1 }).message)
      .toBe('no state for container web: Error: No such object: web');
  });
});
