/**
 * Kill a rollback at every file-system call that changes something: each
 * rename, fsync, write, unlink, link, mkdir and rmdir it makes, one run per
 * call (strace counts them on a traced run, then SIGKILLs at the n-th). After
 * every kill: each live file is wholly before or wholly after, native git
 * trusts the store, nothing the user had is lost, and `rollback --continue`
 * (or a rerun) ends in exactly one rollback commit with the target's files.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';

const SYSCALLS = ['rename', 'fsync', 'write', 'unlink', 'link', 'mkdir', 'rmdir'] as const;

/** Live files before the rollback (drift included) and at the target; null: absent. */
const BEFORE: Record<string, string | null> = {
  'f1.yaml': 'v: drift\n', 'f2.yaml': 'v: 2\n', 'f3.yaml': 'v: 2\n', 'f4.yaml': 'v: 2\n', 'g.yaml': 'new: 1\n', 'd/x.yaml': null,
};
const TARGET: Record<string, string | null> = {
  'f1.yaml': 'v: 1\n', 'f2.yaml': 'v: 1\n', 'f3.yaml': 'v: 1\n', 'f4.yaml': 'v: 1\n', 'g.yaml': null, 'd/x.yaml': 'a: 1\n',
};

/** The store as the kills start from: target commit, newer commit, drift in f1. Made once, copied per run. */
function template(): { dir: string; target: string } {
  const dir = tempDir('cfgtrail-every-tpl-');
  for (const [p, c] of Object.entries(TARGET)) {
    if (c === null) continue;
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'target'], { cwd: dir }).code).toBe(0);
  const target = gitIn(join(dir, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
  rmSync(join(dir, 'd'), { recursive: true });
  for (const p of ['f1.yaml', 'f2.yaml', 'f3.yaml', 'f4.yaml']) writeFileSync(join(dir, p), 'v: 2\n');
  writeFileSync(join(dir, 'g.yaml'), 'new: 1\n');
  expect(cfgtrail(['snapshot', '-m', 'newer'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'f1.yaml'), 'v: drift\n');
  return { dir, target };
}

function read(dir: string, p: string): string | null {
  return existsSync(join(dir, p)) ? readFileSync(join(dir, p), 'utf8') : null;
}

/** Calls of `syscall` the whole rollback makes (all threads), from a traced run on a copy. */
function countCalls(tpl: string, args: string[], syscall: string): number {
  const copy = tempDir('cfgtrail-every-count-');
  cpSync(tpl, copy, { recursive: true });
  const log = `${copy}.strace`;
  spawnSync('strace', ['-f', '-qq', '-o', log, '-e', `trace=${syscall}`, process.execPath, BIN, ...args], { cwd: copy, env: cliEnv() });
  const n = readFileSync(log, 'utf8').split('\n').filter((l) => new RegExp(`\\b${syscall}\\(`).test(l)).length;
  rmSync(log, { force: true });
  return n;
}

describe('a rollback killed at every system call that writes', () => {
  it('never leaves a half file, a store git distrusts, lost drift, or a second rollback commit', () => {
    const { dir: tpl, target } = template();
    const args = ['rollback', target, '--yes', '--no-restart', '--no-verify', '-m', 'kill test'];
    const tried: Record<string, number> = {};
    const outcomes = { killed: 0, finishedBeforeKill: 0, resumedWithContinue: 0, rerun: 0 };
    for (const syscall of SYSCALLS) {
      const calls = countCalls(tpl, args, syscall);
      tried[syscall] = calls;
      for (let n = 1; n <= calls; n++) {
        const dir = tempDir('cfgtrail-every-');
        cpSync(tpl, dir, { recursive: true });
        const store = join(dir, '.cfgtrail');
        const run = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:signal=SIGKILL:when=${n}`,
          process.execPath, BIN, ...args], { cwd: dir, env: cliEnv() });
        if (run.status === null) outcomes.killed++;
        else outcomes.finishedBeforeKill++;
        const where = `${syscall} #${n}`;
        // Each file wholly before or wholly after.
        for (const p of Object.keys(BEFORE)) expect([BEFORE[p], TARGET[p]], `${where}: ${p}`).toContain(read(dir, p));
        gitIn(store, ['fsck', '--strict', '--no-progress']);
        // The next command sees the state; then the rollback is finished.
        const status = cfgtrail(['status', '--json'], { cwd: dir });
        expect(status.code, `${where}: ${status.stderr}`).toBe(0);
        const pending = (JSON.parse(status.stdout) as { pendingRollback: unknown }).pendingRollback !== null;
        const again = pending ? cfgtrail(['rollback', '--continue', '--yes'], { cwd: dir }) : cfgtrail(args, { cwd: dir });
        if (pending) outcomes.resumedWithContinue++;
        else outcomes.rerun++;
        expect([0, 10], `${where}: ${again.stderr}`).toContain(again.code);
        for (const p of Object.keys(TARGET)) expect(read(dir, p), `${where}: ${p} after finishing`).toBe(TARGET[p]);
        expect(gitIn(store, ['rev-parse', 'HEAD^{tree}']), where).toBe(gitIn(store, ['rev-parse', `${target}^{tree}`]));
        const rollbacks = gitIn(store, ['log', '--format=%(trailers:key=Rollback-To,valueonly)']).split('\n').filter(Boolean);
        expect(rollbacks, where).toEqual([target]);
        // The drift in f1.yaml is in history: the pre-rollback snapshot recorded it.
        const f1s = gitIn(store, ['log', '--format=%H']).split('\n').filter(Boolean).map((c) => gitIn(store, ['show', `${c}:f1.yaml`]));
        expect(f1s, where).toContain('v: drift\n');
        expect(existsSync(join(store, 'cfgtrail-rollback.json')), where).toBe(false);
        expect(readdirSync(dir).filter((x) => x.endsWith('~')), where).toEqual([]);
        expect(cfgtrail(['status', '--exit-code'], { cwd: dir }).code, where).toBe(0);
        gitIn(store, ['fsck', '--strict', '--no-progress']);
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const total = Object.values(tried).reduce((a, b) => a + b, 0);
    console.log(`kill-every: ${total} kills (${Object.entries(tried).map(([k, v]) => `${k} ${v}`).join(', ')}); `
      + `${outcomes.killed} died mid-way, ${outcomes.finishedBeforeKill} finished first; ${outcomes.resumedWithContinue} finished with --continue, ${outcomes.rerun} by a rerun`);
    expect(outcomes.killed).toBeGreaterThan(total / 2);
    expect(outcomes.resumedWithContinue).toBeGreaterThan(0);
  }, 600_000);
});
