/**
 * One watcher per store: two would judge the same samples and race to roll
 * back. `STORE/cfgtrail-watch.pid` names the running watcher; a dead one's
 * file (killed, host rebooted) is taken over.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { readRegularFile } from '../../core/store/lock.js';
import { describeOwner, isThisProcess, ownerAlive, thisProcess, type ProcessOwner } from '../../core/store/owner.js';

export const WATCHER_FILE = 'cfgtrail-watch.pid';

/**
 * Claims the store for this watcher; returns the release function.
 * @throws CfgtrailError LOCKED naming the watcher that runs
 * @example const release = claimWatcher(store.gitdir, 'cfgtrail watch'); try { … } finally { release(); }
 */
export function claimWatcher(gitdir: string, command: string): () => void {
  const file = join(gitdir, WATCHER_FILE);
  const me = thisProcess(command);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      return () => releaseIfOurs(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(file);
    if (owner && ownerAlive(owner)) throw new CfgtrailError('LOCKED', `another watcher runs on this store: ${describeOwner(owner)}; stop it first`, { owner });
    // Dead (or unreadable) owner: remove its file and try again; a racing watcher's wx create decides.
    rmSync(file, { force: true });
  }
  throw new CfgtrailError('LOCKED', 'another watcher keeps starting on this store', {});
}

function readOwner(file: string): ProcessOwner | null {
  try {
    const o = JSON.parse(readRegularFile(file)) as ProcessOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null; // half-written by a watcher that died at once, or gone: no live owner
  }
}

function releaseIfOurs(file: string): void {
  const owner = readOwner(file);
  if (owner && isThisProcess(owner)) rmSync(file, { force: true });
}
