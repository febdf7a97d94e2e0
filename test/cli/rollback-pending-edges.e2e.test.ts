/**
 * Edge cases of interrupted rollbacks and of the store lock that an
 * adversarial review found: a second drift snapshot, two --continue at
 * once, two waiters taking over one dead lock, lock and journal files that
 * are links or FIFOs, pids reused by other processes, leftovers of kills.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';
import { killAtFileRename } from '../helpers/strace.js';

const FILES = 6;
const fname = (i: number) => `f${i}.yaml`;

/** A store with `v: 1` then `v: 2` in every file; returns the first commit. */
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

const read = (dir: string, i: number) => readFileSync(join(dir, fname(i)), 'utf8');
const head = (store: string) => gitIn(store, ['rev-parse', 'HEAD']).trim();

/** A pid that no longer runs. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('interrupted twice', () => {
  it('stays pending through a second drift snapshot, and --continue keeps every edit', () => {
    const dir = tempDir('cfgtrail-twice-');
    const { store, v1 } = twoVersions(dir);
    writeFileSync(join(dir, fname(5)), 'v: drift one\n');
    expect(killAtFileRename(['rollback', v1, '--yes', '--no-restart', '--no-verify'], dir, 2)).toBe(null);
    writeFileSync(join(dir, fname(4)), 'v: edited after the first kill\n');
    expect(killAtFileRename(['rollback', '--continue', '--no-restart', '--no-verify'], dir, 2)).toBe(null);
    // Two drift snapshots now sit on top of the rollback's start: still pending.
    const status = JSON.parse(cfgtrail(['status', '--json'], { cwd: dir }).stdout) as { pendingRollback: { stage: string } | null };
    expect(status.pendingRollback?.stage).toBe('write');
    expect(cfgtrail(['snapshot', '-m', 'routine'], { cwd: dir }).code).toBe(13);
    const cont = cfgtrail(['rollback', '--continue'], { cwd: dir }); // no --yes needed: it was confirmed when it started
    expect(cont.stderr.replace(/^note: .*\n/gm, '')).toBe('');
    expect(cont.code).toBe(0);
    for (let i = 0; i < FILES; i++) expect(read(dir, i)).toBe('v: 1\n');
    const saved = gitIn(store, ['log', '--format=%H %s']).split('\n').filter((l) => l.includes('Pre-rollback snapshot')).map((l) => l.split(' ')[0]!);
    expect(saved).toHaveLength(2);
    expect(saved.map((c) => gitIn(store, ['show', `${c}:${fname(5)}`]))).toContain('v: drift one\n');
    expect(saved.map((c) => gitIn(store, ['show', `${c}:${fname(4)}`]))).toContain('v: edited after the first kill\n');
    expect(existsSync(join(store, 'cfgtrail-rollback.json'))).toBe(false);
  }, 60_000);
});

/** Settings with a command "service" that logs each restart to `log` and sleeps $SLEEP seconds. */
function loggingService(bin: string): string {
  mkdirSync(bin, { recursive: true });
  const restart = join(bin, 'restart');
  writeFileSync(restart, `#!/bin/sh\necho restart >> '${join(bin, 'calls.log')}'\nsleep \${SLEEP:-0}\n`, { mode: 0o755 });
  return ['services:', '  - name: app', '    files: ["*.yaml"]', `    restart: { command: ["${restart}"] }`, '    timeout: 60s', ''].join('\n');
}

