/** Data shapes of a rollback: the plan (pure data, printable) and what applying it did. */
import type { FileDiff, Person, Trailer } from '../../core/types.js';
import type { Clock, HealthProbe, OnEvent, ServiceControl, ServiceEvent } from '../ports.js';
import type { ServiceConfig } from '../services-config.js';
import type { Store } from '../../core/store/open.js';
import type { RestartReport } from '../restart.js';
import type { VerifyReport } from '../health.js';
import type { VerificationNote } from '../../core/record/verification-note.js';

/** A file as the target revision has it. */
export interface TargetFile {
  /** Git mode: '100644', '100755' or '120000'. */
  mode: string;
  oid: string;
  /** From `.cfgtrail-meta`, else 0644/0755 from the git mode. */
  perm: number;
  uid?: number;
  gid?: number;
  /** `.cfgtrail-meta` gives this file values out of range (a crafted store): what is wrong; restoring it is refused. */
  metaError?: string;
}

/**
 * What an action knows about the live file it was planned against, and what
 * the plan warns about. `was`: the live file's blob id when planned (absent:
 * there was none); a different file found when replacing it is a concurrent
 * edit, kept beside the file. `dropped`: setuid/setgid/sticky bits the store
 * records but `restore_special_bits` keeps from being restored. `ownerWas`:
 * set when the owner changes (null: the file is new and gets an owner other
 * than root's).
 */
export interface ActionNotes {
  was?: string;
  /** See {@link TargetFile.metaError}: the plan refuses such an action. */
  metaError?: string;
  dropped?: number;
  ownerWas?: { uid: number; gid: number } | null;
}

/** One change to the live directory. `chmod` also covers owner-only changes. */
export type FileAction =
  | ({ path: string; action: 'write' } & TargetFile & ActionNotes)
  | ({ path: string; action: 'chmod'; perm: number; uid?: number; gid?: number } & ActionNotes)
  | { path: string; action: 'delete'; was?: string };

/** A file edited while the rollback replaced it: the edit is kept, never overwritten unseen. */
export interface KeptEdit {
  path: string;
  /** Where the edited file is now (relative to the root): a `~` file beside it, or `path` itself when it was only chmodded. */
  keptAt: string;
  /**
   * `directory`: `path` had to become a file but still held files (an editor's
   * swap file, a copy kept by this rollback): the whole directory was moved
   * to `keptAt` instead.
   */
  kind?: 'directory';
}

/** A change that the rollback undoes (a commit after the target). */
export interface ChangeRef {
  commit: string;
  changeId: string | null;
  title: string;
  /** A file-only rollback undoes only these of the change's files (it touched others too): recorded as `Partially-Rolls-Back`. */
  partly?: string[];
}

/** An undone change that a change staying in effect names in `Depends-On`. */
export interface DependencyWarning {
  undone: string;
  dependent: ChangeRef;
}

/** Why the plan comes from an interrupted rollback rather than from the request. */
export interface ResumeInfo {
  /** `write`: files were being written; `after-commit`: the commit exists, services were not done. */
  stage: 'write' | 'after-commit';
  startedAt: string;
  /** Services the interrupted run already restarted: they are checked, not restarted again. */
  restarted: string[];
}

/** Everything a rollback will do, computed without changing anything. */
export interface RollbackPlan {
  root: string;
  gitdir: string;
  /** HEAD when planned; applying fails if it moved. */
  head: string;
  target: ChangeRef;
  /** Selective rollback: only these paths (files or directories); null for all. */
  files: string[] | null;
  actions: FileAction[];
  /** Live → target field diff (redacted). */
  diffs: FileDiff[];
  /** Live files that differ from HEAD: recorded as a snapshot first. */
  drift: string[];
  undone: ChangeRef[];
  dependencies: DependencyWarning[];
  services: string[];
  checks: { service: string; check: string }[];
  restart: boolean;
  verify: boolean;
  reason: string | null;
  commitTitle: string;
  commitBody: string;
  trailers: Trailer[];
  nothingToDo: boolean;
  resume: ResumeInfo | null;
  /** What the plan was made from (see plan-basis.ts); absent on a plan only meant for showing. */
  basis?: PlanBasis;
}

/** Fingerprints of what a plan was made from: applying re-plans when they no longer match. */
export interface PlanBasis {
  /** SHA-256 over every live file's path, blob id, mode, permissions, uid and gid. */
  live: string;
  chown: boolean;
  /** SHA-256 of the service settings as JSON. */
  services: string;
}

export type RollbackPhase = 'lock' | 'drift-snapshot' | 'write' | 'commit' | 'restart' | 'verify' | 'record';

/** Progress of {@link applyRollback}; `done` events carry the phase's duration. */
export type RollbackEvent =
  | { phase: RollbackPhase; step: 'start' }
  | { phase: RollbackPhase; step: 'done'; durationMs: number; detail?: string }
  | { phase: 'service'; step: 'event'; event: ServiceEvent };

/** What applying a plan did. */
export interface RollbackResult {
  preRollbackCommit: string | null;
  commit: string | null;
  changeId: string | null;
  restarted: { service: string; ok: boolean; message: string }[];
  restart: RestartReport | null;
  verification: { report: VerifyReport; note: VerificationNote } | null;
  /** ms per phase (phases that did not run are absent). */
  timings: Partial<Record<RollbackPhase, number>>;
  /** Edits that landed while the files were written; the rollback commit has the target's content. */
  keptEdits: KeptEdit[];
}

/** What applying needs besides the plan: the store, the ports and who is acting. */
export interface ApplyContext {
  store: Store;
  /** The validated `services:` list; the plan names the ones to restart. */
  services: ServiceConfig[];
  control?: ServiceControl;
  probe?: HealthProbe;
  clock: Clock;
  author: Person;
  /** ms since the epoch for commit dates. @default Date.now */
  now?: () => number;
  /** Restore recorded owners (only root can). */
  chown?: boolean;
  onEvent?: OnEvent<RollbackEvent>;
}
