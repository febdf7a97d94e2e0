/**
 * The README's "When a change goes wrong" commands, end to end: two sample
 * services under a real supervisord, a bad change, and each playbook run
 * through bin/cfgtrail.js with native git as witness.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';
import { hasSupervisord, startSupervisord, type Supervisord } from '../helpers/supervisord.js';
import { badConfig, freePort, goodConfig, SAMPLE_SERVER, sampleConfigText, writeSampleConfig } from '../helpers/sample-service.js';
import { GOOD_ID, healthOf, jsonLines, startFleet } from '../helpers/fleet.js';

interface Incident {
  id: string; kind: string; outcome: string; started_at: string; ended_at: string; ran_by: string; services: string[]; files: string[];
  checklist: { checks: { name: string; status: string }[]; forced: string[]; window: { changes: { title: string; author: string; date: string }[] } };
  undone: { title: string }[]; commits: { freeze: string | null; rollback: string | null; record: string | null };
  verification: { service: string; ok: boolean }[]; timeline: { at: string; step: string; detail: string }[]; next: string[];
}

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const section = README.slice(README.indexOf('## When a change goes wrong'), README.indexOf('\n## ', README.indexOf('## When a change goes wrong') + 5));

/** Runs a README command (it must appear in the section verbatim) with extra test-only flags. */
function readmeCommand(line: string, cwd: string, extra: string[] = []) {
  expect(section).toContain(line);
  const argv = line.replace(/^cfgtrail /, '').split(' ');
  return cfgtrail([...argv, ...extra], { cwd });
}

interface Service { name: string; port: number }
interface Setup { dir: string; store: string; sv: Supervisord; api: Service; worker: Service }

const health = async (port: number) => (await fetch(`http://127.0.0.1:${port}/health`)).status;
const pidOf = async (sv: Supervisord, name: string) => /pid (\d+)/.exec((await sv.ctl(['status', name])).stdout)?.[1];

