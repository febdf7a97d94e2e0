import { describe, expect, it, onTestFinished } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, git, tempDir } from '../helpers/cli.js';
import { hasSupervisord, startSupervisord } from '../helpers/supervisord.js';
import { badConfig, freePort, goodConfig, SAMPLE_SERVER, startSampleService, writeSampleConfig } from '../helpers/sample-service.js';

/** A config dir with the sample's config.yaml, a store, and one service entry in settings.yaml. */
async function setup(): Promise<{ dir: string; store: string }> {
  const dir = tempDir('cfgtrail-rbsvc-');
  await writeSampleConfig(join(dir, 'config.yaml'), goodConfig());
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  return { dir, store };
}

function writeServices(store: string, restart: string, port: number): void {
  writeFileSync(join(store, 'settings.yaml'), [
    'lock_timeout: 40',
    'services:',
    '  - name: sample',
    '    files: ["config.yaml"]',
    `    restart: ${restart}`,
    '    timeout: 6s', // bounds how long the bad config takes to be declared unhealthy
    `    health: [{ http: "http://127.0.0.1:${port}/health", retries: 10, timeout: 2s }]`,
    '',
  ].join('\n'));
}

async function getJson(url: string): Promise<{ config: { pool_max: number }; loads: number }> {
  return (await (await fetch(url)).json()) as { config: { pool_max: number }; loads: number };
}

