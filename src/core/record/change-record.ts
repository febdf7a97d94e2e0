/**
 * The change record auditors read (`cfgtrail export`): a commit's entry, its
 * diff and what the store knows around it, in the change-log shape operators
 * keep by hand. Pure: the store-dependent parts come in {@link RecordContext}.
 */
import { freezeRecordOf } from './freeze.js';
import type { AuditEntry, FileDiff } from '../types.js';
import type { VerificationNote } from './verification-note.js';
import { formatDuration, parseDuration } from './duration.js';
import { filesModified } from './file-records.js';
import { trailerValues } from './trailers.js';

/** What a `Depends-On` change is now, judged on HEAD's history. */
export interface DependencyState {
  change_id: string;
  relationship: 'depends-on';
  /** True only while the whole change stands on HEAD's history. */
  in_effect: boolean;
  status: 'in effect' | 'rolled back' | 'partially rolled back' | 'reverted' | 'not in HEAD history' | 'unknown change';
  /** The dependency's commit on HEAD's history, when it is there. */
  commit: string | null;
  /** The Change-Id (or commit) that undid it, when one did. */
  undone_by: string | null;
}

/** A measured duration of past rollbacks like this change's; null fields: nothing measured. */
export interface RollbackEstimate {
  median_ms: number;
  /** Rollback commits whose verification notes gave a measurement. */
  rollbacks: string[];
  services: string[];
}

/** A component as settings.yaml `components:` describes it. */
export interface ComponentInfo {
  type?: string;
  environment?: string;
}

/** What the store adds to a commit's own entry and diff. */
export interface RecordContext {
  /** The diff against the first parent, secrets already redacted. */
  diffs: readonly FileDiff[];
  /** The newest verification noted on the commit. */
  verification?: VerificationNote | null;
  components?: Readonly<Record<string, ComponentInfo>>;
  /** One per `Depends-On` trailer; without it each is given as `unknown change`. */
  dependencies?: readonly DependencyState[];
  rollbackEstimate?: RollbackEstimate | null;
}

/** Trailers that have their own place in the record; the rest go to `other_trailers`. */
const KNOWN = new Set([
  'change-id', 'risk', 'ticket', 'requested-by', 'component', 'depends-on', 'approved-by', 'approved-at',
  'tested', 'impact', 'downtime', 'rollback-to', 'rollback-of', 'partially-rolls-back', 'reverts', 'pre-rollback-snapshot',
]);

/** `{ freeze: { state, until, reason } }` for a freeze or unfreeze record, else nothing. */
function freezeOf(entry: AuditEntry): { freeze?: object } {
  const r = freezeRecordOf(entry.trailers);
  return r ? { freeze: { state: r.on ? 'on' : 'off', until: r.until, reason: r.reason } } : {};
}

export const NO_MEASUREMENT = 'no measurement yet';

/**
 * The record as plain data, in the order it is printed in.
 * @example changeRecord(entry, { diffs })
 */
export function changeRecord(entry: AuditEntry, ctx: RecordContext): Record<string, unknown> {
  const values = (key: string) => trailerValues(entry.trailers, key);
  return {
    id: entry.changeId,
    commit: entry.commit,
    timestamp: entry.date,
    author: { name: entry.author.name, email: entry.author.email },
    change_summary: { title: entry.title, description: entry.body },
    // A freeze or unfreeze record: what it says, instead of leaving it to other_trailers.
    ...freezeOf(entry),
    ticket: values('Ticket')[0] ?? null,
    requested_by: values('Requested-By')[0] ?? null,
    affected_components: components(values('Component'), ctx.components ?? {}),
    files_modified: filesModified(entry.files, ctx.diffs),
    impact_assessment: impact(values),
    testing: { pre_change: values('Tested').map(testedRecord), post_change: postChange(ctx.verification ?? null) },
    dependencies: ctx.dependencies ?? values('Depends-On').map((id) => unknownDependency(id)),
    approval: approval(entry, values),
    rollback_info: rollbackInfo(entry, values, ctx.rollbackEstimate ?? null),
    other_trailers: entry.trailers.filter((t) => !KNOWN.has(t.key.toLowerCase())).map((t) => ({ key: t.key, value: t.value })),
  };
}

