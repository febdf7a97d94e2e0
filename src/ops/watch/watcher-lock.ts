/**
 * One watcher per store: two would judge the same samples and race to roll
 * back. `STORE/cfgtrail-watch.pid` names the running watcher; a dead one's
 * file (killed, host rebooted) is taken over.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { readRegularFile, storeLockOptions, withStoreLock } from '../../core/store/lock.js';
import { writeFileDurably } from '../../core/durable-file.js';
import type { Store } from '../../core/store/open.js';
import { describeOwner, isThisProcess, ownerAlive, thisProcess, type ProcessOwner } from '../../core/store/owner.js';

export const WATCHER_FILE = 'cfgtrail-watch.pid';

/**
 * Claims the store for this watcher; returns the release function. The
 * claim is made holding the store lock, so two watchers starting at the same
 * instant, or two taking over a dead one's file, cannot both get it; the file
 * is written whole (temp file and rename), never seen half-written.
 * @throws CfgtrailError LOCKED naming the watcher that runs
 * @example const release = await claimWatcher(store, 'cfgtrail watch'); try { … } finally { release(); }
 */
export async function claimWatcher(store: Store, command: string): Promise<() => void> {
  const file = join(store.gitdir, WATCHER_FILE);
  const me = thisProcess(command);
  await withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    const owner = readOwner(file);
    if (owner && !isThisProcess(owner) && ownerAlive(owner)) throw new CfgtrailError('LOCKED', `another watcher runs on this store: ${describeOwner(owner)}; stop it first`, { owner });
    // none, or a dead one's (killed, host rebooted): this watcher's from now on
    writeFileDurably(file, JSON.stringify(me));
  });
  return () => releaseIfOurs(file);
}

function readOwner(file: string): ProcessOwner | null {
  try {
    const o = JSON.parse(readRegularFile(file)) as ProcessOwner;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null; // gone, or not ours to read: no live owner
  }
}

function releaseIfOurs(file: string): void {
  const owner = readOwner(file);
  if (owner && isThisProcess(owner)) rmSync(file, { force: true });
}
