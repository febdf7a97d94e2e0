/**
 * The rollout state (`STORE/cfgtrail-rollout.json`): which instance is in
 * which batch and where each one got to. Written durably before and after
 * every step, so a rollout stopped by a failed gate, Ctrl-C, SIGKILL or a
 * lost connection is resumed (`rollback --continue`), rolled forward again
 * (`rollback --abort`) or shown (`rollout status`) from what it says.
 */
import { join } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { writeFileDurably } from '../../core/durable-file.js';
import { readRegularFile } from '../../core/store/lock.js';
import { describeOwner, isThisProcess, ownerAlive, type ProcessOwner } from '../../core/store/owner.js';

export const ROLLOUT_FILE = 'cfgtrail-rollout.json';

/**
 * `pending`: not started; `running`: its action runs (or ran when cfgtrail
 * was killed); `rolled-back`: the action succeeded, the gate has not passed
 * yet; `healthy`: the gate passed; `failed`: the action or the gate failed;
 * `forwarded` / `forward-failed`: what `--abort` did; `unchanged`: the
 * action found nothing to do, so there is nothing to roll forward.
 */
export type InstanceState = 'pending' | 'running' | 'rolled-back' | 'healthy' | 'failed' | 'forwarded' | 'forward-failed';

export interface InstanceRecord {
  name: string;
  /** 1-based. */
  batch: number;
  state: InstanceState;
  /** The action succeeded (the gate decides the rest). */
  acted: boolean;
  /** The revision the instance reported before its rollback (its `--json` output); null when unknown. */
  from: string | null;
  /** The revision it reported after (its rollback commit); null when unknown. */
  to: string | null;
  /** The last word on it: the action's exit or the gate's first failing check. */
  message: string;
}

/** `running`/`stopped`/`aborting` are pending; `completed`/`aborted` are finished. */
export type RolloutStatus = 'running' | 'stopped' | 'completed' | 'aborting' | 'aborted';

export interface RolloutState {
  version: 1;
  id: string;
  /** Handed to every instance unresolved (a Change-Id or tag: commit ids differ between hosts). */
  target: string;
  status: RolloutStatus;
  batches: number;
  /** The batch in progress, or the one that stopped (1-based). */
  batch: number;
  delayMs: number;
  maxFailures: number;
  reason: string | null;
  /** Why it stopped, when it did. */
  stopped: string | null;
  instances: InstanceRecord[];
  startedAt: string;
  updatedAt: string;
  owner: ProcessOwner;
  /** Record commits written for this rollout, oldest first. */
  records: string[];
}

const PENDING: readonly RolloutStatus[] = ['running', 'stopped', 'aborting'];

/** The state on disk, or null when there is none (or it is not one we wrote). */
export function readRolloutState(gitdir: string): RolloutState | null {
  let s: RolloutState;
  try {
    // Never blocks on a FIFO nor follows a link put in its place.
    s = JSON.parse(readRegularFile(join(gitdir, ROLLOUT_FILE))) as RolloutState;
  } catch {
    return null; // none (the durable write never leaves a torn one)
  }
  const ok = s !== null && typeof s === 'object' && s.version === 1 && typeof s.id === 'string' && Array.isArray(s.instances);
  return ok ? s : null;
}

/** Writes the state durably; `now` stamps `updatedAt`. */
export function writeRolloutState(gitdir: string, s: RolloutState, now: () => number = Date.now): void {
  s.updatedAt = new Date(now()).toISOString();
  writeFileDurably(join(gitdir, ROLLOUT_FILE), JSON.stringify(s, null, 2));
}

/** A rollout that `--continue`/`--abort` can act on: pending, and its process gone. */
export function pendingRollout(gitdir: string): RolloutState | null {
  const s = readRolloutState(gitdir);
  return s && PENDING.includes(s.status) ? s : null;
}

/** Throws REFUSED when another live process is carrying the rollout out. */
export function assertNotRunning(s: RolloutState): void {
  if (s.status === 'running' || s.status === 'aborting') {
    if (!isThisProcess(s.owner) && ownerAlive(s.owner)) {
      throw new CfgtrailError('REFUSED', `rollout ${s.id} is being carried out by ${describeOwner(s.owner)}; see 'cfgtrail rollout status'`, { rollout: s.id });
    }
  }
}

/** Where each instance is, for reports: `healthy 1a2b3c4 (was 5d6e7f8)`. */
export function instanceRevision(i: InstanceRecord): string {
  const short = (c: string | null) => (c ? c.slice(0, 7) : '?');
  if (i.state === 'pending') return 'not rolled back (on its own revision)';
  if (i.state === 'forwarded') return `rolled forward to ${short(i.from)}`;
  if (!i.acted) return i.from ? `still on ${short(i.from)}` : 'revision unknown (rollback not confirmed)';
  return i.from === i.to ? `on ${short(i.to)} (already at the target)` : `on ${short(i.to)} (was ${short(i.from)})`;
}
