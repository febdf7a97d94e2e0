/** What `cfgtrail watch status` shows, read from the store (no watcher needs to run). */
import type { Store } from '../../core/store/open.js';
import { ownerAlive } from '../../core/store/owner.js';
import { readAlertLog, type AlertDelivery } from '../alerts.js';
import type { WatchConfig } from './config.js';
import { cooldownUntil, rollbacksInLastHour } from './decide.js';
import { readWatchState, type FiringAlert, type RollbackRecord, type SampleRecord } from './state.js';

export interface WatchStatus {
  /** When the watcher last wrote its state (null: it never ran on this store). */
  updatedAt: string | null;
  /** pid of that watcher and whether it still runs on this host. */
  watcher: { pid: number; running: boolean } | null;
  head: string | null;
  /** The newest sample of each metric. */
  lastSamples: SampleRecord[];
  streaks: Record<string, number>;
  cooldownUntil: string | null;
  rollbacksThisHour: number;
  maxRollbacks: number;
  rollbacks: RollbackRecord[];
  firing: FiringAlert[];
  alertFailures: AlertDelivery[];
}

/**
 * The watcher's state as people ask about it.
 * @example watchStatus(store, loadWatch(store), Date.now()).rollbacksThisHour // 1
 */
export function watchStatus(store: Store, config: WatchConfig, now: number): WatchStatus {
  const s = readWatchState(store.gitdir);
  const newest = new Map<string, SampleRecord>();
  for (const x of s.samples) newest.set(x.metric, x);
  const until = cooldownUntil(s, config.cooldownMs, now);
  return {
    updatedAt: s.updatedAt ? new Date(s.updatedAt).toISOString() : null,
    watcher: s.owner ? { pid: s.owner.pid, running: ownerAlive(s.owner) } : null,
    head: s.head,
    lastSamples: [...newest.values()],
    streaks: s.streaks,
    cooldownUntil: until === null ? null : new Date(until).toISOString(),
    rollbacksThisHour: rollbacksInLastHour(s.rollbacks, now),
    maxRollbacks: config.maxRollbacks,
    rollbacks: s.rollbacks.slice(-10),
    firing: Object.values(s.firing),
    alertFailures: readAlertLog(store.gitdir, 200).filter((d) => !d.ok).slice(-10),
  };
}
