import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createServiceControl, restartSteps } from '../../src/adapters/service-control.js';
import { type ServiceConfig, validateServices } from '../../src/ops/services-config.js';
import { fakeTool } from '../helpers/fake-tool.js';
import { goodConfig, startSampleService, writeSampleConfig } from '../helpers/sample-service.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cfgtrail-ctl-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function service(restart: unknown, timeout = '10s'): ServiceConfig {
  return validateServices([{ name: 'app', files: ['*.yaml'], restart, timeout }], { file: 'settings.yaml' })[0]!;
}

/** A stand-in tool that logs its argv (one line per call) and then prints and exits as told. */
async function stubTool(dir: string, name: string, exitCode: number, output = ''): Promise<{ path: string; calls: () => Promise<string[]> }> {
  const path = join(dir, name);
  const log = join(dir, `${name}.log`);
  await writeFile(path, `#!/bin/sh\necho "$*" >> '${log}'\nprintf '%s\\n' '${output}'\nexit ${exitCode}\n`);
  await chmod(path, 0o755);
  return { path, calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean) };
}

// systemd, kubernetes and docker cannot run on these machines (no systemd as
// PID 1, no cluster, no docker daemon): their argv is checked as a table, and
// failure reporting with stand-in tools.
describe('restartSteps argv', () => {
  test.each([
    [{ systemd: 'nginx.service' }, [['systemctl', 'restart', 'nginx.service']]],
    [{ systemd: 'nginx.service', action: 'reload' }, [['systemctl', 'reload', 'nginx.service']]],
    [{ docker: 'myapp' }, [['docker', 'restart', 'myapp']]],
    [{ supervisor: 'myapp' }, [['supervisorctl', 'restart', 'myapp']]],
    [{ supervisor: 'myapp', supervisorctl: ['-s', 'unix:///tmp/s.sock'] }, [['supervisorctl', '-s', 'unix:///tmp/s.sock', 'restart', 'myapp']]],
    [{ supervisor: { program: 'myapp', config: '/etc/sv.conf' } }, [['supervisorctl', '-c', '/etc/sv.conf', 'restart', 'myapp']]],
    [{ command: ['/usr/local/bin/reload-myapp', '--fast'] }, [['/usr/local/bin/reload-myapp', '--fast']]],
    [{ kubernetes: { deployment: 'myapp', namespace: 'prod' } }, [
      ['kubectl', 'rollout', 'restart', 'deployment/myapp', '-n', 'prod'],
      ['kubectl', 'rollout', 'status', 'deployment/myapp', '-n', 'prod', '--timeout=10s'],
    ]],
    [{ kubernetes: { deployment: 'myapp' } }, [
      ['kubectl', 'rollout', 'restart', 'deployment/myapp'],
      ['kubectl', 'rollout', 'status', 'deployment/myapp', '--timeout=10s'],
    ]],
  ])('%j', (restart, expected) => {
    const s = service(restart);
    if (s.restart.kind === 'signal') throw new Error('not a program restart');
    expect(restartSteps(s.restart, s.timeoutMs)).toEqual(expected);
  });

  test('kubectl --timeout rounds the service timeout up to whole seconds', () => {
    const s = service({ kubernetes: { deployment: 'd' } }, '1500ms');
    if (s.restart.kind !== 'kubernetes') throw new Error('kind');
    expect(restartSteps(s.restart, s.timeoutMs)[1]?.at(-1)).toBe('--timeout=2s');
  });
});