describe('two --continue at once', () => {
  it('the second finds the work done: no second rollback commit, no second restart', async () => {
    const dir = tempDir('cfgtrail-double-');
    const bin = `${dir}-bin`;
    const { store, v1 } = twoVersions(dir, loggingService(bin));
    const calls = () => (existsSync(join(bin, 'calls.log')) ? readFileSync(join(bin, 'calls.log'), 'utf8').split('\n').filter(Boolean).length : 0);
    // A rollback killed during its (slow) restart, after its commit.
    const first = spawn(process.execPath, [BIN, 'rollback', v1, '--yes'], { cwd: dir, env: cliEnv({ SLEEP: '30' }), stdio: 'ignore', detached: true });
    while (calls() === 0) await new Promise((r) => setTimeout(r, 20));
    process.kill(-first.pid!, 'SIGKILL');
    await new Promise((r) => first.on('exit', r));
    const rollbackCommit = head(store);
    rmSync(join(bin, 'calls.log'));
    // The second --continue plans now, then is held 3 s before taking the lock (its link);
    // the first one, started meanwhile, finishes the job.
    const slow = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=link', '-e', 'inject=link:delay_enter=3000000:when=1',
      process.execPath, BIN, 'rollback', '--continue'], { cwd: dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let slowErr = '';
    slow.stderr.on('data', (b: Buffer) => (slowErr += b.toString()));
    await new Promise((r) => setTimeout(r, 1000));
    const fast = cfgtrail(['rollback', '--continue'], { cwd: dir });
    expect(fast.code).toBe(0);
    const slowCode = await new Promise((r) => slow.on('exit', r));
    expect(slowCode).toBe(10);
    expect(slowErr).toMatch(/cfgtrail: the interrupted rollback was finished by another command meanwhile: nothing to continue/);
    expect(head(store)).toBe(rollbackCommit); // no second, empty rollback commit
    expect(calls()).toBe(1);
  }, 60_000);
});

