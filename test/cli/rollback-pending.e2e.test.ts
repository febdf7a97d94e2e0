/**
 * Interrupted rollbacks: a kill while files are written, Ctrl-C or SIGTERM
 * during restarts and checks. The real CLI runs as a child process; strace
 * kills it at an exact rename so every run stops at the same point.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';
import { killAtFileRename, RENAMES, renamesBeforeFiles } from '../helpers/strace.js';
import { parseNote } from '../../src/core/record/verification-note.js';

/** The note a killed command's left-over lock earns the next one. */
const TAKEOVER = /^note: took over the store lock left by pid \d+ \(cfgtrail rollback .*\), which no longer runs\n/;

const FILES = 20;
const fname = (i: number) => `f${String(i).padStart(2, '0')}.yaml`;

/** A store with two snapshots: every file at `v: 1`, then at `v: 2`. Returns the first commit. */
function twoVersions(dir: string, settings = ''): { store: string; v1: string } {
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, fname(i)), 'v: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  if (settings) writeFileSync(join(store, 'settings.yaml'), settings);
  expect(cfgtrail(['snapshot', '-m', 'version 1'], { cwd: dir }).code).toBe(0);
  const v1 = gitIn(store, ['rev-parse', 'HEAD']).trim();
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, fname(i)), 'v: 2\n');
  expect(cfgtrail(['snapshot', '-m', 'version 2'], { cwd: dir }).code).toBe(0);
  return { store, v1 };
}

const contents = (dir: string) => Array.from({ length: FILES }, (_, i) => readFileSync(join(dir, fname(i)), 'utf8'));
const tempsIn = (dir: string) => readdirSync(dir).filter((n) => /\.cfgtrail-\d+-[0-9a-f]{8}-\d+~$/.test(n));

