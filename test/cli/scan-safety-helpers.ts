/**
 * Helpers for the scan safety tests: find which call of the scan to hold
 * (counted per thread, as strace counts injections), and run the CLI under
 * strace with that call held, killed (with everything it started) if it hangs.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv } from '../helpers/cli.js';
import { TEST_BIN, type Hold } from './rollback-safety-helpers.js';

/**
 * Runs `args` under strace on a copy of `dir` and returns every traced call
 * matching `match`, each with its number among its own thread's calls of the
 * same name (strace counts `when=` per syscall and per tracee).
 */
export function findCalls(dir: string, args: string[], trace: string, match: RegExp): Hold[] {
  const copy = mkdtempSync(join(tmpdir(), 'cfgtrail-calib-'));
  const log = join(copy, 'strace.log');
  try {
    execFileSync('cp', ['-a', `${dir}/.`, join(copy, 'root')]);
    spawnSync('strace', ['-f', '-qq', '-s', '4096', '-o', log, '-e', `trace=${trace}`, process.execPath, TEST_BIN, ...args], { cwd: join(copy, 'root'), env: cliEnv(), timeout: 30_000 });
    const counts = new Map<string, number>();
    const found: Hold[] = [];
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const m = /^(\d+)\s+([a-z0-9_]+)\(/.exec(line);
      if (!m) continue;
      const key = `${m[1]} ${m[2]}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (match.test(line.split(join(copy, 'root')).join(dir))) found.push({ name: m[2]!, when: n });
    }
    if (found.length === 0) throw new Error(`no ${trace} call matched ${match} in calibration run`);
    return found;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export interface HeldResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it did not finish within the time limit and was killed. */
  hung: boolean;
}

/**
 * Runs `args` under strace with `hold` held for `ms`; `during` runs once the
 * call is being held (after `settleMs`). Killed with its process group after `limitMs`.
 */
export async function runHeldWithLimit(dir: string, args: string[], trace: string, hold: Hold, ms: number, during: () => void, limitMs: number): Promise<HeldResult> {
  const child = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${trace}`, '-e', `inject=${hold.name}:delay_enter=${ms * 1000}:when=${hold.when}`, process.execPath, TEST_BIN, ...args], { cwd: dir, env: cliEnv(), detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let hung = false;
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const timer = setTimeout(() => {
    hung = true;
    process.kill(-child.pid!, 'SIGKILL'); // strace and the CLI it runs (a read blocked on a FIFO ignores strace's exit)
  }, limitMs);
  await untilHeld(child.pid!, limitMs);
  during();
  const code = await exited;
  clearTimeout(timer);
  return { code, stdout, stderr, hung };
}

/**
 * Waits until strace's child (the CLI's main thread) has sat in a tracing
 * stop for 150 ms: only the held call stops it that long.
 */
async function untilHeld(stracePid: number, limitMs: number): Promise<void> {
  const t0 = Date.now();
  let since = 0;
  while (Date.now() - t0 < limitMs) {
    await new Promise((r) => setTimeout(r, 10));
    const stopped = traceStopped(stracePid);
    if (!stopped) since = 0;
    else if (!since) since = Date.now();
    else if (Date.now() - since >= 150) return;
  }
  throw new Error('the held call was never reached');
}

function traceStopped(stracePid: number): boolean {
  try {
    const child = readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8').trim().split(' ')[0];
    return Boolean(child) && readFileSync(`/proc/${child}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('t');
  } catch {
    return false; // not started yet, or gone
  }
}

/** Every object in the store, as git prints it: the witness that no outside content got in. */
export function allObjects(store: string): string {
  return execFileSync('git', ['--git-dir', store, 'cat-file', '--batch-all-objects', '--batch'], { encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 });
}