/** The story every restart kind must tell: bad change detected, rollback, healthy again, history records it. */
async function badChangeThenRollback(dir: string, store: string, port: number, restartCmd: () => Promise<void>) {
  expect(cfgtrail(['snapshot', '-m', 'Good config'], { cwd: dir }).code).toBe(0);
  await writeSampleConfig(join(dir, 'config.yaml'), badConfig());
  expect(cfgtrail(['snapshot', '-m', 'Raise pool_max'], { cwd: dir }).code).toBe(0);
  await restartCmd();
  const bad = cfgtrail(['verify'], { cwd: dir });
  expect(bad.code).toBe(12);
  const r = cfgtrail(['rollback', '--previous', '--yes', '-m', 'pool_max out of range', '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { plan: { services: string[] }; result: { commit: string; restarted: { ok: boolean }[]; verification: { ok: boolean }; timings: Record<string, number> } };
  expect(out.plan.services).toEqual(['sample']);
  expect(out.result.restarted).toEqual([expect.objectContaining({ service: 'sample', ok: true })]);
  expect(out.result.verification.ok).toBe(true);
  expect(Object.keys(out.result.timings).sort()).toEqual(['commit', 'lock', 'record', 'restart', 'verify', 'write']);
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  expect(health.status).toBe(200);
  expect((await getJson(`http://127.0.0.1:${port}/config`)).config.pool_max).toBe(goodConfig().pool_max);
  // History: log --json, native git's trailer parser, and the verification note.
  const log = JSON.parse(cfgtrail(['log', '--json', '-n', '1'], { cwd: dir }).stdout) as { commit: string; trailers: { key: string; value: string }[] }[];
  const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
  expect(log[0]!.commit).toBe(head);
  const goodCommit = git(['--git-dir', store, 'rev-parse', 'HEAD~2']).trim();
  const badId = git(['--git-dir', store, 'log', '-1', '--format=%(trailers:key=Change-Id,valueonly)', 'HEAD~1']).trim();
  expect(log[0]!.trailers.filter((t) => t.key !== 'Change-Id')).toEqual([
    { key: 'Rollback-To', value: goodCommit },
    { key: 'Rollback-Of', value: badId },
    { key: 'Reason', value: 'pool_max out of range' },
  ]);
  const parsed = git(['interpret-trailers', '--parse'], undefined, git(['--git-dir', store, 'log', '-1', '--format=%B']));
  expect(parsed).toMatch(new RegExp(`^Rollback-To: ${goodCommit}$`, 'm'));
  expect(parsed).toMatch(new RegExp(`^Rollback-Of: ${badId}$`, 'm'));
  const note = git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'show', 'HEAD']);
  expect(note).toMatch(/^# cfgtrail verification: passed/);
  expect(note).toMatch(/kind: rollback/);
  git(['--git-dir', store, 'fsck', '--strict']);
}

describe('rollback with real services', () => {
  it.skipIf(!hasSupervisord)('supervisor: a bad config is rolled back, the program restarted and healthy again', async () => {
    const port = await freePort();
    const { dir, store } = await setup();
    const sv = await startSupervisord([{ name: 'sample', command: [process.execPath, SAMPLE_SERVER, '--config', join(dir, 'config.yaml'), '--port', String(port)] }]);
    onTestFinished(sv.stop);
    writeServices(store, `{ supervisor: { program: sample, config: "${sv.confPath}" } }`, port);
    await badChangeThenRollback(dir, store, port, async () => {
      expect(cfgtrail(['restart', 'sample'], { cwd: dir }).code).toBe(0);
    });
  });

  it('signal: SIGHUP to the pid in the pidfile reloads the restored config', async () => {
    const port = await freePort();
    const { dir, store } = await setup();
    const pidfile = join(tempDir(), 'sample.pid');
    const svc = await startSampleService({ configPath: join(dir, 'config.yaml'), port, pidfile });
    onTestFinished(svc.stop);
    writeServices(store, `{ signal: HUP, pidfile: "${pidfile}" }`, port);
    await badChangeThenRollback(dir, store, port, async () => {
      process.kill(svc.pid, 'SIGHUP');
      await new Promise((r) => setTimeout(r, 200));
    });
    expect((await getJson(`${svc.url}/config`)).loads).toBe(3); // start, the bad reload, the rollback's reload
  });

  it('command: the configured argv runs, and a failing restart exits 11 with advice', async () => {
    const port = await freePort();
    const { dir, store } = await setup();
    const svc = await startSampleService({ configPath: join(dir, 'config.yaml'), port });
    onTestFinished(svc.stop);
    writeServices(store, `{ command: ["kill", "-HUP", "${svc.pid}"] }`, port);
    await badChangeThenRollback(dir, store, port, async () => {
      process.kill(svc.pid, 'SIGHUP');
      await new Promise((r) => setTimeout(r, 200));
    });
    // A restart command that fails: exit 11, the rollback commit stays, no second rollback.
    writeServices(store, '{ command: ["false"] }', port);
    await writeSampleConfig(join(dir, 'config.yaml'), badConfig());
    expect(cfgtrail(['snapshot', '-m', 'Bad again'], { cwd: dir }).code).toBe(0);
    const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    const r = cfgtrail(['rollback', '--previous', '--yes'], { cwd: dir });
    expect(r.code).toBe(11);
    expect(r.stdout).toMatch(/Restart FAILED: sample/);
    expect(r.stdout).toMatch(/cfgtrail rollback --last-good/);
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD~1']).trim()).toBe(head);
  });

  it('verification failure after the rollback exits 12, says what failed, and does not roll back again', async () => {
    const port = await freePort();
    const { dir, store } = await setup();
    // The service is never started: every check fails with a refused connection.
    writeServices(store, '{ command: ["true"] }', port);
    writeFileSync(join(store, 'settings.yaml'), `${readSettings(store).replace('retries: 10', 'retries: 1')}`);
    expect(cfgtrail(['snapshot', '-m', 'one'], { cwd: dir }).code).toBe(0);
    await writeSampleConfig(join(dir, 'config.yaml'), badConfig());
    expect(cfgtrail(['snapshot', '-m', 'two'], { cwd: dir }).code).toBe(0);
    const r = cfgtrail(['rollback', '--previous', '--yes'], { cwd: dir });
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/Verification FAILED: sample: http http:\/\/127\.0\.0\.1:\d+\/health: .*ECONNREFUSED/);
    expect(r.stdout).toMatch(/will not roll back again/);
    expect(git(['--git-dir', store, 'rev-list', '--count', 'HEAD']).trim()).toBe('3');
    expect(git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'show', 'HEAD'])).toMatch(/^# cfgtrail verification: failed/);
  });
});

function readSettings(store: string): string {
  return readFileSync(join(store, 'settings.yaml'), 'utf8');
}
