import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';

export const BIN = resolve(import.meta.dirname, '../../bin/cfgtrail.js');
export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fixed identity and clock-free environment for the built CLI. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    GIT_AUTHOR_NAME: 'Test Operator',
    GIT_AUTHOR_EMAIL: 'ops@example.com',
    ...extra,
  };
}

/** Runs the real `bin/cfgtrail.js` as a child process. */
export function cfgtrail(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the real `bin/cfgtrail.js` without blocking this process, so servers the test runs (receivers, listeners) keep answering. */
export function cfgtrailAsync(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** Native git as an independent witness. */
export function git(args: string[], cwd?: string, input?: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', ...env } });
}

/** Native git on a store (`--git-dir STORE`), with extra environment (e.g. an author date). */
export function gitIn(store: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return git(['--git-dir', store, ...args], undefined, undefined, env);
}

/** A temp directory removed when the test finishes. */
export function tempDir(prefix = 'cfgtrail-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp config dir with a copy of `fixtures/<name>`. */
export function configDir(fixture: string): string {
  const dir = tempDir();
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}
