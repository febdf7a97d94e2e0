/**
 * What the watcher remembers between rounds and across its own restarts, in
 * `STORE/cfgtrail-watch.json` (replaced atomically): streaks of bad samples,
 * its automatic rollbacks (for cooldown and the hourly maximum), the alerts
 * Alertmanager reports firing, and the last samples for `watch status`.
 */
import { join } from 'node:path';
import { readRegularFile } from '../../core/store/lock.js';
import { writeFileDurably } from '../../core/durable-file.js';
import { thisProcess, type ProcessOwner } from '../../core/store/owner.js';

export const WATCH_STATE_FILE = 'cfgtrail-watch.json';

/** An Alertmanager alert that fired and has not resolved, mapped to a service. */
export interface FiringAlert {
  alertname: string;
  service: string;
  /** ms since the epoch when the watcher was told. */
  since: number;
  fingerprint: string;
}

/** One automatic rollback the watcher started. */
export interface RollbackRecord {
  at: number;
  /** HEAD when it started. */
  from: string;
  /** The rollback commit, when one was made. */
  commit: string | null;
  ok: boolean;
  reason: string;
}

/** One judged sample, kept for `watch status`. */
export interface SampleRecord {
  at: number;
  metric: string;
  value: number | null;
  verdict: string;
  detail: string;
}

export interface WatchState {
  version: 1;
  /** The commit the streaks belong to. */
  head: string | null;
  streaks: Record<string, number>;
  /** Start of a grace window the watcher opened itself (after its rollback restarted services). */
  graceFrom: number | null;
  rollbacks: RollbackRecord[];
  /** `HEAD:why` of the hold already alerted, so one episode sends one alert. */
  alerted: string | null;
  firing: Record<string, FiringAlert>;
  samples: SampleRecord[];
  updatedAt: number;
  /** The watcher that wrote it last. */
  owner?: ProcessOwner;
}

/** How many samples `watch status` can show. */
export const KEPT_SAMPLES = 50;

export function emptyWatchState(): WatchState {
  return { version: 1, head: null, streaks: {}, graceFrom: null, rollbacks: [], alerted: null, firing: {}, samples: [], updatedAt: 0 };
}

/** The state on disk; a missing or unreadable file is a fresh state (its loss only forgets streaks and cooldown). */
export function readWatchState(gitdir: string): WatchState {
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularFile(join(gitdir, WATCH_STATE_FILE)));
  } catch {
    return emptyWatchState(); // none yet (the atomic write never leaves a torn one)
  }
  const o = raw as Partial<WatchState> | null;
  if (!o || typeof o !== 'object' || o.version !== 1) return emptyWatchState();
  const fresh = emptyWatchState();
  return {
    ...fresh,
    ...o,
    streaks: isRecord(o.streaks) ? o.streaks : {},
    rollbacks: Array.isArray(o.rollbacks) ? o.rollbacks.filter((r) => r && typeof r.at === 'number') : [],
    firing: isRecord(o.firing) ? o.firing : {},
    samples: Array.isArray(o.samples) ? o.samples : [],
  } as WatchState;
}

export function writeWatchState(gitdir: string, state: WatchState): void {
  const kept = { ...state, samples: state.samples.slice(-KEPT_SAMPLES), owner: thisProcess('cfgtrail watch') };
  writeFileDurably(join(gitdir, WATCH_STATE_FILE), `${JSON.stringify(kept, null, 2)}\n`);
}

function isRecord(x: unknown): x is Record<string, never> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