/** api and worker (sample services) verified good, then a bad change to both, live and restarted. */
async function setup(opts: { apiHealth?: string } = {}): Promise<Setup> {
  const dir = tempDir('cfgtrail-playbook-');
  const api = { name: 'api', port: await freePort() };
  const worker = { name: 'worker', port: await freePort() };
  for (const s of [api, worker]) await writeSampleConfig(join(dir, `${s.name}.yaml`), goodConfig(s.port));
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  const sv = await startSupervisord([api, worker].map((s) => ({ name: s.name, command: [process.execPath, SAMPLE_SERVER, '--config', join(dir, `${s.name}.yaml`), '--port', String(s.port)] })));
  onTestFinished(sv.stop);
  writeFileSync(join(store, 'settings.yaml'), ['services:', ...[api, worker].flatMap((s) => [
    `  - name: ${s.name}`,
    `    files: ["${s.name}.yaml"]`,
    `    restart: { supervisor: { program: ${s.name}, config: "${sv.confPath}" } }`,
    '    timeout: 20s',
    `    health: [${s === api && opts.apiHealth ? opts.apiHealth : `{ http: "http://127.0.0.1:${s.port}/health", retries: 10, timeout: 2s }`}]`,
  ]), ''].join('\n'));
  expect(cfgtrail(['snapshot', '-m', 'Good config'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['mark-good', '-m', 'serving fine'], { cwd: dir }).code).toBe(0);
  return { dir, store, sv, api, worker };
}

/** The bad change: api's pool_max out of range, committed as `Raise api pool` (Change-Id I…a1). */
async function breakApi(s: Setup): Promise<void> {
  await writeSampleConfig(join(s.dir, 'api.yaml'), badConfig(s.api.port));
  expect(cfgtrail(['snapshot', '-m', 'Raise api pool', '--change-id', 'I00000000000000a1'], { cwd: s.dir, env: cliEnv({ GIT_AUTHOR_NAME: 'Dana Ops', GIT_AUTHOR_EMAIL: 'dana@example.com' }) }).code).toBe(0);
  await s.sv.ctl(['restart', 'api']);
  expect(await health(s.api.port)).toBe(500);
}

function incidentFrom(stdout: string): Incident {
  const json = /incident record: \S+\.md, (\S+\.json)/.exec(stdout)?.[1];
  expect(json).toBeDefined();
  return JSON.parse(readFileSync(json!, 'utf8')) as Incident;
}

/** A gradual run off a terminal: JSON lines, the last one the incident (its files and record). */
function incidentLine(stdout: string): Incident {
  const last = jsonLines(stdout).at(-1) as { phase: string; files: string[]; incident: Incident };
  expect(last.phase).toBe('incident');
  expect(JSON.parse(readFileSync(last.files[1]!, 'utf8'))).toEqual(last.incident);
  return last.incident;
}

function expectRealTimes(r: Incident, before: number, after: number): void {
  const start = Date.parse(r.started_at);
  expect(start).toBeGreaterThanOrEqual(before - 1000);
  expect(Date.parse(r.ended_at)).toBeLessThanOrEqual(after + 1000);
  let prev = start;
  for (const t of r.timeline) {
    const at = Date.parse(t.at);
    expect(at).toBeGreaterThanOrEqual(prev);
    prev = at;
  }
}

describe.skipIf(!hasSupervisord)('cfgtrail playbook (README "When a change goes wrong", supervisord sample services)', () => {
  it('emergency: freezes, rolls everything back to last-good, restarts, verifies, records the incident; the freeze stays', async () => {
    const s = await setup();
    await breakApi(s);
    const good = sampleConfigText(goodConfig(s.api.port));
    const before = Date.now();
    const r = readmeCommand('cfgtrail playbook emergency --yes', s.dir);
    const after = Date.now();
    expect(r.stderr).toMatch(/\[ok {2}\] incident-window: 1 change since .*"Raise api pool" by Dana Ops <dana@example.com>/);
    expect(r.stderr).toMatch(/\[warn\] notify: nobody is notified/);
    expect(r.code).toBe(0);
    expect(readFileSync(join(s.dir, 'api.yaml'), 'utf8')).toBe(good);
    expect(await health(s.api.port)).toBe(200);
    expect(await health(s.worker.port)).toBe(200);
    const rec = incidentFrom(r.stdout);
    expect(rec.outcome).toBe('recovered');
    expect(rec.kind).toBe('emergency');
    expect(rec.undone.map((u) => u.title)).toEqual(['Raise api pool']);
    expect(rec.verification).toEqual([{ service: 'api', ok: true, message: expect.any(String) }]);
    expect(rec.timeline.map((t) => t.step)).toEqual(['checklist', 'freeze', 'rollback', 'restart', 'verify', 'notify', 'record']);
    expectRealTimes(rec, before, after);
    expect(existsSync(join(s.store, 'incidents', `${rec.id}.md`))).toBe(true);
    const md = readFileSync(join(s.store, 'incidents', `${rec.id}.md`), 'utf8');
    expect(md).toMatch(/^# Incident INC-\S+: playbook emergency, recovered/);
    for (const t of rec.timeline) expect(md).toContain(`| ${t.at} | ${t.step} |`);
    expect(md).toMatch(/^\| \S+ \| `[0-9a-f]{7}` \| change \| Dana Ops <dana@example.com> \| Raise api pool \|$/m);
    expect(md).toMatch(/^- api: healthy: /m);
    // native git: freeze, rollback, record, newest first
    const log = gitIn(s.store, ['log', '-3', '--format=%H %(trailers:key=Playbook,key=Freeze,key=Rollback-To,valueonly,separator=%x2C)']).trim().split('\n');
    expect(log[0]).toBe(`${rec.commits.record} emergency ${rec.id}`);
    expect(log[1]!.startsWith(rec.commits.rollback!)).toBe(true);
    expect(log[2]).toBe(`${rec.commits.freeze} on`);
    expect(gitIn(s.store, ['diff', '--stat', `${rec.commits.record}~1`, rec.commits.record!])).toBe('');
    // the freeze is still in effect: a new change is refused
    writeFileSync(join(s.dir, 'worker.yaml'), sampleConfigText({ ...goodConfig(s.worker.port), pool_max: 20 }));
    const snap = cfgtrail(['snapshot', '-m', 'tweak'], { cwd: s.dir });
    expect(snap.code).toBe(15);
    expect(snap.stderr).toMatch(/frozen .*playbook emergency INC-/);
    const hist = readmeCommand('cfgtrail playbook --history', s.dir);
    expect(hist.stdout).toContain(`emergency ${rec.id}  recovered`);
    expect(readmeCommand('cfgtrail unfreeze --reason resolved', s.dir).code).toBe(0);
  });

  it('selective: only the named service\'s file is restored and only it restarts', async () => {
    const s = await setup();
    await writeSampleConfig(join(s.dir, 'worker.yaml'), badConfig(s.worker.port));
    await breakApi(s); // the snapshot takes worker.yaml's change too
    const workerPid = await pidOf(s.sv, 'worker');
    const apiPid = await pidOf(s.sv, 'api');
    const r = readmeCommand('cfgtrail playbook selective --service api --yes', s.dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(s.dir, 'api.yaml'), 'utf8')).toBe(sampleConfigText(goodConfig(s.api.port)));
    expect(readFileSync(join(s.dir, 'worker.yaml'), 'utf8')).toBe(sampleConfigText(badConfig(s.worker.port)));
    expect(await pidOf(s.sv, 'api')).not.toBe(apiPid);
    expect(await pidOf(s.sv, 'worker')).toBe(workerPid);
    const rec = incidentFrom(r.stdout);
    expect([rec.outcome, rec.services, rec.files, rec.commits.freeze]).toEqual(['recovered', ['api'], ['api.yaml'], null]);
    expect(gitIn(s.store, ['show', '--format=', '--name-only', rec.commits.rollback!]).trim()).toBe('api.yaml');
    expect(cfgtrail(['snapshot', '-m', 'no freeze after a selective playbook', '--allow-empty'], { cwd: s.dir }).code).toBe(0);
  });

  it('refuses when the rollback would break a dependency (nothing changed), and --force goes on and says so', async () => {
    const s = await setup();
    await breakApi(s);
    writeFileSync(join(s.dir, 'worker.yaml'), sampleConfigText({ ...goodConfig(s.worker.port), pool_max: 20 }));
    expect(cfgtrail(['snapshot', '-m', 'Worker uses the bigger api pool', '--depends-on', 'I00000000000000a1'], { cwd: s.dir }).code).toBe(0);
    const head = gitIn(s.store, ['rev-parse', 'HEAD']).trim();
    const r = cfgtrail(['playbook', 'selective', '--service', 'api', '--yes'], { cwd: s.dir });
    expect(r.code).toBe(13);
    expect(r.stderr).toMatch(/\[FAIL\] dependencies: the rollback would break 1 dependency: .*"Worker uses the bigger api pool"\) depends on I00000000000000a1/);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('cfgtrail: playbook selective refused: dependencies failed (listed above); nothing was changed; --force runs it anyway');
    expect(gitIn(s.store, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(readFileSync(join(s.dir, 'api.yaml'), 'utf8')).toBe(sampleConfigText(badConfig(s.api.port)));
    const forced = cfgtrail(['playbook', 'selective', '--service', 'api', '--yes', '--force', '--json'], { cwd: s.dir });
    expect(forced.code).toBe(0);
    const rec = JSON.parse(forced.stdout) as Incident;
    expect(rec.checklist.forced).toEqual(['dependencies']);
    expect(gitIn(s.store, ['log', '-1', '--format=%(trailers:key=Forced,valueonly)']).trim()).toBe('dependencies');
  });

  it('Ctrl-C mid-playbook: exit 130, the incident record says interrupted, and rollback --continue finishes', async () => {
    const dir0 = tempDir();
    const go = join(dir0, 'go');
    // api's check waits for a file: the playbook is caught while verifying.
    const s = await setup({ apiHealth: `{ command: ["sh", "-c", "while [ ! -f ${go} ]; do sleep 0.1; done"], timeout: 60s }` });
    await breakApi(s);
    const child = spawn(process.execPath, [BIN, 'playbook', 'emergency', '--yes'], { cwd: s.dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/restart api/.test(stderr)) resolve();
    }));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted after the rollback commit .* was recorded.*cfgtrail rollback --continue/);
    const recs = readFileSync(join(s.store, 'incidents', readdirJson(join(s.store, 'incidents'))), 'utf8');
    const rec = JSON.parse(recs) as Incident;
    expect(rec.outcome).toBe('interrupted');
    expect(rec.timeline.map((t) => t.step)).toEqual(['checklist', 'freeze', 'rollback', 'restart', 'interrupted']);
    expect(rec.next).toContain('cfgtrail rollback --continue');
    expect(rec.commits.rollback).toMatch(/^[0-9a-f]{7,40}$/);
    writeFileSync(go, '');
    const cont = cfgtrail(['rollback', '--continue'], { cwd: s.dir });
    expect(cont.code).toBe(0);
    expect(await health(s.api.port)).toBe(200);
  });
});

