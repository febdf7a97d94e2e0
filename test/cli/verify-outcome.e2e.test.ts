/**
 * What a restart and verification is called, through bin/: never "checks
 * passed" for a service whose restart failed or that has no checks; a
 * verification that checked nothing is recorded `unverified` and never taken
 * by `rollback --last-good`; a supervisor program that dies right after it
 * reached RUNNING fails its restart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { cfgtrail, git, tempDir } from '../helpers/cli.js';
import { hasSupervisord, startSupervisord } from '../helpers/supervisord.js';

/** A store over `files` (each `v: 1`, then `v: 2`) with `services` in settings.yaml: two snapshots. */
function twoSnapshots(files: string[], services: object[]) {
  const dir = tempDir();
  for (const f of files) writeFileSync(join(dir, f), 'v: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  writeFileSync(join(store, 'settings.yaml'), stringify({ services }));
  expect(cfgtrail(['snapshot', '-m', 'v1'], { cwd: dir }).code).toBe(0);
  for (const f of files) writeFileSync(join(dir, f), 'v: 2\n');
  expect(cfgtrail(['snapshot', '-m', 'v2'], { cwd: dir }).code).toBe(0);
  const rev = (r: string) => git(['--git-dir', store, 'rev-parse', r]).trim();
  const note = (r: string) => git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'show', r]);
  return { dir, store, rev, note };
}

describe.skipIf(!hasSupervisord)('restart and verify wording with a real supervisord', () => {
  it('a failed restart or a service without checks is never "checks passed"; a program dying after RUNNING fails', async () => {
    const sv = await startSupervisord([
      { name: 'fatal', command: ['/bin/false'], startretries: 1, settled: ['FATAL'] },
      // RUNNING after 1 s (startsecs), gone at 1.6 s.
      { name: 'dies', command: ['/bin/sleep', '1.6'], startsecs: 1, settled: ['RUNNING', 'EXITED'] },
      { name: 'good', command: ['/bin/sleep', '100000'] },
    ]);
    onTestFinished(() => sv.stop());
    const names = ['fatal', 'dies', 'good'];
    const { dir, rev, note } = twoSnapshots(names.map((n) => `${n}.yaml`), names.map((n) => ({
      name: n, files: [`${n}.yaml`], timeout: '10s', restart: { supervisor: { program: n, config: sv.confPath } },
    })));
    const r = cfgtrail(['rollback', '--previous', '--yes'], { cwd: dir });
    expect(r.code, r.stderr).toBe(11);
    expect(r.stderr).not.toContain('checks passed');
    expect(r.stderr).toContain('  verify good: not verified (no health checks)\n');
    expect(r.stderr).toContain('  verify fatal: not verified (restart failed; no health checks)\n');
    expect(r.stdout).toMatch(/^Restart FAILED: fatal: .*spawn error/m); // then FATAL, BACKOFF or EXITED, by timing
    // Judged once, right after `supervisorctl restart`, it was RUNNING; a second look sees it EXITED.
    expect(r.stdout).toMatch(/^Restart FAILED: dies: .*RUNNING.*, but \d+ms later program dies is EXITED/m);
    expect(r.stderr).toMatch(/^ {2}restart good: .*: ok, program good is RUNNING/m);
    expect(note(rev('HEAD')).split('\n')[0]).toBe('# cfgtrail verification: failed');
  }, 60_000);
});

describe('a verification that checked nothing is recorded unverified', () => {
  it('note, log and show say unverified; --last-good does not take it', () => {
    const { dir, rev, note } = twoSnapshots(['config.yaml'], [{ name: 'app', files: ['config.yaml'], restart: { command: ['/bin/true'] } }]);
    const r = cfgtrail(['rollback', '--previous', '--yes'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('  verify app: not verified (no health checks)\n');
    expect(r.stdout).toContain('Not verified: app has no health checks configured.');
    const rolled = rev('HEAD');
    expect(note(rolled).split('\n')[0]).toBe('# cfgtrail verification: unverified');

    writeFileSync(join(dir, 'config.yaml'), 'v: 77\n');
    expect(cfgtrail(['snapshot', '-m', 'later'], { cwd: dir }).code).toBe(0);
    const log = cfgtrail(['log', '-n', '2'], { cwd: dir });
    expect(log.stdout).toMatch(/verification: unverified .*\(app: no checks\)/);
    expect(log.stdout).not.toMatch(/verification: passed/);
    expect(cfgtrail(['show', rolled.slice(0, 7)], { cwd: dir }).stdout).toMatch(/verification: unverified/);
    const good = cfgtrail(['rollback', '--last-good', '--dry-run'], { cwd: dir });
    expect(good.code).not.toBe(0);
    expect(good.stderr).toMatch(/no revision has passed verification/);

    // `verify` of a service without checks says so and records `unverified`, exit 0.
    const v = cfgtrail(['verify'], { cwd: dir });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('- app  (no health checks: not verified)\n');
    expect(v.stdout).toMatch(/^verification unverified; recorded on /m);
  });

  it('a note written before `unverified` existed (passed, a service without checks) reads as unverified', () => {
    const { dir, store, rev } = twoSnapshots(['config.yaml'], []);
    const old = '# cfgtrail verification: passed\nresult: passed\nat: 2026-01-02T03:04:05.000Z\nkind: rollback\nservices:\n  - name: app\n    ok: true\n    checks: []\n';
    git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'add', '-m', old, rev('HEAD')]);
    expect(cfgtrail(['log', '-n', '1'], { cwd: dir }).stdout).toMatch(/verification: unverified 2026-01-02T03:04:05.000Z \(app: no checks\)/);
    expect(cfgtrail(['rollback', '--last-good', '--dry-run'], { cwd: dir }).stderr).toMatch(/no revision has passed verification/);
    // One with checks that passed stays good.
    const passed = old.replace('checks: []', 'checks:\n      - { check: tcp 127.0.0.1:1, ok: true, attempts: 1, durationMs: 1, message: open }');
    git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'add', '-f', '-m', passed, rev('HEAD~1')]);
    const good = cfgtrail(['rollback', '--last-good', '--dry-run'], { cwd: dir });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(`Roll back to ${rev('HEAD~1').slice(0, 7)} v1`);
  });
});