type Values = (key: string) => string[];

function components(trailers: string[], known: Readonly<Record<string, ComponentInfo>>): object[] {
  const names = [...new Set(trailers.flatMap((v) => v.split(',').map((c) => c.trim()).filter(Boolean)))];
  return names.map((name) => {
    const info = Object.hasOwn(known, name) ? known[name] : undefined;
    return { name, type: info?.type ?? null, environment: info?.environment ?? null };
  });
}

function impact(values: Values): object {
  const downtime = values('Downtime')[0] ?? null;
  return {
    risk: values('Risk')[0] ?? null,
    impact: values('Impact')[0] ?? null,
    downtime,
    downtime_ms: downtime === null ? null : parseDuration(downtime),
  };
}

/** `staging: passed` → where and result; a record without `WHERE:` is all result. */
function testedRecord(value: string): object {
  const m = /^([^:]+):\s*(.*)$/.exec(value);
  return m ? { environment: m[1]!.trim(), result: m[2] } : { environment: null, result: value };
}

function postChange(note: VerificationNote | null): object {
  if (!note) return { status: 'not verified' };
  return {
    status: note.result,
    at: note.at,
    by: note.by ?? null,
    kind: note.kind ?? null,
    ...(note.message !== undefined ? { message: note.message } : {}),
    services: note.services.map((s) => ({
      name: s.name,
      ok: s.ok,
      ...(s.restart ? { restart: { ok: s.restart.ok, duration_ms: s.restart.durationMs, message: s.restart.message } } : {}),
      checks: s.checks.map((c) => ({ check: c.check, ok: c.ok, attempts: c.attempts, duration_ms: c.durationMs, message: c.message })),
    })),
  };
}

/**
 * `approved_at` is the `Approved-At` trailer (`snapshot --approved-at`) when
 * there is one. Otherwise it is the commit date, the moment the approval was
 * recorded, and `approved_at_source` says so: an auditor can then tell an
 * approval given before the change from one only written down with it.
 */
function approval(entry: AuditEntry, values: Values): object {
  const approvedBy = values('Approved-By');
  const at = values('Approved-At')[0];
  const approved = approvedBy.length > 0;
  return {
    approved_by: approvedBy,
    approved,
    approved_at: at ?? (approved ? entry.date : null),
    approved_at_source: at !== undefined ? 'Approved-At trailer' : approved ? 'commit date' : null,
  };
}

function rollbackInfo(entry: AuditEntry, values: Values, estimate: RollbackEstimate | null): object {
  const parent = entry.parents[0] ?? null;
  const rollbackTo = values('Rollback-To')[0] ?? null;
  const rollsBack = values('Rollback-Of');
  const partly = values('Partially-Rolls-Back').map(partialRecord);
  return {
    parent,
    // Undoes this change only and keeps every later one; a first snapshot has nothing to go back to.
    command: parent ? `cfgtrail revert ${entry.changeId ?? entry.commit}` : null,
    is_rollback: rollbackTo !== null || rollsBack.length > 0 || partly.length > 0,
    rolls_back_to: rollbackTo,
    rolls_back: rollsBack,
    partially_rolls_back: partly,
    reverts: values('Reverts'),
    pre_rollback_snapshot: values('Pre-Rollback-Snapshot')[0] ?? null,
    estimated_rollback_time: estimate ? formatDuration(estimate.median_ms) : NO_MEASUREMENT,
    estimate_basis: estimate,
  };
}

/** `I1234… (a.yaml, b.conf)` → the Change-Id and the files. */
function partialRecord(value: string): object {
  const m = /^(\S+)\s*(?:\((.*)\))?\s*$/.exec(value);
  if (!m) return { change_id: value, files: [] };
  return { change_id: m[1], files: m[2] ? m[2].split(',').map((f) => f.trim()).filter(Boolean) : [] };
}

function unknownDependency(id: string): DependencyState {
  return { change_id: id, relationship: 'depends-on', in_effect: false, status: 'unknown change', commit: null, undone_by: null };
}