describe('the store lock under attack', () => {
  it('two waiters finding one dead lock never both hold it: no commit is orphaned', async () => {
    const dir = tempDir('cfgtrail-takeover-');
    const { store } = twoVersions(dir);
    const lock = join(store, 'cfgtrail.lock');
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), command: 'cfgtrail snapshot', since: new Date().toISOString() }));
    const run = (args: string[], title: string) => {
      const child = spawn('strace', ['-f', '-qq', '-o', '/dev/null', ...args, process.execPath, BIN, 'snapshot', '-m', title, '--allow-empty'],
        { cwd: dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      return new Promise<{ code: number | null; err: string }>((r) => child.on('exit', (code) => r({ code, err })));
    };
    // W2 is held 2 s at removing the dead lock; W1 comes meanwhile and is held 3 s inside
    // its critical section (moving the branch). Without a takeover mutex, W2 then removes
    // W1's fresh lock and both commit on the same parent.
    const w2 = run(['-P', lock, '-e', 'trace=unlink,unlinkat', '-e', 'inject=unlink,unlinkat:delay_enter=2000000:when=1'], 'W2');
    await new Promise((r) => setTimeout(r, 600));
    const w1 = run(['-P', join(store, 'refs/heads/main'), '-e', 'trace=rename', '-e', 'inject=rename:delay_enter=3000000:when=1'], 'W1');
    const [a, b] = await Promise.all([w1, w2]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(gitIn(store, ['log', '--format=%s', '-3']).split('\n').filter(Boolean).slice(0, 2).sort()).toEqual(['W1', 'W2']);
    expect(gitIn(store, ['fsck', '--no-reflogs', '--strict'])).not.toMatch(/dangling commit/);
    expect(`${a.err}${b.err}`.match(/took over the store lock/g)).toHaveLength(1);
  }, 60_000);

  it('a lock that is a symlink or a FIFO, and a FIFO journal, are refused or ignored at once, never waited on', () => {
    const dir = tempDir('cfgtrail-shapes-');
    const { store } = twoVersions(dir, 'lock_timeout: 0\n');
    const lock = join(store, 'cfgtrail.lock');
    symlinkSync('/nonexistent', lock);
    const t0 = Date.now();
    const link = spawnSync(process.execPath, [BIN, 'snapshot', '-m', 'x', '--allow-empty'], { cwd: dir, env: cliEnv(), encoding: 'utf8', timeout: 10_000 });
    expect(link.status).toBe(7);
    expect(link.stderr).toMatch(/is not a lock cfgtrail made \(a symlink\)/);
    rmSync(lock);
    spawnSync('mkfifo', [lock]);
    const fifo = spawnSync(process.execPath, [BIN, 'snapshot', '-m', 'x', '--allow-empty'], { cwd: dir, env: cliEnv(), encoding: 'utf8', timeout: 10_000 });
    expect(fifo.status).toBe(7);
    expect(fifo.stderr).toMatch(/is not a lock cfgtrail made \(not a regular file\)/);
    rmSync(lock);
    spawnSync('mkfifo', [join(store, 'cfgtrail-rollback.json')]);
    const status = spawnSync(process.execPath, [BIN, 'status'], { cwd: dir, env: cliEnv(), encoding: 'utf8', timeout: 10_000 });
    expect(status.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(9_000);
  }, 60_000);

  it('a pid now held by a newer node process is not the holder: the lock and the journal are taken over', async () => {
    const dir = tempDir('cfgtrail-reuse-');
    const { store, v1 } = twoVersions(dir);
    expect(killAtFileRename(['rollback', v1, '--yes', '--no-restart', '--no-verify'], dir, 2)).toBe(null);
    // Another node process now runs under the pid the lock and the journal name.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const since = new Date(Date.now() - 3_600_000).toISOString();
      const owner = { pid: other.pid!, host: hostname(), command: 'cfgtrail rollback', since };
      writeFileSync(join(store, 'cfgtrail.lock'), JSON.stringify(owner));
      const journal = JSON.parse(readFileSync(join(store, 'cfgtrail-rollback.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(store, 'cfgtrail-rollback.json'), JSON.stringify({ ...journal, owner }));
      const status = cfgtrail(['status'], { cwd: dir });
      expect(status.stdout).toMatch(/was interrupted while restoring files/);
      const cont = cfgtrail(['rollback', '--continue'], { cwd: dir });
      expect(cont.code).toBe(0);
      expect(cont.stderr).toMatch(new RegExp(`^note: took over the store lock left by pid ${other.pid} `));
    } finally {
      other.kill();
    }
  }, 60_000);

  it('Ctrl-C lets go of the lock, and the temp files of killed writers are removed by the next lock holder', async () => {
    const dir = tempDir('cfgtrail-leftovers-');
    const { store } = twoVersions(dir);
    const dead = deadPid();
    const leftovers = [`refs/heads/main.${dead}.lock`, `cfgtrail-rollback.json.${dead}.tmp`, `cfgtrail-index/head.${dead}.tmp`, `cfgtrail.lock.${dead}.0badcafe.tmp`];
    for (const f of leftovers) writeFileSync(join(store, f), 'left by a kill\n');
    // Held inside the lock (its first rename waits 5 s), then Ctrl-C.
    const child = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename', '-e', 'inject=rename:delay_enter=5000000:when=1',
      process.execPath, BIN, 'snapshot', '-m', 'held', '--allow-empty'], { cwd: dir, env: cliEnv(), stdio: 'ignore' });
    while (!existsSync(join(store, 'cfgtrail.lock'))) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    expect(leftovers.filter((f) => existsSync(join(store, f)))).toEqual([]);
    const node = spawnSync('pgrep', ['-f', `${BIN} snapshot -m held`], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number).filter(Boolean);
    for (const pid of node) process.kill(pid, 'SIGINT');
    await new Promise((r) => child.on('exit', r));
    // Whether or not it was in its critical section, the lock is not left behind.
    expect(readdirSync(store).filter((n) => n.startsWith('cfgtrail.lock'))).toEqual([]);
    const next = cfgtrail(['snapshot', '-m', 'next', '--allow-empty'], { cwd: dir });
    expect(next.code).toBe(0);
    expect(next.stderr).toBe('');
  }, 60_000);
});

describe('a store of one commit whose ref is lost', () => {
  it('is damage, not a new store: the index remembers the commit', () => {
    const dir = tempDir('cfgtrail-onecommit-');
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['snapshot', '-m', 'only'], { cwd: dir }).code).toBe(0);
    const store = join(dir, '.cfgtrail');
    const only = head(store);
    rmSync(join(store, 'refs/heads/main'));
    const r = cfgtrail(['snapshot', '-m', 'new root?', '--allow-empty'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(only);
  });
});
