/**
 * Verify the running services against a commit's config and record the
 * outcome as a git note on that commit (the note is how `rollback` finds the
 * last known good state).
 */
import { BugError } from '../core/errors.js';
import type { Person } from '../core/types.js';
import type { Store } from '../core/store/open.js';
import { storeLockOptions, withStoreLock } from '../core/store/lock.js';
import { addVerificationNote } from '../core/audit/verification-notes.js';
import type { VerificationNote } from '../core/record/verification-note.js';
import { verifyServices, type VerifyReport } from './health.js';
import { restartServices, type RestartReport } from './restart.js';
import type { Clock, HealthProbe, OnEvent, ServiceControl, ServiceEvent } from './ports.js';
import type { ServiceConfig } from './services-config.js';
import { annotateSpan, withSpan } from '../core/trace.js';

/** Options of {@link verifyAndRecord}. */
export interface VerifyAndRecordOptions {
  services: ServiceConfig[];
  probe: HealthProbe;
  clock: Clock;
  /** Needed when `restart` is true. */
  control?: ServiceControl;
  /** Restart the services before checking them. */
  restart: boolean;
  /** Restarts the caller already made (e.g. a resumed rollback's): kept in the note when `restart` is false. */
  restartReport?: RestartReport;
  onEvent?: OnEvent<ServiceEvent>;
  kind: NonNullable<VerificationNote['kind']>;
  /** Who verifies: the note's `by` and the notes commit's author. */
  author?: Person;
  /** ms since the epoch, for the note's time. @default Date.now */
  now?: () => number;
  signal?: AbortSignal;
  message?: string;
}

/** What {@link verifyAndRecord} did. */
export interface VerifyOutcome {
  report: VerifyReport;
  restart?: RestartReport;
  note: VerificationNote;
}

/**
 * Optionally restarts `services`, runs their health checks, and attaches the
 * result to `commit` as a note (under the store lock). A failed verification
 * is a result, not a throw: the caller picks the exit code. With `commit`
 * null nothing is recorded.
 *
 * @throws CfgtrailError LOCKED / CORRUPT_STORE / UNKNOWN_REV when the note cannot be written
 * @example const { report, note } = await verifyAndRecord(store, head, { services, ...realPorts(), restart: false, kind: 'manual' })
 */
export async function verifyAndRecord(store: Store, commit: string | null, opts: VerifyAndRecordOptions): Promise<VerifyOutcome> {
  let restart: RestartReport | undefined = opts.restartReport;
  if (opts.restart) {
    if (!opts.control) throw new BugError('verifyAndRecord: restart requested without a ServiceControl');
    restart = await restartServices(opts.services, { control: opts.control, onEvent: opts.onEvent, signal: opts.signal });
  }
  const report = await verifyServices(opts.services, { probe: opts.probe, clock: opts.clock, onEvent: withRestartOutcome(opts.onEvent, restart), signal: opts.signal });
  const now = opts.now ?? Date.now;
  const note = buildVerificationNote(report, restart, {
    at: new Date(now()).toISOString(),
    kind: opts.kind,
    by: opts.author ? personText(opts.author) : undefined,
    message: opts.message,
  });
  annotateSpan({ 'config.verification.success': report.ok, 'config.verification.result': note.result });
  if (commit) await withSpan('verification.record', { 'config.commit': commit }, () => recordNote(store, commit, note, opts.author, now));
  return { report, restart, note };
}

/** Tells each `verify-done` listener whether that service's restart failed, so no front end calls it verified. */
function withRestartOutcome(onEvent: OnEvent<ServiceEvent> | undefined, restart: RestartReport | undefined): OnEvent<ServiceEvent> | undefined {
  if (!onEvent || !restart) return onEvent;
  return (e) => {
    const r = e.phase === 'verify-done' ? restart.results.find((x) => x.service === e.service) : undefined;
    onEvent(r && e.phase === 'verify-done' ? { ...e, restartOk: r.result.ok } : e);
  };
}

/**
 * Marks `commit` good by hand (`result: marked-good`), e.g. after checking
 * a service some other way.
 */
export async function markGood(store: Store, commit: string, opts: { author: Person; now?: () => number; message?: string }): Promise<VerificationNote> {
  const now = opts.now ?? Date.now;
  const note: VerificationNote = {
    result: 'marked-good',
    at: new Date(now()).toISOString(),
    by: personText(opts.author),
    kind: 'manual',
    services: [],
    ...(opts.message ? { message: opts.message } : {}),
  };
  await recordNote(store, commit, note, opts.author, now);
  return note;
}

/**
 * The note for a verification (and the restart before it, if any). Pure.
 * `failed` when a restart or check failed; `unverified` when nothing failed but
 * some service has no health checks (so `rollback --last-good` never takes it
 * as known good); `passed` only when every service passed checks.
 */
export function buildVerificationNote(
  report: VerifyReport,
  restart: RestartReport | undefined,
  meta: { at: string; kind: VerificationNote['kind']; by?: string; message?: string },
): VerificationNote {
  const services = report.services.map((s) => {
    const r = restart?.results.find((x) => x.service === s.service)?.result;
    return {
      name: s.service,
      ok: s.ok && (r?.ok ?? true),
      ...(r
        ? { restart: { ok: r.ok, command: r.command, exitCode: r.exitCode, durationMs: r.durationMs, message: r.message, ...(r.ok || !r.stderr ? {} : { stderr: r.stderr.slice(-2000) }) } }
        : {}),
      checks: s.checks.map((c) => ({ check: c.check, ok: c.ok, attempts: c.attempts, durationMs: c.durationMs, message: c.message })),
    };
  });
  return {
    result: noteResult(services),
    at: meta.at,
    ...(meta.by ? { by: meta.by } : {}),
    ...(meta.kind ? { kind: meta.kind } : {}),
    services,
    ...(meta.message ? { message: meta.message } : {}),
  };
}

function noteResult(services: VerificationNote['services']): VerificationNote['result'] {
  if (!services.every((s) => s.ok)) return 'failed';
  return services.some((s) => s.checks.length === 0) ? 'unverified' : 'passed';
}

async function recordNote(store: Store, commit: string, note: VerificationNote, author: Person | undefined, now: () => number): Promise<void> {
  // withStoreLock keeps the store private (0700) as it takes the lock.
  await withStoreLock(store.gitdir, storeLockOptions(store), () => addVerificationNote(store, commit, note, { author, now }));
}

function personText(p: Person): string {
  return `${p.name} <${p.email}>`;
}
