/**
 * Helpers for the rollback safety tests: run the built CLI (optionally under
 * strace with one syscall held open), find which call to hold, and snapshot a
 * directory tree (content, mode, owner) to prove it did not change.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cliEnv, type RunResult } from '../helpers/cli.js';

/** The CLI under test: `CFGTRAIL_TEST_BIN` lets the same tests run against an older build. */
export const TEST_BIN = process.env.CFGTRAIL_TEST_BIN ?? BIN;

export function run(args: string[], cwd: string): RunResult {
  const r = spawnSync(process.execPath, [TEST_BIN, ...args], { cwd, env: cliEnv(), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Which call to hold: the `when`-th `name` call of the main thread. */
export interface Hold {
  name: string;
  when: number;
}

/**
 * Runs `args` once under strace on a copy of `dir` (cp -a) and returns the
 * first traced call whose text matches `match`, counted among calls of its
 * own name (strace counts injections per syscall).
 */
export function findCall(dir: string, args: string[], trace: string, match: RegExp): Hold {
  const copy = mkdtempSync(join(tmpdir(), 'cfgtrail-calib-'));
  const log = join(copy, 'strace.log');
  try {
    execFileSync('cp', ['-a', `${dir}/.`, join(copy, 'root')]);
    spawnSync('strace', ['-f', '-qq', '-y', '-s', '4096', '-o', log, '-e', `trace=${trace}`, process.execPath, TEST_BIN, ...args], { cwd: join(copy, 'root'), env: cliEnv() });
    const counts = new Map<string, number>();
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const m = /^\d+\s+([a-z0-9_]+)\(/.exec(line);
      if (!m) continue;
      const n = (counts.get(m[1]!) ?? 0) + 1;
      counts.set(m[1]!, n);
      // The copy's path differs from the real one: match on what follows the root.
      if (match.test(line.split(join(copy, 'root')).join(dir))) return { name: m[1]!, when: n };
    }
    throw new Error(`no ${trace} call matched ${match} in calibration run`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Runs `args` under strace with call `hold` held for `ms`; `during` runs while it is held. */
export async function runHeld(dir: string, args: string[], trace: string, hold: Hold, ms: number, during: () => void | Promise<void>, waitFor: () => boolean): Promise<RunResult> {
  const child = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${trace}`, '-e', `inject=${hold.name}:delay_enter=${ms * 1000}:when=${hold.when}`, process.execPath, TEST_BIN, ...args], { cwd: dir, env: cliEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((res) => child.on('exit', (code) => res(code ?? -1)));
  const t0 = Date.now();
  // The held call comes right after the state `waitFor` sees (temp files staged, say).
  while (!waitFor()) {
    if (Date.now() - t0 > 20_000) throw new Error('the rollback never reached the held call');
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, Math.min(300, ms / 4)));
  await during();
  const code = await exited;
  return { code, stdout, stderr };
}

/** Every entry under `dir` with type, content, mode and owner. */
export function treeState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${meta}`;
        walk(p, r);
      } else out[r] = `file ${meta} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir, '');
  return out;
}

/** Temp files of a rollback in `dir` (`.NAME.cfgtrail-<pid>-<tag>-<n>~`). */
export function hasTemp(dir: string, name: string): boolean {
  try {
    return readdirSync(dir).some((n) => n.startsWith(`.${name}.cfgtrail-`) && !n.includes('-kept-'));
  } catch {
    return false; // not there (yet)
  }
}
