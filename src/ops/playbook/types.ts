/** Data shapes of a recovery playbook: the checklist, the timeline and the incident record. */
import type { Suspect } from '../suspects.js';

export type PlaybookKind = 'emergency' | 'selective' | 'gradual';

export type CheckName = 'incident-window' | 'dependencies' | 'target' | 'notify';

/** One pre-rollback check, evaluated: `fail` stops the playbook unless --force; `warn` is said and goes on. */
export interface CheckResult {
  name: CheckName;
  status: 'pass' | 'warn' | 'fail';
  /** One line for people. */
  detail: string;
}

/** A change recorded in the incident window. */
export interface WindowChange extends Pick<Suspect, 'commit' | 'changeId' | 'title' | 'date' | 'kind'> {
  author: string;
  /** How many files it changed (0: a record of an event, e.g. a rollout's or a playbook's). */
  files: number;
}

/** The pre-rollback checklist, evaluated against the store and the plan. */
export interface Checklist {
  checks: CheckResult[];
  /** The changes since the last good verification, newest first. */
  window: { since: string | null; changes: WindowChange[] };
  /** The alert targets that are told (`webhook …`, `command …`); empty: nobody. */
  notified: string[];
  /** The checks that failed and were passed over with --force. */
  forced: CheckName[];
}

/** One step of the run as it happened (ISO times). */
export interface TimelineEntry {
  at: string;
  step: 'checklist' | 'freeze' | 'rollback' | 'restart' | 'verify' | 'rollout' | 'notify' | 'interrupted' | 'failed' | 'record';
  detail: string;
}

/** What a playbook run did: the incident record a post-mortem starts from. */
export interface IncidentRecord {
  id: string;
  kind: PlaybookKind;
  /** `failed`: a step threw (the store locked, a write failed…): the record says which, and what is still in effect. */
  outcome: 'recovered' | 'verify-failed' | 'restart-failed' | 'rollout-failed' | 'interrupted' | 'failed';
  startedAt: string;
  endedAt: string;
  ranBy: string;
  host: string;
  services: string[];
  files: string[];
  target: { commit: string; changeId: string | null; title: string } | null;
  checklist: Checklist;
  /** The changes the rollback undid (commit, Change-Id, title). */
  undone: { commit: string; changeId: string | null; title: string }[];
  rollbackCommit: string | null;
  freezeCommit: string | null;
  verification: { service: string; ok: boolean; message: string }[];
  timeline: TimelineEntry[];
  /** What to run next (an interrupted run: `cfgtrail rollback --continue`). */
  next: string[];
  recordCommit: string | null;
}
