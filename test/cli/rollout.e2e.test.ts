import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cfgtrail, cfgtrailAsync, cliEnv, gitIn, tempDir } from '../helpers/cli.js';
import { hasTmux, runInTerminal } from '../helpers/tmux-run.js';
import { GOOD_ID, healthOf, jsonLines, startFleet, type Fleet } from '../helpers/fleet.js';

interface InstanceJson { name: string; batch: number; state: string; acted: boolean; from: string | null; to: string | null; message: string }
interface StateJson { id: string; status: string; stopped: string | null; batch: number; batches: number; instances: InstanceJson[]; records: string[] }

function report(stdout: string): StateJson {
  const last = jsonLines(stdout).at(-1) as { phase: string; rollout: StateJson };
  expect(last.phase).toBe('report');
  return last.rollout;
}

function byName(s: StateJson): Record<string, InstanceJson> {
  return Object.fromEntries(s.instances.map((i) => [i.name, i]));
}

/** The trailers native git reads on the control store's HEAD. */
function recordTrailers(f: Fleet, rev = 'HEAD'): string {
  return gitIn(`${f.control}/.cfgtrail`, ['log', '-1', '--format=%(trailers:key=Rollout-State,key=Rollout-Batch,key=Rollout-Target)', rev]);
}

function headOf(store: string): string {
  return gitIn(store, ['rev-parse', 'HEAD']).trim();
}

/** `rollback --continue` or `--abort` that must succeed: its report. */
function resume(f: Fleet, how: 'continue' | 'abort', status: string): StateJson {
  const r = cfgtrail(['rollback', `--${how}`], { cwd: f.control });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const s = report(r.stdout);
  expect(s.status).toBe(status);
  return s;
}

/** A `watch:` metric in the control store's settings that reads its value from a file the test writes; returns that file. */
function watchErrorRate(f: Fleet, value: string): string {
  const metric = join(f.control, 'error-rate.txt');
  writeFileSync(metric, `${value}\n`);
  const settings = join(f.control, '.cfgtrail', 'settings.yaml');
  writeFileSync(settings, `${readFileSync(settings, 'utf8')}watch:\n  metrics:\n    - { name: error_rate, command: ["cat", ${JSON.stringify(metric)}], max: 0.05 }\n`);
  return metric;
}

const rollout = (f: Fleet, extra: string[] = []) =>
  cfgtrail(['rollback', GOOD_ID, '--instances', f.list, '--batch-size', '2', '--yes', ...extra], { cwd: f.control });

