import { lockfileLib } from '../lazy.js';
import { join } from 'node:path';
import { CfgtrailError } from '../errors.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Runs `fn` holding the store's write lock (isomorphic-git has none across
 * processes: concurrent writers corrupt a repo). A waiting command retries
 * until `timeoutMs`, then fails with LOCKED. `stale` is 30 s so a holder
 * killed with SIGKILL blocks others for at most that long.
 */
export async function withStoreLock<T>(gitdir: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  let compromised: Error | null = null;
  let release: (() => Promise<void>) | null = null;
  for (;;) {
    try {
      release = await lockfileLib().lock(gitdir, {
        lockfilePath: join(gitdir, 'cfgtrail.lock'),
        realpath: false,
        stale: 30_000,
        update: 5_000,
        retries: 0,
        onCompromised: (err) => {
          compromised = err;
        },
      });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new CfgtrailError('CORRUPT_STORE', `cannot lock the store '${gitdir}': ${(e as Error).message}`, { gitdir }, { cause: e });
      }
      if (now() >= deadline) {
        throw new CfgtrailError(
          'LOCKED',
          `the store is locked by another cfgtrail command (waited ${Math.round(opts.timeoutMs / 1000)} s); try again when it has finished`,
          { gitdir },
        );
      }
      await sleep(100);
    }
  }
  try {
    const result = await fn();
    if (compromised) {
      throw new CfgtrailError('LOCKED', `lost the store lock while writing: ${(compromised as Error).message}`, { gitdir });
    }
    return result;
  } finally {
    await release().catch(() => undefined); // already released when compromised
  }
}
