/** Host stores for the fleet tests: real stores made by `cfgtrail init/snapshot`, pushed to a real git server. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cfgtrail, cfgtrailAsync, gitIn, tempDir, type RunResult } from './cli.js';

export interface HostStore {
  dir: string;
  gitdir: string;
  /** Runs the built CLI in the store's directory without blocking (the test's server must keep answering). */
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** Writes config.yaml with `value` and snapshots it. */
  change(value: string): void;
}

/** A store with `changes` snapshots of config.yaml (0: a new, empty store). */
export function hostStore(changes: number, env: NodeJS.ProcessEnv = {}): HostStore {
  const dir = tempDir('cfgtrail-host-');
  const ok = (r: RunResult) => expect(r.code, r.stderr).toBe(0);
  ok(cfgtrail(['init'], { cwd: dir, env }));
  const change = (value: string) => {
    writeFileSync(join(dir, 'config.yaml'), `pool: ${value}\n`);
    ok(cfgtrail(['snapshot', '-m', `set pool ${value}`], { cwd: dir, env }));
  };
  for (let i = 1; i <= changes; i++) change(String(i));
  return { dir, gitdir: join(dir, '.cfgtrail'), change, run: (args, extra = {}) => cfgtrailAsync(args, { cwd: dir, env: { ...env, ...extra } }) };
}

/** `git log --format=%H REF` in a gitdir (empty string when the ref is missing). */
export function logOf(gitdir: string, ref: string): string {
  return gitIn(gitdir, ['log', '--format=%H %s', ref, '--']);
}
