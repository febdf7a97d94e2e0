/**
 * The store's write lock: the file `STORE/cfgtrail.lock`, made atomically
 * with link(2) from a temp file that already names the holder (pid, host,
 * command, since). Every instant of it is either no lock or a complete
 * record of who holds it, so a lock left by a killed command is recognised
 * and taken over at once (see docs/decisions.md: proper-lockfile's mkdir lock
 * names no holder, so a kill cost the next command 10-30 s).
 */
import { linkSync, lstatSync, readdirSync, rmdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CfgtrailError } from '../errors.js';
import type { Store } from './open.js';
import { readRegularFileOrThrow } from './live-dir.js';
import { ensurePrivateStore } from './store-mode.js';
import { describeOwner, ownerAlive, thisProcess, type ProcessOwner } from './owner.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Told when a lock left by a process that no longer runs is taken over. */
  onNote?: (message: string) => void;
}

export const LOCK_FILE = 'cfgtrail.lock';
/** Held for the microseconds it takes to remove a stale lock, so two waiters never both do. */
const TAKEOVER_FILE = 'cfgtrail.lock.takeover';
const TAKEOVER_STALE_MS = 10_000;
/** A holder on another host refreshes the lock's mtime this often; one silent for STALE_MS is gone. */
const HEARTBEAT_MS = 5_000;
const STALE_MS = 30_000;

/** The holder read when the lock was released between our attempt and our read: try again at once. */
const RELEASED: ProcessOwner = Object.freeze({ pid: 0, host: '' });

/** The lock options a store's settings and note sink give. */
export function storeLockOptions(store: Store): LockOptions {
  return { timeoutMs: store.settings.lockTimeoutMs, ...(store.onNote ? { onNote: store.onNote } : {}) };
}

/**
 * Runs `fn` holding the store's write lock. A waiting command retries until
 * `timeoutMs`, then fails with LOCKED naming the holder. A lock whose holder
 * no longer runs (same host, dead pid) is taken over at once; a holder on
 * another host whose lock has not been refreshed for 30 s likewise.
 */
