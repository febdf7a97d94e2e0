import { lockfileLib } from '../lazy.js';
import { lstatSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../errors.js';
import type { Store } from './open.js';
import { describeOwner, ownerAlive, thisProcess, type ProcessOwner } from './owner.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Told when a lock left by a process that no longer runs is taken over. */
  onNote?: (message: string) => void;
}

export const LOCK_DIR = 'cfgtrail.lock';
/** Who holds the lock: beside the lock directory, which proper-lockfile removes with rmdir. */
export const LOCK_OWNER = 'cfgtrail.lock.owner';

/** The lock options a store's settings and note sink give. */
export function storeLockOptions(store: Store): LockOptions {
  return { timeoutMs: store.settings.lockTimeoutMs, ...(store.onNote ? { onNote: store.onNote } : {}) };
}

/**
 * Runs `fn` holding the store's write lock (a directory made with mkdir, by
 * proper-lockfile, plus an owner file naming the holder's pid and command).
 * A waiting command retries until `timeoutMs`, then fails with LOCKED naming
 * the holder. A lock whose holder no longer runs (same host, dead pid) is
 * taken over at once; one whose owner is unknown goes stale after 30 s.
 */
export async function withStoreLock<T>(gitdir: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  const dir = join(gitdir, LOCK_DIR);
  let compromised: Error | null = null;
  let release: (() => Promise<void>) | null = null;
  for (;;) {
    try {
      release = await lockfileLib().lock(gitdir, {
        lockfilePath: dir,
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
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED') {
        assertLockIsDirectory(gitdir);
        throw new CfgtrailError('CORRUPT_STORE', `cannot lock the store '${gitdir}': ${(e as Error).message}`, { gitdir }, { cause: e });
      }
      assertLockIsDirectory(gitdir);
      const owner = readOwner(gitdir);
      if (owner && !ownerAlive(owner) && takeOver(gitdir, owner)) {
        opts.onNote?.(`took over the store lock left by ${describeOwner(owner)}, which no longer runs`);
        continue;
      }
      if (now() >= deadline) {
        const who = owner ? `by ${describeOwner(owner)}` : 'by another cfgtrail command';
        throw new CfgtrailError(
          'LOCKED',
          `the store is locked ${who} (waited ${Math.round(opts.timeoutMs / 1000)} s); try again when it has finished`,
          { gitdir, ...(owner ? { owner } : {}) },
        );
      }
      await sleep(100);
    }
  }
  writeOwner(gitdir);
  try {
    const result = await fn();
    if (compromised) {
      throw new CfgtrailError('LOCKED', `lost the store lock while writing: ${(compromised as Error).message}`, { gitdir });
    }
    return result;
  } finally {
    rmSync(join(gitdir, LOCK_OWNER), { force: true });
    await release().catch(() => undefined); // already released when compromised
  }
}

/** Names this process as the holder, atomically: a waiting command never reads half an owner. */
function writeOwner(gitdir: string): void {
  const file = join(gitdir, LOCK_OWNER);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(thisProcess(processCommand())), { mode: 0o600 });
  renameSync(tmp, file);
}

/** The recorded holder, or null (none recorded yet, or unreadable). */
export function readOwner(gitdir: string): ProcessOwner | null {
  try {
    const o = JSON.parse(readFileSync(join(gitdir, LOCK_OWNER), 'utf8')) as ProcessOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null; // no owner file: the holder is between mkdir and writing it, or predates owner files
  }
}

/**
 * Removes a dead holder's lock. The owner file is read again just before, so
 * a lock another waiter took over a moment ago (with a new owner) is kept.
 */
function takeOver(gitdir: string, dead: ProcessOwner): boolean {
  const again = readOwner(gitdir);
  if (!again || again.pid !== dead.pid || again.host !== dead.host || again.since !== dead.since) return false;
  rmSync(join(gitdir, LOCK_OWNER), { force: true });
  try {
    rmdirSync(join(gitdir, LOCK_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return false; // someone else's now: wait as usual
  }
  return true;
}

/** A stray file named like the lock directory: nothing cfgtrail made, so nothing to wait for. */
function assertLockIsDirectory(gitdir: string): void {
  const path = join(gitdir, LOCK_DIR);
  let isDir: boolean;
  try {
    isDir = lstatSync(path).isDirectory();
  } catch {
    return; // gone meanwhile: the next try takes it
  }
  if (!isDir) {
    throw new CfgtrailError(
      'CORRUPT_STORE',
      `'${path}' is not cfgtrail's lock (a directory that exists only while a command writes) but a file; no cfgtrail command made it: remove it and run the command again`,
      { path },
    );
  }
}

/** `cfgtrail rollback --previous --yes`, for the lock holder's description. */
function processCommand(): string {
  return ['cfgtrail', ...process.argv.slice(2)].join(' ').slice(0, 200);
}