describe('createServiceControl failures', () => {
  test.each([
    ['systemctl', { systemd: 'x.service' }],
    ['kubectl', { kubernetes: { deployment: 'x' } }],
    ['docker', { docker: 'x' }],
  ] as const)('a missing %s binary is a failed result naming it', async (tool, restart) => {
    const dir = await tempDir();
    const missing = join(dir, `no-${tool}`);
    const result = await createServiceControl({ binaries: { [tool]: missing } }).restart(service(restart));
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.message).toBe(`${missing} not found (ENOENT)`);
  });

  test('a non-zero exit is a failed result with the exit code and the tool\'s last words', async () => {
    const dir = await tempDir();
    const tool = await stubTool(dir, 'systemctl', 5, 'Failed to restart x.service: Unit x.service not found.');
    const result = await createServiceControl({ binaries: { systemctl: tool.path } }).restart(service({ systemd: 'x.service' }));
    expect(result).toMatchObject({ ok: false, exitCode: 5, command: [tool.path, 'restart', 'x.service'] });
    expect(result.message).toBe(`${tool.path} restart x.service: exit 5: Failed to restart x.service: Unit x.service not found.`);
    expect(await tool.calls()).toEqual(['restart x.service']);
  });

  test('kubernetes waits for the rollout after restarting it, and stops if the restart fails', async () => {
    const dir = await tempDir();
    const ok = await stubTool(dir, 'kubectl', 0, 'deployment.apps/web restarted');
    const s = service({ kubernetes: { deployment: 'web', namespace: 'prod' } }, '30s');
    const result = await createServiceControl({ binaries: { kubectl: ok.path } }).restart(s);
    expect(result.ok).toBe(true);
    expect(await ok.calls()).toEqual(['rollout restart deployment/web -n prod', 'rollout status deployment/web -n prod --timeout=30s']);
    const bad = await stubTool(dir, 'kubectl-bad', 1, 'error: deployments.apps "web" not found');
    const failed = await createServiceControl({ binaries: { kubectl: bad.path } }).restart(s);
    expect(failed.ok).toBe(false);
    expect(failed.message).toContain('deployments.apps "web" not found');
    expect(await bad.calls()).toEqual(['rollout restart deployment/web -n prod']);
  });

  test('supervisorctl that exits 0 is judged by `status`: an answer with no state is a failure', async () => {
    const dir = await tempDir();
    const tool = await stubTool(dir, 'supervisorctl', 0, 'app: ERROR (spawn error)');
    const result = await createServiceControl({ binaries: { supervisorctl: tool.path } }).restart(service({ supervisor: 'app' }));
    expect(result.ok).toBe(false);
    expect(result.message).toBe(`${tool.path} restart app: exit 0, but no state for program app: app: ERROR (spawn error)`);
    expect(await tool.calls()).toEqual(['restart app', 'status app']);
  });

  test('an abort while the program is still STARTING ends the wait at once and says so', async () => {
    const dir = await tempDir();
    const tool = await fakeTool(dir, 'supervisorctl', { restart: [{ stdout: 'app: started' }], status: [{ stdout: 'app   STARTING  ', exit: 3 }] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 600);
    const started = Date.now();
    const result = await createServiceControl({ binaries: { supervisorctl: tool.path } }).restart(service({ supervisor: 'app' }, '30s'), { signal: ac.signal });
    expect(result).toMatchObject({ ok: false, state: 'STARTING', message: `${tool.path} restart app: aborted while program app is STARTING` });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a restart command that outlives the service timeout is killed and reported', async () => {
    const result = await createServiceControl().restart(service({ command: ['sleep', '30'] }, '300ms'));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^sleep 30: timed out after \d+ms$/);
    expect(result.durationMs).toBeLessThan(5_000);
  });
});

describe('command and signal restarts (real)', () => {
  test('command restart runs the argv as given, without a shell', async () => {
    const dir = await tempDir();
    const out = join(dir, 'out.txt');
    const script = 'require("fs").writeFileSync(process.argv[1], process.argv.slice(2).join("|"))';
    const result = await createServiceControl().restart(service({ command: [process.execPath, '-e', script, out, '$(id)', 'a b'] }));
    expect(result.ok, result.message).toBe(true);
    expect(await readFile(out, 'utf8')).toBe('$(id)|a b');
  });

  test('signal restart sends SIGHUP to the pid in the pidfile and the service reloads its config', async () => {
    const dir = await tempDir();
    const configPath = join(dir, 'config.yaml');
    const pidfile = join(dir, 'app.pid');
    await writeSampleConfig(configPath, goodConfig());
    const svc = await startSampleService({ configPath, pidfile });
    onTestFinished(() => svc.stop());
    await writeSampleConfig(configPath, { ...goodConfig(), pool_max: 42 });
    const result = await createServiceControl().restart(service({ signal: 'HUP', pidfile }));
    expect(result).toMatchObject({ ok: true, command: ['kill', '-SIGHUP', String(svc.pid)] });
    let loaded: { loads: number; config: { pool_max: number } } = { loads: 0, config: { pool_max: 0 } };
    for (let i = 0; i < 50 && loaded.loads < 2; i++) {
      loaded = await (await fetch(`${svc.url}/config`)).json() as typeof loaded;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(loaded.loads).toBe(2);
    expect(loaded.config.pool_max).toBe(42);
  });

  test('a missing pidfile and a dead pid are clear failures', async () => {
    const dir = await tempDir();
    const pidfile = join(dir, 'gone.pid');
    const missing = await createServiceControl().restart(service({ signal: 'HUP', pidfile }));
    expect(missing).toMatchObject({ ok: false, message: `pidfile ${pidfile} not found (ENOENT)` });
    // A pid above the kernel's pid_max cannot belong to a process.
    await writeFile(pidfile, '4194305\n');
    const dead = await createServiceControl().restart(service({ signal: 'HUP', pidfile }));
    expect(dead.ok).toBe(false);
    expect(dead.message).toBe(`no process with pid 4194305 (from ${pidfile}): the service is not running`);
    await writeFile(pidfile, 'hello\n');
    const garbage = await createServiceControl().restart(service({ signal: 'HUP', pidfile }));
    expect(garbage.message).toMatch(/does not hold a process id/);
  });
});
