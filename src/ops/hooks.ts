/**
 * Git-style hooks: executables in `STORE/hooks/` run around snapshot,
 * rollback (and revert) and verify, with the action's details in `CFGTRAIL_*`
 * environment variables and as JSON on stdin. A failing `pre-*` hook refuses
 * the action before anything is written; a failing `post-*` hook is a
 * warning. Hooks run while cfgtrail holds no store lock, so a hook may run
 * cfgtrail itself (`cfgtrail status`, `cfgtrail log`).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../core/errors.js';
import type { Store } from '../core/store/open.js';
import { formatDuration } from '../core/record/duration.js';

export const HOOK_NAMES = ['pre-snapshot', 'post-snapshot', 'pre-rollback', 'post-rollback', 'post-verify'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** How a hook process ended. */
export interface HookRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** Why it did not start. */
  error?: string;
}

/** Runs one hook file (adapters/hook-process.ts; tests may pass their own). */
export interface HookRunner {
  run(path: string, opts: { env: NodeJS.ProcessEnv; input: string; timeoutMs: number; cwd: string }): Promise<HookRun>;
}

/** What a hook is told: scalar details become `CFGTRAIL_<KEY>` variables, everything goes to stdin as JSON. */
export type HookDetails = Record<string, string | number | boolean | null | string[] | object>;

export interface HookOptions {
  runner: HookRunner;
  /** The environment the hook inherits (cfgtrail's own). */
  env: NodeJS.ProcessEnv;
  /** `warning: …` and `hint: …` lines. */
  warn: (line: string) => void;
}

/** The hook file for `name`, or null when there is none; a file that is not executable is ignored with a hint, as git does. */
export function findHook(store: Store, name: HookName, warn: (line: string) => void): string | null {
  const path = join(store.gitdir, 'hooks', name);
  try {
    if (!statSync(path).isFile()) return null;
  } catch {
    return null; // no such hook
  }
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    warn(`hint: the '${name}' hook was ignored because it is not executable (chmod +x ${path})\n`);
    return null;
  }
}

function isTrailer(x: unknown): x is { key: string; value: string } {
  return typeof x === 'object' && x !== null && typeof (x as { key?: unknown }).key === 'string' && typeof (x as { value?: unknown }).value === 'string';
}

/** `CFGTRAIL_CHANGE_ID` for `changeId`; lists of strings (and trailers, as `Key: value`) joined by newlines; other lists only in the JSON. */
export function hookEnv(name: HookName, store: Store, details: HookDetails): Record<string, string> {
  const env: Record<string, string> = { CFGTRAIL_HOOK: name, CFGTRAIL_STORE: store.gitdir, CFGTRAIL_ROOT: store.root };
  for (const [k, v] of Object.entries(details)) {
    const key = `CFGTRAIL_${k.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
    if (v === null) continue;
    if (Array.isArray(v)) {
      const lines = v.map((x: unknown) => (typeof x === 'string' ? x : isTrailer(x) ? `${x.key}: ${x.value}` : null));
      if (lines.every((l) => l !== null)) env[key] = lines.join('\n'); // else: only in the JSON
    } else if (typeof v !== 'object') env[key] = String(v);
  }
  return env;
}

/**
 * Runs hook `name` if the store has one. A `pre-*` hook that fails (non-zero
 * exit, killed, timed out, would not start) refuses the action; the last
 * line of its stderr says why. A `post-*` hook's failure is a warning.
 * @throws CfgtrailError HOOK_REFUSED from a failing pre-* hook
 * @example await runHook(store, 'pre-snapshot', { title, files }, { runner, env: process.env, warn })
 */
export async function runHook(store: Store, name: HookName, what: HookDetails | (() => Promise<HookDetails>), opts: HookOptions): Promise<HookRun | null> {
  const path = findHook(store, name, opts.warn);
  if (!path) return null;
  // Details that cost a diff are worked out only when there is a hook to tell.
  const details = typeof what === 'function' ? await what() : what;
  const input = `${JSON.stringify({ hook: name, store: store.gitdir, root: store.root, ...details })}\n`;
  const env = { ...opts.env, ...hookEnv(name, store, details) };
  const timeoutMs = store.settings.hookTimeoutMs;
  const r = await opts.runner.run(path, { env, input, timeoutMs, cwd: store.root });
  if (r.exitCode === 0 && !r.timedOut) return r;
  const why = failureOf(r, timeoutMs);
  if (name.startsWith('pre-')) {
    throw new CfgtrailError('HOOK_REFUSED', `the ${name} hook refused the ${name.slice(4)} (${why}); nothing was changed`, { hook: name, exitCode: r.exitCode });
  }
  opts.warn(`warning: the ${name} hook failed (${why})\n`);
  return r;
}

/** `exit 3: <last stderr line>`, `timed out after 60 s`, `killed by SIGKILL`. */
function failureOf(r: HookRun, timeoutMs: number): string {
  const last = r.stderr.trimEnd().split('\n').pop()?.trim() ?? '';
  const how = r.error ?? (r.timedOut ? `timed out after ${formatDuration(timeoutMs)}` : r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`);
  return last ? `${how}: ${last}` : how;
}