export async function withStoreLock<T>(gitdir: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  const me = thisProcess(processCommand());
  let released = 0;
  for (;;) {
    const holder = tryLock(gitdir, me);
    if (holder === null) break;
    // Released between our link and our read: try again at once, a few times.
    if (holder === RELEASED && ++released < 100) continue;
    if (holder !== RELEASED && isStale(gitdir, holder, now())) {
      const outcome = takeOver(gitdir, holder);
      // 'released': the holder let go meanwhile, as holders do; only a real takeover is news
      if (outcome === 'taken') opts.onNote?.(`took over the store lock left by ${describeOwner(holder)}, which no longer runs`);
      if (outcome !== 'busy') continue;
    }
    if (now() >= deadline) {
      throw new CfgtrailError(
        'LOCKED',
        `the store is locked by ${describeOwner(holder)} (waited ${Math.round(opts.timeoutMs / 1000)} s); try again when it has finished`,
        { gitdir, owner: holder },
      );
    }
    await sleep(100);
  }
  // Every writer keeps the store private (gc, journal, index and notes writes included).
  ensurePrivateStore(gitdir, opts.onNote);
  const lock = join(gitdir, LOCK_FILE);
  const heartbeat = setInterval(() => {
    try {
      utimesSync(lock, new Date(), new Date());
    } catch {
      // gone: released meanwhile, or taken over after a stall; release() checks
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // A process that exits while holding (Ctrl-C handled by process.exit) still lets go.
  const onExit = () => release(gitdir, me);
  process.on('exit', onExit);
  try {
    return await fn();
  } finally {
    process.off('exit', onExit);
    clearInterval(heartbeat);
    release(gitdir, me);
  }
}

/** A fresh temp file name for a lock or takeover record (`cfgtrail.lock.PID.TAG.tmp`, a LEFTOVER if its writer dies). */
function lockTemp(gitdir: string): string {
  return join(gitdir, `${LOCK_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Takes the lock (null) or returns who holds it. */
function tryLock(gitdir: string, me: ProcessOwner): ProcessOwner | null {
  const tmp = lockTemp(gitdir);
  try {
    writeFileSync(tmp, `${JSON.stringify(me)}\n`, { mode: 0o600 });
    linkSync(tmp, join(gitdir, LOCK_FILE));
    removeLeftovers(gitdir);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC') {
      throw new CfgtrailError('UNREADABLE_FILE', `cannot lock the store '${gitdir}': ${(e as Error).message} (a write needs write access to the store)`, { gitdir }, { cause: e });
    }
    if (code !== 'EEXIST') {
      throw new CfgtrailError('CORRUPT_STORE', `cannot lock the store '${gitdir}': ${(e as Error).message}`, { gitdir }, { cause: e });
    }
    return readHolder(gitdir);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Who holds the lock. A file that is not a holder record (cfgtrail never
 * writes one) is refused rather than waited for.
 */
export function readHolder(gitdir: string): ProcessOwner {
  const path = join(gitdir, LOCK_FILE);
  let text: string;
  try {
    const st = lstatSync(path);
    if (st.isDirectory()) return legacyHolder(path);
    if (!st.isFile()) throw notALock(path, st.isSymbolicLink() ? 'a symlink' : 'not a regular file');
    text = readRegularFile(path);
  } catch (e) {
    if (e instanceof CfgtrailError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return RELEASED;
    throw new CfgtrailError('CORRUPT_STORE', `cannot read the store lock '${path}': ${(e as Error).message}`, { path }, { cause: e });
  }
  try {
    const o = JSON.parse(text) as ProcessOwner;
    if (typeof o.pid === 'number' && typeof o.host === 'string') return o;
  } catch {
    // not JSON: not ours, said below
  }
  throw notALock(path, 'it names no holder');
}

function notALock(path: string, why: string): CfgtrailError {
  return new CfgtrailError(
    'CORRUPT_STORE',
    `'${path}' is not a lock cfgtrail made (${why}); if no cfgtrail command is running, remove it and run the command again`,
    { path },
  );
}

/** Reads a small file that must be a regular file, never blocking on a FIFO nor following a link. */
export function readRegularFile(path: string): string {
  return readRegularFileOrThrow(path).toString('utf8');
}

/** A lock directory left by an older cfgtrail (proper-lockfile's): its holder is unknown. */
function legacyHolder(path: string): ProcessOwner {
  return { pid: 0, host: 'unknown', command: `an older cfgtrail command (lock directory ${path}, stale 30 s after its last refresh)` };
}

/** A dead holder on this host, or one on another host (or unknown) whose lock went unrefreshed for 30 s. */
function isStale(gitdir: string, holder: ProcessOwner, now: number): boolean {
  if (!ownerAlive(holder)) return true;
  try {
    return lstatSync(join(gitdir, LOCK_FILE)).mtimeMs < now - STALE_MS && holder.host !== thisProcess().host;
  } catch {
    return true; // gone: retry at once
  }
}

/**
 * Removes a stale lock. Only one waiter at a time may do so: it first takes
 * `cfgtrail.lock.takeover` (linked like the lock), then reads the holder
 * again and removes the lock only if it is still the stale one. Since nobody
 * can make a new lock while the stale one exists, and nobody but the
 * takeover's holder removes it, a fresh lock is never removed by mistake.
 * A takeover mutex older than 10 s belongs to a process killed in those
 * microseconds: it is removed.
 * @returns 'taken' (the stale lock removed), 'released' (its holder let go
 * meanwhile), 'busy' (another waiter is at it, or the lock changed hands)
 */
function takeOver(gitdir: string, stale: ProcessOwner): 'taken' | 'released' | 'busy' {
  const mutex = join(gitdir, TAKEOVER_FILE);
  const tmp = lockTemp(gitdir);
  try {
    writeFileSync(tmp, `${JSON.stringify(thisProcess())}\n`, { mode: 0o600 });
    try {
      linkSync(tmp, mutex);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return 'busy';
      const age = Date.now() - lstatSync(mutex).mtimeMs;
      if (age > TAKEOVER_STALE_MS) rmSync(mutex, { force: true });
      return 'busy'; // another waiter is taking over: look again
    }
  } catch {
    return 'busy'; // the mutex vanished meanwhile: look again
  } finally {
    rmSync(tmp, { force: true });
  }
  try {
    let again: ProcessOwner;
    try {
      again = readHolder(gitdir);
    } catch {
      return 'busy';
    }
    if (again === RELEASED) return 'released';
    if (again.pid !== stale.pid || again.host !== stale.host || again.since !== stale.since) return 'busy';
    const path = join(gitdir, LOCK_FILE);
    try {
      if (lstatSync(path).isDirectory()) rmdirSync(path);
      else rmSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return 'busy';
      return 'released'; // its holder let go first
    }
    return 'taken';
  } finally {
    rmSync(mutex, { force: true });
  }
}

/** Removes the lock if it is still this process's (never another holder's after a takeover). */
function release(gitdir: string, me: ProcessOwner): void {
  try {
    const held = readHolder(gitdir);
    if (held.pid === me.pid && held.host === me.host && held.since === me.since) rmSync(join(gitdir, LOCK_FILE), { force: true });
  } catch {
    // no lock, or not ours: nothing to release
  }
}

/**
 * Temp files of writers killed before their rename (`NAME.PID[.TAG].tmp` /
 * `.lock`: lock attempts, the journal, the index, refs), removed by the next
 * lock holder when their pid no longer runs.
 */
function removeLeftovers(gitdir: string): void {
  const here = thisProcess().host;
  for (const dir of ['', 'cfgtrail-index', 'refs/heads', 'refs/notes']) {
    let names: string[];
    try {
      names = readdirSync(join(gitdir, dir));
    } catch {
      continue; // not there (yet)
    }
    for (const name of names) {
      const m = LEFTOVER.exec(name);
      if (!m || name === LOCK_FILE) continue;
      const pid = Number(m[1]);
      if (pid !== process.pid && !ownerAlive({ pid, host: here })) rmSync(join(gitdir, dir, name), { force: true });
    }
  }
}

const LEFTOVER = /\.(\d+)(?:\.[0-9a-f]+)?\.(?:tmp|lock)$/;

/** `cfgtrail rollback --previous --yes`, for the lock holder's description. */
function processCommand(): string {
  return ['cfgtrail', ...process.argv.slice(2)].join(' ').slice(0, 200);
}