function readdirJson(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return files[0]!;
}

describe('cfgtrail playbook gradual (local instances)', () => {
  /** Three instances on the bad config; the control store's last good revision carries GOOD_ID, a later change does not. */
  async function fleet() {
    const f = await startFleet(3);
    writeFileSync(join(f.control, 'fleet.txt'), '# the fleet, good\n');
    expect(cfgtrail(['snapshot', '-m', 'Good config', '--change-id', GOOD_ID], { cwd: f.control }).code).toBe(0);
    expect(cfgtrail(['mark-good'], { cwd: f.control }).code).toBe(0);
    writeFileSync(join(f.control, 'fleet.txt'), '# the fleet, raised pool\n');
    expect(cfgtrail(['snapshot', '-m', 'Raise pool_max'], { cwd: f.control }).code).toBe(0);
    for (const i of f.instances) expect(await healthOf(i)).toBe(500);
    return f;
  }

  it('rolls the fleet back to the last good Change-Id in batches and records the incident', async () => {
    const f = await fleet();
    const r = readmeCommand('cfgtrail playbook gradual --instances instances.txt --batch-size 2 --yes', f.control);
    expect(r.code).toBe(0);
    for (const i of f.instances) expect(await healthOf(i)).toBe(200);
    const rec = incidentLine(r.stdout);
    expect(rec.outcome).toBe('recovered');
    expect(rec.services).toEqual(f.instances.map((i) => i.name));
    expect(rec.timeline.filter((t) => t.step === 'rollout').map((t) => t.detail)).toEqual(['batch 1/2', 'batch 2/2']);
    expect(rec.verification.every((v) => v.ok)).toBe(true);
    expect(gitIn(`${f.control}/.cfgtrail`, ['log', '-1', '--format=%(trailers:key=Playbook,valueonly)']).trim()).toBe(`gradual ${rec.id}`);
  });

  it('a batch that fails its gate stops the playbook (exit 19); the record says so and rollback --continue finishes', async () => {
    const f = await fleet();
    const c = f.instances[2]!;
    process.kill(c.svc.pid, 'SIGSTOP'); // batch 2's only instance hangs: its gate cannot pass
    const r = cfgtrail(['playbook', 'gradual', '--instances', 'instances.txt', '--batch-size', '2', '--yes'], { cwd: f.control });
    process.kill(c.svc.pid, 'SIGCONT');
    expect(r.code).toBe(19);
    const rec = incidentLine(r.stdout);
    expect(rec.outcome).toBe('rollout-failed');
    expect(rec.verification.map((v) => [v.service, v.ok])).toEqual(f.instances.map((i) => [i.name, i !== c]));
    expect(rec.next[0]).toMatch(/^cfgtrail rollback --continue \(rollout ROLLOUT-\S+ is stopped\)$/);
    expect(gitIn(`${f.control}/.cfgtrail`, ['log', '-1', '--format=%(trailers:key=Playbook-Result,valueonly)']).trim()).toBe('rollout-failed');
    const cont = cfgtrail(['rollback', '--continue'], { cwd: f.control });
    expect(cont.code).toBe(0);
    for (const i of f.instances) expect(await healthOf(i)).toBe(200);
  });
});
