import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { cfgtrail, cfgtrailAsync, git, tempDir } from '../helpers/cli.js';
import { problemsMetric, receiver, spawnWatch, watchedSample } from '../helpers/watch.js';
import { badConfig, sampleConfigText } from '../helpers/sample-service.js';

const FAST = ['interval: 200ms', 'breaches: 2', 'grace: 0s', 'cooldown: 10m', 'max_rollbacks: 3'];

function trailers(store: string, rev = 'HEAD'): string {
  return git(['--git-dir', store, 'log', '-1', '--format=%(trailers)', rev]);
}

async function health(url: string): Promise<number> {
  return (await fetch(`${url}/health`)).status;
}

describe('cfgtrail watch --once', () => {
  it('JSON source: one bad sample is only counted, the second rolls back to the last good revision with the reason', async () => {
    const w = await watchedSample();
    w.settings([...FAST, ...problemsMetric(w.svc)]);
    expect(cfgtrail(['watch', 'status'], { cwd: w.dir }).stdout).toMatch(/^watcher: has not run on this store yet\ncooldown: none\nautomatic rollbacks in the last hour: 0 of 3\nalert delivery failures: none\n$/);
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(0);
    w.breakIt();
    await new Promise((r) => setTimeout(r, 150));
    expect(await health(w.svc.url)).toBe(500);
    const badId = git(['--git-dir', w.store, 'log', '-1', '--format=%(trailers:key=Change-Id,valueonly)']).trim();
    const first = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(first.code).toBe(17);
    const lines = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'sample', metric: 'problems', value: 1, verdict: 'breach', streak: 1 });
    expect(lines.at(-1)).toMatchObject({ type: 'decision', action: 'none' });
    const second = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(18);
    expect(second.stdout).toMatch(/"type":"rollback-done","at":"[^"]+","ok":true/);
    expect(await health(w.svc.url)).toBe(200);
    const t = trailers(w.store);
    expect(t).toContain(`Rollback-Of: ${badId}`);
    expect(t).toContain(`Reason: auto-rollback: problems 1 > 0 for 2 samples since ${badId}`);
    expect(git(['--git-dir', w.store, 'notes', '--ref=cfgtrail', 'show', 'HEAD'])).toMatch(/verification: passed/);
    // Healthy again: exit 0; status shows the rollback and the cooldown.
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(0);
    const status = JSON.parse(cfgtrail(['watch', 'status', '--json'], { cwd: w.dir }).stdout) as { rollbacksThisHour: number; cooldownUntil: string | null; lastSamples: { verdict: string }[] };
    expect(status.rollbacksThisHour).toBe(1);
    expect(status.cooldownUntil).not.toBeNull();
    expect(status.lastSamples).toEqual([expect.objectContaining({ metric: 'problems', verdict: 'ok' })]);
    git(['--git-dir', w.store, 'fsck', '--strict']);
  });

  it('a freeze during the breach (the incident playbook) neither restarts the count nor the grace, and the reason names the change', async () => {
    const w = await watchedSample();
    w.settings(['interval: 200ms', 'breaches: 2', 'grace: 10m', 'cooldown: 10m', ...problemsMetric(w.svc)]);
    // the bad change is older than the grace: its samples are judged
    const old = `@${Math.floor(Date.now() / 1000) - 3600} +0000`;
    writeFileSync(join(w.dir, 'config.yaml'), sampleConfigText(badConfig()));
    expect(cfgtrail(['snapshot', '-m', 'Raise pool_max'], { cwd: w.dir, env: { GIT_AUTHOR_DATE: old } }).code).toBe(0);
    process.kill(w.svc.pid, 'SIGHUP');
    await new Promise((r) => setTimeout(r, 150));
    const badId = git(['--git-dir', w.store, 'log', '-1', '--format=%(trailers:key=Change-Id,valueonly)']).trim();
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(17);
    expect(cfgtrail(['freeze', '--reason', 'INC-9: errors on web'], { cwd: w.dir }).code).toBe(0);
    const second = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(second.stdout).toContain('"verdict":"breach","streak":2');
    expect(second.code).toBe(18);
    expect(trailers(w.store)).toContain(`Reason: auto-rollback: problems 1 > 0 for 2 samples since ${badId}`);
    git(['--git-dir', w.store, 'fsck', '--strict']);
  });

  it('flapping: a bad sample between good ones never adds up to a rollback', async () => {
    const w = await watchedSample();
    const value = join(tempDir(), 'value');
    const script = join(tempDir(), 'metric.sh');
    writeFileSync(script, `#!/bin/sh\ncat "${value}"\n`);
    chmodSync(script, 0o755);
    w.settings([...FAST, 'metrics:', `  - { name: queue_depth, command: ["${script}"], max: 500 }`]);
    w.breakIt();
    const head = git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim();
    for (const v of [900, 10, 900, 10, 900]) {
      writeFileSync(value, `${v}\n`);
      expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(v > 500 ? 17 : 0);
    }
    expect(git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim()).toBe(head);
    // Two in a row do.
    writeFileSync(value, '901\n');
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(18);
    expect(trailers(w.store)).toContain('Reason: auto-rollback: queue_depth 901 > 500 for 2 samples since I');
  });

  it('no data: ignored exits 14 and never rolls back; as breach it does', async () => {
    const w = await watchedSample();
    const metric = ['metrics:', '  - { name: queue_depth, command: ["sh", "-c", "echo down >&2; exit 3"], max: 500 }'];
    w.settings([...FAST, 'no_data: ignore', ...metric]);
    w.breakIt();
    for (let i = 0; i < 3; i++) {
      const r = cfgtrail(['watch', '--once'], { cwd: w.dir });
      expect(r.code).toBe(14);
      expect(r.stdout).toContain('"error":"exit 3: down"');
    }
    w.settings([...FAST, 'no_data: breach', ...metric]);
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(17);
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(18);
    expect(trailers(w.store)).toContain('Reason: auto-rollback: queue_depth no data (exit 3: down) for 2 samples');
  });

  it('cooldown survives a watcher restart; nothing newer than last good is alert only', async () => {
    const w = await watchedSample();
    w.settings([...FAST, ...problemsMetric(w.svc)]);
    w.breakIt('first bad');
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(17);
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(18);
    // A second bad change within the cooldown: each --once is a fresh watcher process.
    w.breakIt('second bad');
    const head = git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim();
    cfgtrail(['watch', '--once'], { cwd: w.dir });
    const held = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(held.code).toBe(17);
    expect(held.stdout).toContain('"action":"alert-only","why":"cooldown"');
    expect(git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim()).toBe(head);
    // The newest revision is the last good one: nothing to roll back to.
    w.settings(['interval: 200ms', 'breaches: 1', 'grace: 0s', 'cooldown: 1ms', ...problemsMetric(w.svc)]);
    expect(cfgtrail(['mark-good'], { cwd: w.dir }).code).toBe(0);
    const nothing = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(nothing.code).toBe(17);
    expect(nothing.stdout).toContain('"why":"nothing-newer"');
  });

  it('a breach that outlives a rollback to the live state (its verification unrecorded) is alert only, alerted once', async () => {
    const w = await watchedSample();
    const hook = await receiver();
    const value = join(tempDir(), 'value');
    writeFileSync(value, '900\n');
    // No health checks: the rollback's verification is "unverified", so the last good revision stays the older one.
    writeFileSync(join(w.store, 'settings.yaml'), [
      'services:',
      '  - { name: sample, files: ["config.yaml"], restart: { command: ["kill", "-HUP", "' + w.svc.pid + '"] } }',
      'watch:',
      '  interval: 200ms', '  breaches: 1', '  grace: 0s', '  cooldown: 1ms',
      `  metrics: [{ name: queue_depth, command: ["cat", "${value}"], max: 500 }]`,
      `  alerts: [{ webhook: "${hook.url}" }]`,
      '',
    ].join('\n'));
    w.breakIt();
    expect((await cfgtrailAsync(['watch', '--once'], { cwd: w.dir })).code).toBe(18);
    const head = git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim();
    for (const alerted of [true, false]) {
      const r = await cfgtrailAsync(['watch', '--once'], { cwd: w.dir });
      expect(r.code).toBe(17);
      expect(r.stdout).toMatch(/"action":"alert-only","why":"nothing-newer","reason":"auto-rollback: queue_depth 900 > 500 for \d samples? since I[0-9a-f]{16}"/);
      expect(r.stdout).toContain(`"alerted":${alerted}`);
    }
    expect(git(['--git-dir', w.store, 'rev-parse', 'HEAD']).trim()).toBe(head);
    const events = hook.bodies.map((b) => (JSON.parse(b.body) as { event: string }).event);
    expect(events).toEqual(['auto-rollback-started', 'auto-rollback-succeeded', 'breach-no-rollback']);
  });

  it('max rollbacks per hour: beyond it, alert only', async () => {
    const w = await watchedSample();
    w.settings(['interval: 200ms', 'breaches: 1', 'grace: 0s', 'cooldown: 1ms', 'max_rollbacks: 1', ...problemsMetric(w.svc)]);
    w.breakIt('bad 1');
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(18);
    w.breakIt('bad 2');
    const r = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(r.code).toBe(17);
    expect(r.stdout).toContain('"why":"max-rollbacks"');
    const status = cfgtrail(['watch', 'status'], { cwd: w.dir });
    expect(status.stdout).toContain('automatic rollbacks in the last hour: 1 of 1');
  });

  it('bad settings and usage fail with one line', async () => {
    const w = await watchedSample();
    w.settings(['interval: 10', ...problemsMetric(w.svc)]);
    const r = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/settings\.yaml:\d+: .*interval/);
    w.settings(['metrics:', '  - { name: x, command: ["true"] }']);
    expect(cfgtrail(['status'], { cwd: w.dir }).stderr).toMatch(/watch\.metrics\[0\]: metric 'x' needs max or min/);
    w.settings(['metrics: []']);
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).stderr).toMatch(/nothing to watch/);
    expect(cfgtrail(['watch', 'stauts'], { cwd: w.dir }).code).toBe(5);
    // a --log that cannot be written is one line and exit 8 before anything is watched, never an internal error
    w.settings(problemsMetric(w.svc));
    const log = cfgtrail(['watch', '--once', '--log', '/nonexistent/dir/watch.log'], { cwd: w.dir });
    expect(log.code).toBe(8);
    expect(log.stderr).toBe("cfgtrail: --log /nonexistent/dir/watch.log: ENOENT: cannot write the log there\n");
  });
});

