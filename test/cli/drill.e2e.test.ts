import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, cfgtrail, cfgtrailAsync, cliEnv, gitIn, tempDir } from '../helpers/cli.js';
import { hasSupervisord, startSupervisord } from '../helpers/supervisord.js';
import { killAtFileRename } from '../helpers/strace.js';
import { freePort, goodConfig, SAMPLE_SERVER, writeSampleConfig } from '../helpers/sample-service.js';

interface Report {
  id: string; outcome: string; detect_ms: number | null; recover_ms: number | null; restored: boolean; detected_by: string | null;
  verdicts: { detect: boolean; recover: boolean }; targets: { max_detect_ms: number; max_recover_ms: number };
  phases: { phase: string; start_ms: number; end_ms: number }[]; marks: { change_ms: number; detected_ms: number; recovered_ms: number };
  samples: { t_ms: number; ok: boolean; latency_ms: number; message: string }[];
  commits: { original: string; drill: string; rollback: string; record: string };
}

/** The sample service under a real supervisord, its config dir and store, and settings with drill targets. */
async function setup(health = true): Promise<{ dir: string; store: string; port: number; original: string }> {
  const port = await freePort();
  const dir = tempDir('cfgtrail-drill-');
  await writeSampleConfig(join(dir, 'config.yaml'), goodConfig(port));
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  const sv = await startSupervisord([{ name: 'sample', command: [process.execPath, SAMPLE_SERVER, '--config', join(dir, 'config.yaml'), '--port', String(port)] }]);
  onTestFinished(sv.stop);
  writeFileSync(join(store, 'settings.yaml'), [
    'services:',
    '  - name: sample',
    '    files: ["config.yaml"]',
    `    restart: { supervisor: { program: sample, config: "${sv.confPath}" } }`,
    '    timeout: 10s',
    ...(health ? [`    health: [{ http: "http://127.0.0.1:${port}/health", retries: 10, timeout: 2s }]`] : []),
    'drill: { max_detect: 30s, max_recover: 1m }',
    '',
  ].join('\n'));
  expect(cfgtrail(['snapshot', '-m', 'Good config'], { cwd: dir }).code).toBe(0);
  return { dir, store, port, original: readFileSync(join(dir, 'config.yaml'), 'utf8') };
}

/** Starts a drill whose change the checks never notice (so it waits for detection) and resolves once it waits. */
async function drillWaitingForDetection(dir: string) {
  const child = spawn(process.execPath, [BIN, 'drill', '--set', 'mode=quiet', '--timeout', '2m', '--yes'], { cwd: dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => { out.stdout += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      out.stderr += d.toString();
      if (/detect …/.test(out.stderr)) resolve();
    });
  });
  return { child, exited, out };
}

const health = async (port: number) => (await fetch(`http://127.0.0.1:${port}/health`)).status;