describe('a rollback killed while writing files', () => {
  it('is reported by status, diff and snapshot, refuses another target, and --continue finishes it', () => {
    const dir = tempDir('cfgtrail-pending-');
    const { store, v1 } = twoVersions(dir);
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    expect(killAtFileRename(['rollback', v1, '--yes', '--no-restart', '--no-verify'], dir, 8)).toBe(null);
    const mixed = contents(dir);
    expect(mixed.filter((c) => c === 'v: 1\n').length).toBeGreaterThan(0);
    expect(mixed.filter((c) => c === 'v: 2\n').length).toBeGreaterThan(0);
    expect(tempsIn(dir).length).toBeGreaterThan(0); // staged copies the kill left

    const status = cfgtrail(['status'], { cwd: dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Rollback in progress: a rollback to .{7} was interrupted while restoring files/);
    expect(status.stdout).toContain('cfgtrail rollback --continue');
    expect(status.stdout).toContain('cfgtrail rollback --abort');
    const json = JSON.parse(cfgtrail(['status', '--json'], { cwd: dir }).stdout) as { pendingRollback: { target: string; stage: string; running: boolean } };
    expect(json.pendingRollback).toMatchObject({ target: v1, stage: 'write', running: false });
    expect(cfgtrail(['diff'], { cwd: dir }).stderr).toMatch(/^warning: a rollback to .{7} was interrupted/);
    // A pre-deploy `cfgtrail check` fails on it too.
    const check = cfgtrail(['check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^fail {2}rollback {10}a rollback to .{7} was interrupted/m);

    // A snapshot would record the half-restored mix as an ordinary change: refused, nothing written.
    const snap = cfgtrail(['snapshot', '-m', 'mix'], { cwd: dir });
    expect(snap.code).toBe(13);
    expect(snap.stderr.replace(TAKEOVER, '')).toMatch(/^cfgtrail: not recording a snapshot: a rollback to .{7} was interrupted.*--force\)\n$/);
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(head);

    // Another target, or --last-good naming another one, is refused naming the pending one: never substituted.
    expect(cfgtrail(['mark-good', 'HEAD'], { cwd: dir }).code).toBe(0);
    for (const other of [['HEAD'], ['--last-good']]) {
      const r = cfgtrail(['rollback', ...other, '--yes', '--no-restart', '--no-verify'], { cwd: dir });
      expect(r.code).toBe(13);
      expect(r.stderr).toContain(`a rollback to ${v1.slice(0, 7)} was interrupted`);
      expect(r.stderr).toContain('Nothing was changed');
    }
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(contents(dir)).toEqual(mixed);

    const cont = cfgtrail(['rollback', '--continue', '--yes'], { cwd: dir });
    expect(cont.stderr).not.toContain('cfgtrail:');
    expect(cont.code).toBe(0);
    expect(cont.stdout).toContain(`Rolled back to ${v1.slice(0, 7)}`);
    expect(contents(dir).every((c) => c === 'v: 1\n')).toBe(true);
    expect(gitIn(store, ['rev-parse', 'HEAD^{tree}'])).toBe(gitIn(store, ['rev-parse', `${v1}^{tree}`]));
    expect(gitIn(store, ['log', '--format=%(trailers:key=Rollback-To,valueonly)']).split('\n').filter(Boolean)).toEqual([v1]);
    expect(tempsIn(dir)).toEqual([]); // the kill's temp files are gone, and were never tracked
    expect(gitIn(store, ['ls-tree', '-r', '--name-only', 'HEAD']).split('\n').filter((n) => n.includes('.cfgtrail-') && n.endsWith('~'))).toEqual([]);
    expect(existsSync(join(store, 'cfgtrail-rollback.json'))).toBe(false);
    expect(cfgtrail(['status'], { cwd: dir }).stdout).toMatch(/^clean/);
    expect(cfgtrail(['rollback', '--continue'], { cwd: dir }).code).toBe(10); // nothing left to continue
    gitIn(store, ['fsck', '--strict']);
  }, 60_000);

  it('--abort puts back exactly the files the rollback restored and keeps later hand edits', () => {
    const dir = tempDir('cfgtrail-abort-');
    const { store, v1 } = twoVersions(dir);
    writeFileSync(join(dir, fname(19)), 'v: drift\n'); // uncommitted drift: snapshotted before the rollback
    expect(killAtFileRename(['rollback', v1, '--yes', '--no-restart', '--no-verify'], dir, 6)).toBe(null);
    const drift = gitIn(store, ['log', '-1', '--format=%s%n%(trailers:key=Snapshot-Of,valueonly)']).trim();
    expect(drift).toBe('Pre-rollback snapshot of uncommitted changes\ndrift');
    writeFileSync(join(dir, fname(0)), 'v: edited after the kill\n'); // restored by the rollback, then edited by hand
    const r = cfgtrail(['rollback', '--abort'], { cwd: dir });
    expect(r.stderr).toMatch(new RegExp(`${TAKEOVER.source}$`));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Abandoned the rollback to .{7}: 4 file\(s\) put back as HEAD records them: f01.yaml, f02.yaml, f03.yaml, f04.yaml\.\n/);
    expect(r.stdout).toContain('Left as they are (edited since the rollback stopped): f00.yaml');
    const now = contents(dir);
    expect(now[0]).toBe('v: edited after the kill\n');
    expect(now.slice(1, 19).every((c) => c === 'v: 2\n')).toBe(true);
    expect(now[19]).toBe('v: drift\n');
    expect(tempsIn(dir)).toEqual([]);
    expect(existsSync(join(store, 'cfgtrail-rollback.json'))).toBe(false);
    expect(cfgtrail(['rollback', '--abort'], { cwd: dir }).code).toBe(10);
    const status = cfgtrail(['status'], { cwd: dir });
    expect(status.stdout).not.toContain('Rollback in progress');
    expect(status.stdout).toContain('M f00.yaml');
  }, 60_000);

  it('rejects --continue/--abort mixed with a target, and each other', () => {
    const dir = tempDir('cfgtrail-flags-');
    twoVersions(dir);
    for (const args of [['--continue', 'HEAD~1'], ['--abort', '--previous'], ['--continue', '--abort'], ['--abort', '--file', 'f00.yaml']]) {
      const r = cfgtrail(['rollback', ...args], { cwd: dir });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^cfgtrail: .*(--continue|--abort).*\n$/);
    }
  });
});

