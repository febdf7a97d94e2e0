/**
 * Aiming strace's fault injection at one system call of a cfgtrail command:
 * the calls before it are counted on a traced run of the same command on a
 * copy of the directory (same state, same steps), so a kill or a delay hits
 * the n-th live file's rename exactly, whatever the command does before.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN, cliEnv, tempDir } from './cli.js';

export const RENAMES = 'trace=rename,renameat,renameat2';

/** Renames the command makes before its first live file's (a rollback's temp copy being put in place). */
export function renamesBeforeFiles(args: string[], dir: string): number {
  const copy = tempDir('cfgtrail-count-');
  cpSync(dir, copy, { recursive: true });
  const log = join(copy, '..', `${copy.split('/').pop()}.strace`);
  spawnSync('strace', ['-f', '-qq', '-o', log, '-e', RENAMES, process.execPath, BIN, ...args], { cwd: copy, env: cliEnv() });
  const lines = readFileSync(log, 'utf8').split('\n').filter((l) => /rename/.test(l));
  rmSync(log, { force: true });
  const first = lines.findIndex((l) => /\.cfgtrail-\d+-[0-9a-f]{8}-\d+~"/.test(l));
  expect(first).toBeGreaterThanOrEqual(0);
  return first;
}

/** Runs the CLI under strace, SIGKILLed at the rename of its `nth` live file (1-based); returns its exit code (null: killed). */
export function killAtFileRename(args: string[], cwd: string, nth: number, env: NodeJS.ProcessEnv = {}): number | null {
  const when = renamesBeforeFiles(args, cwd) + nth;
  const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', RENAMES, '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${when}`,
    process.execPath, BIN, ...args], { cwd, env: cliEnv(env), encoding: 'utf8' });
  return r.status;
}