describe.skipIf(!hasSupervisord)('cfgtrail drill (supervisord sample service)', () => {
  it('measures detection and recovery, restores the config byte for byte, records it and lists it in --history', async () => {
    const { dir, store, port, original } = await setup();
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    const reports = tempDir();
    const r = cfgtrail(['drill', '--set', 'pool_max=5000', '--yes', '--report', reports, '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.outcome).toBe('passed');
    expect(rep.restored).toBe(true);
    // Real measured times, consistent with the phases and the samples.
    expect(rep.detect_ms).toBeGreaterThan(0);
    expect(rep.recover_ms).toBeGreaterThan(0);
    expect(rep.detect_ms).toBe(rep.marks.detected_ms - rep.marks.change_ms);
    expect(rep.recover_ms).toBe(rep.marks.recovered_ms - rep.marks.detected_ms);
    expect(rep.detected_by).toMatch(/status 500.*pool_max 5000 is outside 1\.\.1000/);
    expect(rep.phases.map((p) => p.phase)).toEqual(['apply', 'restart', 'detect', 'rollback', 'record']);
    for (const p of rep.phases) expect(p.end_ms).toBeGreaterThanOrEqual(p.start_ms);
    const failing = rep.samples.filter((s) => !s.ok);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing[0]!.t_ms).toBe(rep.marks.detected_ms);
    expect(rep.samples.at(-1)!.ok).toBe(true);
    expect(rep.verdicts).toEqual({ detect: true, recover: true });
    console.log(`drill.e2e: measured detect_ms ${rep.detect_ms}, recover_ms ${rep.recover_ms}, ${rep.samples.length} samples`);
    // Restored: the file, the service, and history says what happened.
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
    expect(await health(port)).toBe(200);
    expect(gitIn(store, ['rev-parse', `${rep.commits.drill}~1`]).trim()).toBe(head);
    expect(gitIn(store, ['log', '-1', '--format=%(trailers:key=Drill,valueonly)', rep.commits.drill]).trim()).toBe(rep.id);
    expect(gitIn(store, ['show', `${rep.commits.drill}:config.yaml`])).toMatch(/^pool_max: 5000$/m);
    expect(gitIn(store, ['rev-parse', `${rep.commits.rollback}^{tree}`])).toBe(gitIn(store, ['rev-parse', `${head}^{tree}`]));
    expect(gitIn(store, ['log', '-1', '--format=%(trailers:key=Drill-Result,key=Drill-Detect-Ms,key=Drill-Recover-Ms)', rep.commits.record]))
      .toBe(`Drill-Result: passed\nDrill-Detect-Ms: ${rep.detect_ms}\nDrill-Recover-Ms: ${rep.recover_ms}\n\n`);
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(rep.commits.record);
    // Every commit of the drill carries its id; the commit before it does not.
    expect(gitIn(store, ['log', '--format=%(trailers:key=Drill,valueonly)%H', `${head}..HEAD`]).trim().split('\n'))
      .toEqual([rep.commits.record, rep.commits.rollback, rep.commits.drill].map((c) => `${rep.id}\n${c}`).join('\n').split('\n'));
    // The three reports.
    const md = readFileSync(join(reports, `${rep.id}.md`), 'utf8');
    expect(md).toMatch(/^# Drill DRILL-\d{8}-[0-9a-f]{6}: passed$/m);
    expect(md).toMatch(/\| time to detect \| [\d.]+ (ms|s) \| 30 s \| pass \|/);
    expect(JSON.parse(readFileSync(join(reports, `${rep.id}.json`), 'utf8'))).toEqual(rep);
    const html = readFileSync(join(reports, `${rep.id}.html`), 'utf8');
    expect(html).toMatch(/<svg [^>]*aria-label="drill timeline">/);
    expect(html.match(/<circle /g)).toHaveLength(rep.samples.length);
    expect(html).toContain('fill="#d62828"');
    // History: the drill with its times.
    const h = JSON.parse(cfgtrail(['drill', '--history', '--json'], { cwd: dir }).stdout) as { id: string; outcome: string; detectMs: number; recoverMs: number }[];
    expect(h).toEqual([expect.objectContaining({ id: rep.id, outcome: 'passed', detectMs: rep.detect_ms, recoverMs: rep.recover_ms })]);
    expect(cfgtrail(['drill', '--history'], { cwd: dir }).stdout).toMatch(new RegExp(`${rep.id}  passed`));
    gitIn(store, ['fsck', '--strict']);
  });

  it('--detect watch: detected by watch\'s metric rules (breaches in a row), recovered, restored; refused without metrics', async () => {
    const { dir, store, port, original } = await setup();
    const refused = cfgtrail(['drill', '--set', 'pool_max=5000', '--detect', 'watch', '--yes'], { cwd: dir });
    expect(refused.code).toBe(13);
    expect(refused.stderr).toMatch(/^cfgtrail: --detect watch needs metrics under 'watch:'/);
    writeFileSync(join(store, 'settings.yaml'), `${readFileSync(join(store, 'settings.yaml'), 'utf8')}${[
      'watch:',
      '  interval: 200ms',
      '  breaches: 2',
      '  metrics:',
      `    - { name: problems, http: { url: "http://127.0.0.1:${port}/metrics.json", field: problems }, max: 0 }`,
      '',
    ].join('\n')}`);
    const r = cfgtrail(['drill', '--set', 'pool_max=5000', '--detect', 'watch', '--yes', '--report', tempDir(), '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Report & { detect: string };
    expect(rep.detect).toBe('watch');
    expect(rep.outcome).toBe('passed');
    expect(rep.detected_by).toBe('problems: 1 > 0 (2 of 2 in a row)');
    // the streak: the detection is the second bad sample in a row, never the first
    const bad = rep.samples.filter((x) => !x.ok);
    expect(bad.length).toBeGreaterThanOrEqual(2);
    expect(bad[1]!.t_ms).toBe(rep.marks.detected_ms);
    expect(bad[0]!.message).toBe('1 > 0 (1 of 2 in a row)');
    expect(rep.detect_ms).toBeGreaterThan(150); // at least one interval between the two samples
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
    expect(await health(port)).toBe(200);
  });

  it('rollback --previous after a drill undoes the newest real change, never the drill\'s own injected value', async () => {
    const { dir, store } = await setup();
    const good = gitIn(store, ['rev-parse', 'HEAD']).trim();
    writeFileSync(join(dir, 'config.yaml'), readFileSync(join(dir, 'config.yaml'), 'utf8').replace(/^pool_max: .*$/m, 'pool_max: 20'));
    expect(cfgtrail(['snapshot', '-m', 'Raise pool'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['drill', '--set', 'pool_max=5000', '--yes'], { cwd: dir }).code).toBe(0);
    const r = cfgtrail(['rollback', '--previous', '--dry-run', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = (JSON.parse(r.stdout) as { plan: { target: { commit: string } } }).plan;
    expect(plan.target.commit).toBe(good);
  });

  it('Ctrl-C while waiting for detection restores the original config and exits 130', async () => {
    const { dir, store, port, original } = await setup();
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    const { child, exited, out } = await drillWaitingForDetection(dir);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toMatch(/^mode: quiet$/m);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(out.stderr).toMatch(/cfgtrail: drill interrupted: restoring the original state/);
    expect(out.stdout).toMatch(/: interrupted;.*original state restored/);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
    expect(gitIn(store, ['rev-parse', 'HEAD~1^{tree}'])).toBe(gitIn(store, ['rev-parse', `${head}^{tree}`]));
    expect(gitIn(store, ['log', '-1', '--format=%(trailers:key=Drill-Result,valueonly)']).trim()).toBe('interrupted');
    expect(await health(port)).toBe(200);
    expect(cfgtrail(['status', '--exit-code'], { cwd: dir }).code).toBe(0);
  });

  it('SIGTERM while waiting for detection restores the original config and exits 143; a --report that cannot be written is refused first (exit 8)', async () => {
    const { dir, store, original } = await setup();
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    const notADir = join(tempDir(), 'file');
    writeFileSync(notADir, 'x');
    const refused = cfgtrail(['drill', '--set', 'pool_max=5000', '--yes', '--report', join(notADir, 'sub')], { cwd: dir });
    expect(refused.code).toBe(8);
    expect(refused.stderr).toMatch(/^cfgtrail: --report .*\/file\/sub: (ENOTDIR|EEXIST); nothing was changed\n$/);
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(head);
    const { child, exited, out } = await drillWaitingForDetection(dir);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(out.stderr).toMatch(/cfgtrail: drill stopped by SIGTERM: restoring the original state/);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
  });

  it('SIGKILL mid-drill: the next drill refuses, drill --restore puts the original state back and records it', async () => {
    const { dir, store, port, original } = await setup();
    const { child, exited } = await drillWaitingForDetection(dir);
    child.kill('SIGKILL');
    await exited;
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toMatch(/^mode: quiet$/m);
    expect(cfgtrail(['status'], { cwd: dir }).stdout).toMatch(/^Drill DRILL-\d{8}-[0-9a-f]{6} was stopped before it restored config\.yaml: run 'cfgtrail drill --restore'\.\n/);
    const next = cfgtrail(['drill', '--set', 'pool_max=5000', '--yes'], { cwd: dir });
    expect(next.code).toBe(13);
    expect(next.stderr).toMatch(/^cfgtrail: drill DRILL-\d{8}-[0-9a-f]{6} was stopped before it restored config\.yaml \(its process is gone\): run `cfgtrail drill --restore`/);
    const r = cfgtrail(['drill', '--restore'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: original state restored \(rollback [0-9a-f]{7}\), recorded as [0-9a-f]{7}\n$/);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
    expect(await health(port)).toBe(200);
    expect(gitIn(store, ['log', '-1', '--format=%(trailers:key=Drill-Result,valueonly)']).trim()).toBe('interrupted');
    expect(cfgtrail(['drill', '--restore'], { cwd: dir }).code).toBe(10);
    expect(cfgtrail(['status'], { cwd: dir }).stdout).toMatch(/^clean: /);
  });

  it('a change not detected in time fails the drill (exit 1) and is still undone', async () => {
    const { dir, original } = await setup();
    const r = cfgtrail(['drill', '--set', 'mode=quiet', '--timeout', '1s', '--yes'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/: failed; time to detect —.*original state restored/);
    expect(r.stdout).toMatch(/problem: the bad change was not detected within 1 s/);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
  });

  it('refuses a service without health checks; --dry-run shows the plan and changes nothing', async () => {
    const blind = await setup(false);
    const head = gitIn(blind.store, ['rev-parse', 'HEAD']).trim();
    const r = cfgtrail(['drill', '--set', 'pool_max=5000', '--yes'], { cwd: blind.dir });
    expect(r.code).toBe(13);
    expect(r.stderr).toBe('cfgtrail: service sample has no health checks: a drill against it could never detect the failure\n');
    const { dir, store } = await setup();
    const d = cfgtrail(['drill', '--set', 'pool_max=5000', '--dry-run'], { cwd: dir });
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/^Drill DRILL-\d{8}-[0-9a-f]{6}: set pool_max=5000 in config\.yaml$/m);
    expect(d.stdout).toMatch(/targets: detect within 30 s, recover within 1 min/);
    // terminal escapes in --set are shown as text, never sent (the title of the drill's commit is made from the same text)
    const esc = cfgtrail(['drill', '--set', 'mode=\x1b]0;PWNED\x07\x1b[2J', '--dry-run'], { cwd: dir });
    expect(esc.code, esc.stderr).toBe(0);
    expect(esc.stdout).not.toMatch(/[\x07\x1b]/);
    expect(esc.stdout).toContain('set mode=\\x1b]0;PWNED\\x07\\x1b[2J in config.yaml');
    // --patch: a unified diff of the tracked file (a relative path reads from the -C directory, as git -C does).
    const live = readFileSync(join(dir, 'config.yaml'), 'utf8');
    const patchDir = tempDir();
    writeFileSync(join(patchDir, 'bad.diff'), `--- a/config.yaml\n+++ b/config.yaml\n@@ -1,4 +1,4 @@\n${live.trimEnd().split('\n').map((l) => (l.startsWith('pool_max') ? `-${l}\n+pool_max: 5000` : ` ${l}`)).join('\n')}\n`);
    const p = cfgtrail(['-C', dir, 'drill', '--patch', join(patchDir, 'bad.diff'), '--dry-run'], { cwd: patchDir });
    expect(p.stderr).toBe('');
    expect(p.stdout).toMatch(/^Drill DRILL-\d{8}-[0-9a-f]{6}: patch \S+\/bad\.diff in config\.yaml$/m);
    expect(cfgtrail(['drill', '--patch', 'missing.diff', '--dry-run'], { cwd: dir }).code).toBe(8);
    expect(gitIn(store, ['log', '--format=%s']).trim()).toBe('Good config');
    for (const [args, message] of [
      [['--yes'], /exactly one bad change/],
      [['--set', 'pool_max', '--yes'], /--set must be KEY\.PATH=VALUE/],
      [['--set', 'a=1', '--patch', 'x', '--yes'], /exactly one bad change/],
      [['--set', 'pool_max=5000', '--file', 'nope.yaml', '--yes'], /nope\.yaml is not a tracked file/],
      [['--set', 'pool_max=10', '--yes'], /changes nothing/],
      [['--set', 'pool_max=5000', '--detect', 'metrics', '--yes'], /--detect must be health or watch, not 'metrics'/],
      [['--set', 'pool_max=5000', '--timeout', 'soon', '--yes'], /--timeout must be/],
      [['--set', 'pool_max=5000', '--timeout', '99999999h', '--yes'], /--timeout must be at most 596h/],
    ] as [string[], RegExp][]) {
      const x = cfgtrail(['drill', ...args], { cwd: dir });
      expect({ args, code: x.code }).toEqual({ args, code: 5 });
      expect(x.stderr).toMatch(message);
    }
    // a report directory that cannot be made: one line, exit 8, before the bad change is made
    const nodir = cfgtrail(['drill', '--set', 'pool_max=5000', '--yes', '--report', join(dir, 'config.yaml', 'reports')], { cwd: dir });
    expect(nodir.code).toBe(8);
    expect(nodir.stderr).toMatch(/^cfgtrail: --report \S+config\.yaml\/reports: ENOTDIR; nothing was changed\n$/);
    expect(gitIn(blind.store, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(gitIn(store, ['log', '--format=%s']).trim()).toBe('Good config');
  });
});

/** A store whose service restarts and checks with `true` (no supervisord): a drill of it is never detected, and restored. */
function commandServiceStore(content: string, restart: string[] = ['true']): string {
  const dir = tempDir('cfgtrail-drill-cmd-');
  writeFileSync(join(dir, 'app.yaml'), content);
  chmodSync(join(dir, 'app.yaml'), 0o640);
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), [
    'services:',
    '  - name: app',
    '    files: ["app.yaml"]',
    `    restart: { command: ${JSON.stringify(restart)} }`,
    '    health: [{ command: ["true"] }]',
    '',
  ].join('\n'));
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
  return dir;
}

describe('cfgtrail drill (a command-restarted service)', () => {
  it('a secret value never reaches the plan, the commit titles or the reports', () => {
    const dir = commandServiceStore('db_password: old-one\npool_max: 10\n');
    for (const set of ['db_password=SuperSecret1', 'pool_max=AKIAIOSFODNN7EXAMPLE']) {
      const plan = cfgtrail(['drill', '--set', set, '--dry-run'], { cwd: dir });
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(/set (db_password|pool_max)=<redacted:[0-9a-f]{6}>/);
      expect(plan.stdout).not.toMatch(/SuperSecret1|AKIAIOSFODNN7EXAMPLE/);
    }
    const run = cfgtrail(['drill', '--set', 'db_password=SuperSecret1', '--yes', '--timeout', '1s', '--report', join(dir, 'reports'), '--json'], { cwd: dir });
    expect([0, 1]).toContain(run.code); // `true` never fails: not detected, restored
    expect(run.stdout).not.toContain('SuperSecret1');
    expect(gitIn(join(dir, '.cfgtrail'), ['log', '--format=%s%n%b'])).not.toContain('SuperSecret1');
    for (const f of readdirSync(join(dir, 'reports'))) expect(readFileSync(join(dir, 'reports', f), 'utf8')).not.toContain('SuperSecret1');
  });

  it('two drills started at once: one runs, the other is refused naming it; the file ends as it began', async () => {
    const dir = commandServiceStore('pool_max: 10\n');
    const both = await Promise.all([0, 1].map(() => cfgtrailAsync(['drill', '--set', 'pool_max=5000', '--yes', '--timeout', '2s'], { cwd: dir })));
    const codes = both.map((r) => r.code).sort();
    expect(codes).toEqual([1, 13]); // not detected (a check of `true` never fails), and refused
    expect(both.find((r) => r.code === 13)!.stderr).toMatch(/^cfgtrail: drill DRILL-\S+ is running \(pid \d+/);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool_max: 10\n');
    expect(gitIn(join(dir, '.cfgtrail'), ['log', '--format=%s']).split('\n').filter((l) => l.startsWith('Drill DRILL-') && l.includes('set pool_max'))).toHaveLength(1);
  });

  it('the bad change is written as a rollback writes: the service sees it with the file\'s own mode, and a kill at its rename leaves the file whole', () => {
    const seen = join(tempDir('cfgtrail-drill-seen-'), 'seen');
    const dir = commandServiceStore('pool_max: 10\n', ['sh', '-c', `{ stat -c %a app.yaml; cat app.yaml; } >> '${seen}'`]);
    const run = cfgtrail(['drill', '--set', 'pool_max=5000', '--yes', '--timeout', '1s'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1); // `true` never fails: not detected, restored
    // the first restart saw the bad change in a file of mode 640, the recovery's restart the original
    expect(readFileSync(seen, 'utf8')).toMatch(/^640\npool_max: 5000\n640\npool_max: 10\n/);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool_max: 10\n');
    // SIGKILL just before the rename that puts the bad change in place: the file is the original, whole
    expect(killAtFileRename(['drill', '--set', 'pool_max=5000', '--yes', '--timeout', '1s'], dir, 1)).toBeNull();
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool_max: 10\n');
    expect(statSync(join(dir, 'app.yaml')).mode & 0o777).toBe(0o640);
    const restore = cfgtrail(['drill', '--restore'], { cwd: dir });
    expect(restore.code, restore.stderr).toBe(0);
    expect(cfgtrail(['status'], { cwd: dir }).stdout).toMatch(/^clean: /);
  });
});