describe('rollback --instances (progressive rollout)', () => {
  it('stops at the batch whose gate fails, reports each instance, and --continue finishes once it is fixed', async () => {
    const f = await startFleet(5);
    const [a, b, c, d, e] = f.instances as [typeof f.instances[0], typeof f.instances[0], typeof f.instances[0], typeof f.instances[0], typeof f.instances[0]];
    for (const i of f.instances) expect(await healthOf(i)).toBe(500);
    const headsBefore = f.instances.map((i) => headOf(i.store));
    // c hangs (SIGSTOP): its rollback succeeds (the HUP is queued), its gate cannot.
    process.kill(c.svc.pid, 'SIGSTOP');
    const r = rollout(f);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(19);
    const s = report(r.stdout);
    expect(s.status).toBe('stopped');
    expect(s.batch).toBe(2);
    const by = byName(s);
    expect([a, b, d].map((i) => by[i.name]!.state)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(by[c.name]!.state).toBe('failed');
    expect(by[c.name]!.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/health: no answer/);
    expect(by[e.name]!.state).toBe('pending');
    // Revisions as each instance reported them, checked against the instance's own store.
    for (const [k, i] of [a, b, c, d].entries()) {
      expect(by[i.name]!.from).toBe(headsBefore[[0, 1, 2, 3][k]!]);
      expect(by[i.name]!.to).toBe(headOf(i.store));
    }
    expect(headOf(e.store)).toBe(headsBefore[4]);
    expect(await healthOf(e)).toBe(500);
    // Events as JSON lines, in order: batch 1 gate passed before batch 2 started.
    const events = jsonLines(r.stdout).map((l) => `${l.phase}${l.phase === 'batch' || l.phase === 'gate' ? ` ${l.batch}` : ''}`);
    expect(events.filter((x) => /^(batch|gate)/.test(x))).toEqual(['batch 1', 'gate 1', 'batch 2', 'gate 2']);
    // Recorded: a commit that changes no file, with trailers native git reads.
    const store = `${f.control}/.cfgtrail`;
    expect(gitIn(store, ['rev-parse', 'HEAD^{tree}'])).toBe(gitIn(store, ['rev-parse', 'HEAD~1^{tree}']));
    expect(recordTrailers(f)).toBe(`Rollout-Target: ${GOOD_ID}\nRollout-State: stopped\nRollout-Batch: 2/3\n\n`);
    expect(gitIn(store, ['log', '-1', '--format=%b'])).toContain(`- ${c.name} (batch 2): failed`);
    expect(s.records).toEqual([headOf(store)]);
    // status reads the same state.
    const st = cfgtrail(['rollout', 'status'], { cwd: f.control });
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`${c.name.replace(/\./g, '\\.')}\\s+batch 2\\s+failed`));
    expect(st.stdout).toMatch(/cfgtrail rollback --continue/);
    // status shows the stopped rollout first, as git status shows a rebase.
    expect(cfgtrail(['status'], { cwd: f.control }).stdout.split('\n')[0])
      .toBe(`Rollout ${s.id} to ${GOOD_ID} stopped at batch 2/3 (${s.stopped}): 'cfgtrail rollout status' shows each instance; 'cfgtrail rollback --continue' resumes it.`);
    // A new rollout is refused while this one is pending.
    const again = rollout(f);
    expect(again.code).toBe(13);
    expect(again.stderr).toMatch(new RegExp(`^cfgtrail: rollout ${s.id} .* is stopped: run 'cfgtrail rollback --continue'`));
    // Fixed: c runs again (and reloads the config its rollback restored); --continue redoes batch 2's gate and goes on.
    process.kill(c.svc.pid, 'SIGCONT');
    const done = resume(f, 'continue', 'completed');
    expect(done.instances.map((i) => i.state)).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'healthy']);
    for (const i of f.instances) expect(await healthOf(i)).toBe(200);
    // c was rolled back once: the rerun of its action found nothing to do.
    expect(gitIn(c.store, ['log', '--format=%s']).split('\n').filter(Boolean)).toHaveLength(3);
    expect(recordTrailers(f)).toBe(`Rollout-Target: ${GOOD_ID}\nRollout-State: completed\nRollout-Batch: 3/3\n\n`);
    expect(done.records).toHaveLength(2);
    gitIn(store, ['fsck', '--strict']);
  });

  it("watch's metric rules are part of the gate: a metric past its threshold after a batch stops the rollout; --continue goes on once it is good", async () => {
    const f = await startFleet(3);
    const metric = watchErrorRate(f, '0.2');
    const r = rollout(f);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(19);
    const s = report(r.stdout);
    expect(s.status).toBe('stopped');
    expect(s.stopped).toBe('batch 1: watch metrics past their thresholds: error_rate 0.2 > 0.05');
    // the instances of batch 1 are rolled back and healthy; the metric, not an instance, stopped it
    expect(s.instances.map((i) => i.state)).toEqual(['healthy', 'healthy', 'pending']);
    const gate = jsonLines(r.stdout).find((l) => l.phase === 'gate') as { ok: boolean; failed: string[] };
    expect(gate).toMatchObject({ ok: false, failed: ['error_rate 0.2 > 0.05'] });
    writeFileSync(metric, '0.01\n');
    const done = resume(f, 'continue', 'completed');
    expect(done.instances.map((i) => i.state)).toEqual(['healthy', 'healthy', 'healthy']);
    for (const i of f.instances) expect(await healthOf(i)).toBe(200);
  });

  it('two --continue at once: one takes the rollout over, the other is refused or finds nothing left; every instance acts once', async () => {
    const f = await startFleet(3);
    const metric = watchErrorRate(f, '0.2');
    expect(rollout(f).code).toBe(19);
    writeFileSync(metric, '0.01\n');
    const last = f.instances[2]!;
    const before = headOf(last.store);
    const both = await Promise.all([0, 1].map(() => cfgtrailAsync(['rollback', '--continue', '--json'], { cwd: f.control })));
    const codes = both.map((r) => r.code).sort();
    expect(codes[0]).toBe(0);
    expect([10, 13]).toContain(codes[1]); // refused while the first runs, or nothing pending once it has finished
    const loser = both.find((r) => r.code !== 0)!;
    expect(loser.stderr).toMatch(/^cfgtrail: rollout ROLLOUT-[0-9a-f]{8} (is being carried out by|is no longer pending)/);
    // the last instance was rolled back exactly once, and one record says the rollout completed
    expect(gitIn(last.store, ['rev-list', '--count', `${before}..HEAD`]).trim()).toBe('1');
    const states = gitIn(`${f.control}/.cfgtrail`, ['log', '--format=%(trailers:key=Rollout-State,valueonly)']).split('\n').filter((x) => x.trim() !== '');
    expect(states.filter((x) => x === 'completed')).toHaveLength(1);
  });

  it('--abort rolls every changed instance forward to the revision it reported, and the rollout ends aborted', async () => {
    const f = await startFleet(4);
    const [a, b, c, d] = f.instances as [typeof f.instances[0], typeof f.instances[0], typeof f.instances[0], typeof f.instances[0]];
    const before = f.instances.map((i) => ({ head: headOf(i.store), tree: gitIn(i.store, ['rev-parse', 'HEAD^{tree}']) }));
    process.kill(c.svc.pid, 'SIGSTOP');
    const r = rollout(f);
    expect(r.code).toBe(19);
    expect(report(r.stdout).instances.map((i) => i.state)).toEqual(['healthy', 'healthy', 'failed', 'healthy']);
    process.kill(c.svc.pid, 'SIGCONT');
    const s = resume(f, 'abort', 'aborted');
    expect(s.instances.map((i) => i.state)).toEqual(['forwarded', 'forwarded', 'forwarded', 'forwarded']);
    // Each instance is back on the tree it had before, as a new commit on top (history never rewritten).
    for (const [k, i] of [a, b, c, d].entries()) {
      expect(gitIn(i.store, ['rev-parse', 'HEAD^{tree}'])).toBe(before[k]!.tree);
      expect(gitIn(i.store, ['log', '-1', '--format=%(trailers:key=Rollback-To,valueonly)']).trim()).toBe(before[k]!.head);
      expect(readFileSync(join(i.dir, 'config.yaml'), 'utf8')).toMatch(/pool_max: 5000/);
    }
    expect(recordTrailers(f)).toMatch(/^Rollout-State: aborted$/m);
    // Nothing pending any more: --continue falls through to the local rollback, which has none.
    const cont = cfgtrail(['rollback', '--continue'], { cwd: f.control });
    expect(cont.code).toBe(10);
    expect(cfgtrail(['rollout', 'status'], { cwd: f.control }).stdout).toMatch(/: aborted\n/);
  });

  it('SIGKILL in the middle of batch 2, then --continue: every instance rolled back exactly once', async () => {
    const f = await startFleet(4);
    const child = spawn(process.execPath, [BIN, 'rollback', GOOD_ID, '--instances', f.list, '--batch-size', '2', '--yes'], { cwd: f.control, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const killed = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/"phase":"instance","batch":2,"instance":"[^"]+","state":"running"/.test(out) && child.exitCode === null) child.kill('SIGKILL');
      });
      child.once('exit', () => resolve());
    });
    await killed;
    expect(child.signalCode).toBe('SIGKILL');
    const st = cfgtrail(['rollout', 'status', '--json'], { cwd: f.control });
    const mid = JSON.parse(st.stdout) as StateJson & { live: boolean };
    expect(mid.status).toBe('running');
    expect(mid.live).toBe(false);
    expect(mid.batch).toBe(2);
    expect(cfgtrail(['rollout', 'status'], { cwd: f.control }).stdout).toMatch(/interrupted: its process is gone/);
    expect(cfgtrail(['status'], { cwd: f.control }).stdout).toMatch(/^Rollout ROLLOUT-[0-9a-f]{8} to I00000000000000aa was interrupted in batch 2\/2: .*'cfgtrail rollback --continue' resumes it\.$/m);
    const s = resume(f, 'continue', 'completed');
    expect(s.instances.map((i) => i.state)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    for (const i of f.instances) {
      expect(await healthOf(i)).toBe(200);
      const subjects = gitIn(i.store, ['log', '--format=%s']).trim().split('\n');
      expect(subjects).toHaveLength(3); // good, bad, one rollback
      expect(gitIn(i.store, ['log', '-1', '--format=%(trailers:key=Rollback-Of,valueonly)']).trim()).not.toBe('');
    }
    expect(recordTrailers(f)).toMatch(/^Rollout-State: completed$/m);
  });

  it('refuses hostile or wrong input with one line and exit 5, before any instance is touched', async () => {
    const f = await startFleet(1);
    const i = f.instances[0]!;
    const head = headOf(i.store);
    const write = (name: string, text: string) => {
      const p = join(f.control, name);
      writeFileSync(p, text);
      return p;
    };
    const cases: [string[], RegExp][] = [
      [['rollback', GOOD_ID, '--instances', write('evil.txt', '-oProxyCommand=touch /tmp/x\n')], /not an instance name: "-oProxyCommand=touch \/tmp\/x"/],
      [['rollback', GOOD_ID, '--instances', write('dup.txt', `${i.name}\n${i.name}\n`)], /listed twice/],
      [['rollback', GOOD_ID, '--instances', write('empty.txt', '# nobody\n\n')], /no instances listed/],
      [['rollback', GOOD_ID, '--instances-cmd', 'cat instances.txt | head -1'], /without a shell: '\|' is not supported/],
      [['rollback', GOOD_ID, '--instances-cmd', 'false'], /--instances-cmd false: exit 1/],
      [['rollback', GOOD_ID, '--instances', f.list, '--batch-size', '0'], /--batch-size must be/],
      [['rollback', GOOD_ID, '--instances', f.list, '--batch-size', '150%'], /--batch-size must be/],
      [['rollback', GOOD_ID, '--instances', f.list, '--delay', 'soon'], /--delay must be a duration/],
      [['rollback', GOOD_ID, '--instances', f.list, '--delay', '99999999h'], /--delay must be at most 596h/],
      [['rollback', GOOD_ID, '--instances', f.list, '--max-failures', '-1'], /--max-failures must be/],
      [['rollback', GOOD_ID, '--batch-size', '2'], /--batch-size need --instances/],
      [['rollback', GOOD_ID, '--instances', f.list, '--instances-cmd', 'true'], /cannot be used together/],
      [['rollback', GOOD_ID, '--instances', f.list, '--file', 'x'], /apply to a local rollback/],
      [['rollback', '--instances', f.list], /needs a TARGET/],
      [['rollback', GOOD_ID, '--instances', join(f.control, 'missing.txt')], /missing\.txt: ENOENT/],
    ];
    console.log(`rollout.e2e: ${cases.length + 2} kinds of hostile or wrong input tried`);
    for (const [args, message] of cases) {
      const r = cfgtrail([...args, '--yes'], { cwd: f.control });
      expect({ args, code: r.code }).toEqual({ args, code: args.some((a) => a.endsWith('missing.txt')) ? 8 : 5 });
      expect(r.stderr).toMatch(/^cfgtrail: [^\n]+\n$/);
      expect(r.stderr).toMatch(message);
    }
    // A target starting with '-' would reach each instance as an option.
    const dash = cfgtrail(['rollback', '--instances', f.list, '--yes', '--', '--force'], { cwd: f.control });
    expect(dash.code).toBe(5);
    expect(dash.stderr).toMatch(/the rollout target: not an instance name: "--force"/);
    // Without rollout settings.
    writeFileSync(join(f.control, '.cfgtrail', 'settings.yaml'), '');
    const none = cfgtrail(['rollback', GOOD_ID, '--instances', f.list, '--yes'], { cwd: f.control });
    expect(none.code).toBe(5);
    expect(none.stderr).toMatch(/no rollout.action/);
    expect(headOf(i.store)).toBe(head);
  });

  it('--dry-run prints the batches and the argv without running anything; without --yes and a terminal it refuses', async () => {
    const f = await startFleet(3);
    const r = cfgtrail(['rollback', GOOD_ID, '--instances', f.list, '--batch-size', '50%', '--dry-run'], { cwd: f.control });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Roll back 3 instances to I00000000000000aa in 2 batches/);
    expect(r.stdout).toContain(`batch 1: ${f.instances[0]!.name}, ${f.instances[1]!.name}\n`);
    expect(r.stdout).toContain(`"-C","${f.base}/${f.instances[0]!.name}","rollback","${GOOD_ID}"`);
    const no = cfgtrail(['rollback', GOOD_ID, '--instances', f.list], { cwd: f.control });
    expect(no.code).toBe(13);
    expect(cfgtrail(['rollout', 'status'], { cwd: f.control }).stdout).toBe('no rollout in this store\n');
  });

  it.skipIf(!hasTmux)('on a terminal: a progress line per step with batch, bar, instance, state and time, then the report', async () => {
    const f = await startFleet(3);
    const t = await runInTerminal([process.execPath, BIN, 'rollback', GOOD_ID, '--instances', f.list, '--batch-size', '2', '--delay', '1s', '--yes'], { cwd: f.control, env: cliEnv() });
    expect(t.code).toBe(0);
    const [a, b, c] = f.instances.map((i) => i.name.replace(/\./g, '\\.'));
    expect(t.screen).toMatch(/^rollout ROLLOUT-[0-9a-f]{8} starting: I00000000000000aa on 3 instances in 2 batches$/m);
    expect(t.screen).toMatch(new RegExp(`^batch 1/2: ${a}, ${b}$`, 'm'));
    expect(t.screen).toMatch(new RegExp(`^\\[batch 1/2 ░{12} 0/3\\] (${a}|${b})  running  [\\d.]+ (ms|s)  rolling back$`, 'm'));
    expect(t.screen).toMatch(new RegExp(`^\\[batch 2/2 █{12} 3/3\\] ${c}  healthy  [\\d.]+ s  healthy \\(1 check\\)$`, 'm'));
    expect(t.screen).toMatch(/^gate of batch 1: passed {2}[\d.]+ (ms|s)$/m);
    expect(t.screen).toMatch(/^waiting 1 s before batch 2$/m);
    expect(t.screen).toMatch(/^rollout ROLLOUT-[0-9a-f]{8} to I00000000000000aa: completed$/m);
    expect(t.screen).toMatch(new RegExp(`^  ${c}\\s+batch 2  healthy\\s+on [0-9a-f]{7} \\(was [0-9a-f]{7}\\)  healthy \\(1 check\\)$`, 'm'));
    expect(t.screen).not.toMatch(/"phase"/);
    expect(t.screen).not.toContain('undefined'); // the health checks' own events are not progress lines
  });

  it('--continue and --abort refuse a rollout that another live process is carrying out', async () => {
    const f = await startFleet(1);
    const i = f.instances[0]!;
    const before = headOf(i.store);
    // The state a running rollout leaves, owned by a live node process (this test runner).
    const state = {
      version: 1, id: 'ROLLOUT-0000beef', target: GOOD_ID, status: 'running', batches: 1, batch: 1, delayMs: 0, maxFailures: 0, reason: null, stopped: null,
      instances: [{ name: i.name, batch: 1, state: 'running', acted: false, from: null, to: null, message: 'rolling back' }],
      startedAt: new Date().toISOString(), updatedAt: new Date().toISOString(), owner: { pid: process.pid, host: hostname(), since: new Date().toISOString() }, records: [],
    };
    writeFileSync(join(f.control, '.cfgtrail', 'cfgtrail-rollout.json'), JSON.stringify(state));
    for (const how of ['--continue', '--abort']) {
      const r = cfgtrail(['rollback', how], { cwd: f.control });
      expect(r.code).toBe(13);
      expect(r.stderr).toMatch(new RegExp(`^cfgtrail: rollout ROLLOUT-0000beef is being carried out by pid ${process.pid} `));
    }
    expect(cfgtrail(['rollout', 'status'], { cwd: f.control }).stdout).toMatch(new RegExp(`in progress: pid ${process.pid}`));
    expect(rollout(f).code).toBe(13);
    expect(headOf(i.store)).toBe(before);
    expect(JSON.parse(readFileSync(join(f.control, '.cfgtrail', 'cfgtrail-rollout.json'), 'utf8'))).toEqual(state);
  });
});