describe('cfgtrail watch (long-running)', () => {
  it('rolls back a bad change, keeps a grace window after its restart, and stops cleanly on SIGTERM', async () => {
    const w = await watchedSample();
    w.settings(['interval: 100ms', 'breaches: 3', 'grace: 1s', 'cooldown: 10m', ...problemsMetric(w.svc)]);
    const watch = spawnWatch(w.dir);
    await watch.waitFor((l) => l.type === 'sample' && l.verdict === 'ok');
    w.breakIt();
    // The change opens a grace window: its first samples are not judged.
    await watch.waitFor((l) => l.type === 'sample' && l.verdict === 'grace');
    const done = await watch.waitFor((l) => l.type === 'rollback-done');
    expect(done).toMatchObject({ ok: true });
    const rolledAt = watch.lines.indexOf(done);
    // After the rollback's restart, grace again, then healthy samples.
    await watch.waitFor((l) => l.type === 'sample' && l.verdict === 'ok' && watch.lines.indexOf(l) > rolledAt);
    const after = watch.lines.slice(rolledAt + 1).filter((l) => l.type === 'sample');
    expect(after[0]).toMatchObject({ verdict: 'grace' });
    const breaches = watch.lines.slice(0, rolledAt).filter((l) => l.type === 'sample' && l.verdict === 'breach');
    expect(breaches.map((l) => l.streak)).toEqual([1, 2, 3]);
    expect(await health(w.svc.url)).toBe(200);
    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);
    expect(watch.lines.some((l) => l.type === 'stop' && l.signal === 'SIGTERM')).toBe(true);
    expect(watch.stderr()).toBe('');
  });

  it('one watcher per store: a second is refused naming the first; a killed one is taken over', async () => {
    const w = await watchedSample();
    w.settings(['interval: 100ms', ...problemsMetric(w.svc)]);
    const first = spawnWatch(w.dir);
    await first.waitFor((l) => l.type === 'sample');
    const second = cfgtrail(['watch', '--once'], { cwd: w.dir });
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(new RegExp(`^cfgtrail: another watcher runs on this store: pid ${first.child.pid} .*cfgtrail watch.*; stop it first\n$`));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(cfgtrail(['watch', '--once'], { cwd: w.dir }).code).toBe(0);
    expect(existsSync(join(w.store, 'cfgtrail-watch.pid'))).toBe(false);
  });

  it('four watchers started at the same instant: exactly one runs, the others are refused naming it', async () => {
    const w = await watchedSample();
    w.settings(['interval: 100ms', ...problemsMetric(w.svc)]);
    const all = [0, 1, 2, 3].map(() => spawnWatch(w.dir));
    await new Promise((r) => setTimeout(r, 2500));
    const codes = all.map((x) => x.child.exitCode);
    expect(codes.filter((c) => c === null)).toHaveLength(1); // still running
    expect(codes.filter((c) => c === 6)).toHaveLength(3);
    for (const x of all) if (x.child.exitCode === null) x.child.kill('SIGTERM');
    await Promise.all(all.map((x) => x.exited));
  });

  it('a watcher killed in the middle of its rollback: the next watcher finishes the same rollback, once', async () => {
    const w = await watchedSample();
    // A slow restart, so the kill lands after the rollback commit and before the service is reloaded.
    const extra = ['watch:', '  interval: 100ms', '  breaches: 1', '  grace: 0s', '  cooldown: 1ms', ...problemsMetric(w.svc).map((l) => `  ${l}`)];
    writeFileSync(join(w.store, 'settings.yaml'), [
      'services:',
      `  - { name: sample, files: ["config.yaml"], restart: { command: ["sh", "-c", "sleep 2; kill -HUP ${w.svc.pid}"] }, timeout: 10s,`,
      `      health: [{ http: "${w.svc.url}/health", retries: 5, timeout: 1s }] }`,
      ...extra,
      '',
    ].join('\n'));
    w.breakIt();
    const first = spawnWatch(w.dir);
    await first.waitFor((l) => l.type === 'rollback' && l.phase === 'commit' && l.step === 'done');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(cfgtrail(['status'], { cwd: w.dir }).stdout).toMatch(/rollback .*(interrupted|pending)/i);
    expect(await health(w.svc.url)).toBe(500);
    const second = spawnWatch(w.dir);
    const done = await second.waitFor((l) => l.type === 'rollback-done', 30_000);
    expect(done).toMatchObject({ ok: true });
    // Finished before anything was sampled, whatever the metric says by now.
    expect(second.lines.find((l) => l.type === 'decision' || l.type === 'sample')).toMatchObject({ type: 'decision', action: 'rollback', resumed: true });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await health(w.svc.url)).toBe(200);
    const rollbacks = git(['--git-dir', w.store, 'log', '--format=%(trailers:key=Rollback-To,valueonly)']).split('\n').filter((l) => l.trim());
    expect(rollbacks).toHaveLength(1);
    expect(existsSync(join(w.store, 'cfgtrail-rollback.json'))).toBe(false);
    git(['--git-dir', w.store, 'fsck', '--strict']);
  });
});