/** Settings with one service whose restart and check are scripts that log each run to `log`. */
function serviceSettings(dir: string, opts: { restartSleep: number; checkSleep: number }): string {
  const bin = join(dir, '..', `${dir.split('/').pop()}-bin`);
  mkdirSync(bin, { recursive: true });
  const log = join(bin, 'calls.log');
  const script = (name: string, sleep: number) => {
    const p = join(bin, name);
    writeFileSync(p, `#!/bin/sh\necho ${name} >> '${log}'\nsleep ${sleep}\nexit 0\n`, { mode: 0o755 });
    return p;
  };
  return [
    'services:',
    '  - name: app',
    '    files: ["*.yaml"]',
    `    restart: { command: ["${script('restart', opts.restartSleep)}"] }`,
    '    timeout: 30s',
    `    health: [{ command: ["${script('check', opts.checkSleep)}"], retries: 1 }]`,
    '',
  ].join('\n');
}

const callsOf = (dir: string) => {
  const log = join(dir, '..', `${dir.split('/').pop()}-bin`, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
};

/** Spawns the CLI and sends `signal` once `ready()` holds; resolves with exit code and stderr. */
function interruptWhen(args: string[], cwd: string, ready: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (ready()) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 20);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr });
    });
  });
}

describe('a rollback interrupted after its commit', () => {
  it('Ctrl-C during the restart: one line, exit 130; --continue restarts, verifies and writes the note', async () => {
    const dir = tempDir('cfgtrail-sigint-');
    const { store, v1 } = twoVersions(dir, serviceSettings(dir, { restartSleep: 3, checkSleep: 0 }));
    const r = await interruptWhen(['rollback', v1, '--yes'], dir, () => callsOf(dir).includes('restart'), 'SIGINT');
    expect(r.code).toBe(130);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('cfgtrail:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cfgtrail: interrupted after the rollback commit .{7} was recorded, while restarting or checking services: run `cfgtrail rollback --continue`/);
    const rollbackCommit = gitIn(store, ['rev-parse', 'HEAD']).trim();
    expect(gitIn(store, ['log', '-1', '--format=%(trailers:key=Rollback-To,valueonly)']).trim()).toBe(v1);
    const status = cfgtrail(['status'], { cwd: dir });
    expect(status.stdout).toContain(`interrupted after its commit ${rollbackCommit.slice(0, 7)}: services app are not yet restarted and verified`);

    // Rerunning the same command finishes the job too; --continue says it plainly.
    const cont = cfgtrail(['rollback', '--continue', '--yes'], { cwd: dir });
    expect(cont.code).toBe(0);
    expect(cont.stdout).toContain('Verified app');
    expect(cont.stdout).not.toContain('none affected');
    expect(callsOf(dir)).toEqual(['restart', 'restart', 'check']);
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(rollbackCommit); // no second rollback commit
    const note = parseNote(gitIn(store, ['notes', '--ref=cfgtrail', 'show', 'HEAD']));
    expect(note).toMatchObject({ result: 'passed', kind: 'rollback', services: [{ name: 'app', ok: true }] });
    expect(existsSync(join(store, 'cfgtrail-rollback.json'))).toBe(false);
  }, 60_000);

  it('SIGTERM during the checks: exit 143; --continue verifies without restarting again', async () => {
    const dir = tempDir('cfgtrail-sigterm-');
    const { store, v1 } = twoVersions(dir, serviceSettings(dir, { restartSleep: 0, checkSleep: 3 }));
    const r = await interruptWhen(['rollback', v1, '--yes'], dir, () => callsOf(dir).includes('check'), 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/cfgtrail: stopped by SIGTERM after the rollback commit .{7} was recorded/);
    const status = JSON.parse(cfgtrail(['status', '--json'], { cwd: dir }).stdout) as { pendingRollback: { stage: string } };
    expect(status.pendingRollback.stage).toBe('after-commit');
    // Nothing to wait for: the settings' checks run quickly now.
    const cont = cfgtrail(['rollback', '--continue', '--yes'], { cwd: dir });
    expect(cont.code).toBe(0);
    expect(callsOf(dir)).toEqual(['restart', 'check', 'check']); // restarted once, checked again
    expect(parseNote(gitIn(store, ['notes', '--ref=cfgtrail', 'show', 'HEAD']))).toMatchObject({ result: 'passed', kind: 'rollback' });
  }, 60_000);

  it('--abort after the commit keeps the commit and says what was not done', async () => {
    const dir = tempDir('cfgtrail-abort2-');
    const { store, v1 } = twoVersions(dir, serviceSettings(dir, { restartSleep: 3, checkSleep: 0 }));
    await interruptWhen(['rollback', v1, '--yes'], dir, () => callsOf(dir).includes('restart'), 'SIGINT');
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    const r = cfgtrail(['rollback', '--abort'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`its commit ${head.slice(0, 7)} stays`);
    expect(r.stdout).toContain('Not restarted or verified: app');
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(existsSync(join(store, 'cfgtrail-rollback.json'))).toBe(false);
  }, 60_000);
});

describe('the store lock', () => {
  it('a lock left by a killed command is taken over at once, with a note', () => {
    const dir = tempDir('cfgtrail-stale-');
    const { store, v1 } = twoVersions(dir);
    expect(killAtFileRename(['rollback', v1, '--yes', '--no-restart', '--no-verify'], dir, 3)).toBe(null);
    expect(JSON.parse(readFileSync(join(store, 'cfgtrail.lock'), 'utf8'))).toMatchObject({ pid: expect.any(Number), command: expect.stringMatching(/^cfgtrail rollback /) });
    const t0 = Date.now();
    const r = cfgtrail(['rollback', '--abort'], { cwd: dir });
    expect(Date.now() - t0).toBeLessThan(5_000); // not the 10 s wait, nor the 30 s staleness
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: took over the store lock left by pid \d+ \(cfgtrail rollback .* --yes --no-restart --no-verify, since .*\), which no longer runs\n$/);
    expect(existsSync(join(store, 'cfgtrail.lock'))).toBe(false);
  }, 60_000);

  it('a live holder is named with its pid and command', async () => {
    const dir = tempDir('cfgtrail-live-');
    const { store, v1 } = twoVersions(dir, 'lock_timeout: 1\n');
    // Hold the rollback inside the lock: the rename of its 5th file waits 4 s.
    const args = ['rollback', v1, '--yes', '--no-restart', '--no-verify'];
    const when = renamesBeforeFiles(args, dir) + 5;
    const holder = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', RENAMES, '-e', `inject=rename,renameat,renameat2:delay_enter=4000000:when=${when}`,
      process.execPath, BIN, ...args], { cwd: dir, env: cliEnv(), stdio: 'ignore' });
    const done = new Promise((res) => holder.on('exit', res));
    try {
      const ownerFile = join(store, 'cfgtrail.lock');
      while (!existsSync(ownerFile)) await new Promise((r) => setTimeout(r, 20));
      const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid: number; since: string };
      const r = cfgtrail(['snapshot', '-m', 'waits'], { cwd: dir });
      expect(r.code).toBe(6);
      expect(r.stderr).toBe(`cfgtrail: the store is locked by pid ${owner.pid} (cfgtrail rollback ${v1} --yes --no-restart --no-verify, since ${owner.since}) (waited 1 s); try again when it has finished\n`);
    } finally {
      await done;
    }
    expect(contents(dir).every((c) => c === 'v: 1\n')).toBe(true);
  }, 60_000);

  it('a stray file named cfgtrail.lock is named for what it is', () => {
    const dir = tempDir('cfgtrail-stray-');
    const { store } = twoVersions(dir);
    writeFileSync(join(store, 'cfgtrail.lock'), 'not ours\n');
    const r = cfgtrail(['snapshot', '-m', 'x', '--allow-empty'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^cfgtrail: '.*cfgtrail\.lock' is not a lock cfgtrail made \(it names no holder\); if no cfgtrail command is running, remove it and run the command again\n$/);
  });
});