describe('rollout records in the rest of the tool', () => {
  it('rollback --previous steps over them to the newest change; suspects calls them rollouts', () => {
    const dir = tempDir('cfgtrail-rollout-record-');
    writeFileSync(join(dir, 'app.yaml'), 'pool: 10\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    // The instances' own cfgtrail is not what is tried here: an action that succeeds stands in for it.
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), 'rollout: { action: ["sh", "-c", "exit 0", "x", "{instance}", "{target}"], timeout: 5s }\n');
    expect(cfgtrail(['snapshot', '-m', 'Good config', '--change-id', GOOD_ID], { cwd: dir }).code).toBe(0);
    const good = gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
    writeFileSync(join(dir, 'app.yaml'), 'pool: 20\n');
    expect(cfgtrail(['snapshot', '-m', 'Raise pool'], { cwd: dir }).code).toBe(0);
    const fleet = join(tempDir(), 'fleet.txt'); // outside the config dir: not a tracked file
    writeFileSync(fleet, 'web-1\nweb-2\n');
    const r = cfgtrail(['rollback', GOOD_ID, '--instances', fleet, '--yes'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const record = gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
    expect(gitIn(join(dir, '.cfgtrail'), ['log', '-1', '--format=%(trailers:key=Rollout-State,valueonly)']).trim()).toBe('completed');
    const prev = cfgtrail(['rollback', '--previous', '--dry-run', '--json'], { cwd: dir });
    expect(prev.code, prev.stderr).toBe(0);
    expect((JSON.parse(prev.stdout) as { plan: { target: { commit: string } } }).plan.target.commit).toBe(good);
    const s = JSON.parse(cfgtrail(['suspects', '--at', 'now', '--json'], { cwd: dir }).stdout) as { suspects: { kind: string; commit: string }[] };
    expect(s.suspects.find((x) => x.commit === record)?.kind).toBe('rollout');
  });
});
