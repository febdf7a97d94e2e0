import type { AuditEntry } from '../types.js';
import type { Store } from '../store/open.js';
import { servicesMatching } from '../store/glob.js';
import { notesFor } from './verification-notes.js';
import type { VerificationNote } from '../record/verification-note.js';
import type { RollbackEstimate } from '../record/change-record.js';
import { eachLineWith, splitLine, type IndexData } from './index-store.js';

/** One past rollback that measured its services: its files and each service's restart plus checks, in ms. */
export interface RollbackMeasurement {
  commit: string;
  files: string[];
  services: { name: string; ms: number }[];
}

/**
 * What past rollbacks and reverts measured: each such commit whose newest
 * verification note is its own (`kind: rollback`; a revert runs through the
 * rollback machinery) gives, per service, its restart and health-check
 * durations. Read once for any number of records.
 */
export function rollbackMeasurements(store: Store, index: IndexData): RollbackMeasurement[] {
  const rollbacks = rollbackCommits(index);
  const notes = notesFor(store, rollbacks.map((r) => r.commit));
  const out: RollbackMeasurement[] = [];
  for (const r of rollbacks) {
    const note = notes.get(r.commit);
    if (!note || note.kind !== 'rollback' || note.services.length === 0) continue;
    out.push({ ...r, services: note.services.map((s) => ({ name: s.name, ms: serviceMs(s) })) });
  }
  return out;
}

/**
 * How long undoing a change to `files` is likely to take, from what past
 * rollbacks measured (restarts and checks run one after another, so a
 * rollback's time is the sum over its services). A rollback counts when it
 * touched one of `files` or restarted a service those files feed; its time
 * is the sum over those services (all of its services when the files feed
 * none). The estimate is the median. Null when nothing was measured: an
 * estimate is never made up.
 * @example estimateRollback(store, rollbackMeasurements(store, index), ['nginx.conf'])
 */
export function estimateRollback(store: Store, measured: readonly RollbackMeasurement[], files: readonly string[]): RollbackEstimate | null {
  const mine = new Set(files);
  const services = servicesFor(store, files);
  const samples: { commit: string; ms: number; services: string[] }[] = [];
  for (const r of measured) {
    const fed = r.services.filter((s) => services.has(s.name));
    if (fed.length === 0 && !r.files.some((f) => mine.has(f))) continue;
    const counted = fed.length > 0 ? fed : r.services;
    samples.push({ commit: r.commit, ms: counted.reduce((sum, s) => sum + s.ms, 0), services: counted.map((s) => s.name) });
  }
  if (samples.length === 0) return null;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    median_ms: Math.round(median),
    rollbacks: samples.map((s) => s.commit),
    services: [...new Set(samples.flatMap((s) => s.services))].sort(),
  };
}

function serviceMs(s: VerificationNote['services'][number]): number {
  return (s.restart?.durationMs ?? 0) + s.checks.reduce((sum, c) => sum + c.durationMs, 0);
}

/**
 * Commits that undid changes, with their files, newest first: rollbacks
 * (`Rollback-To`) and reverts (`Reverts`), which restart and verify the
 * same way.
 */
function rollbackCommits(index: IndexData): { commit: string; files: string[] }[] {
  const found = new Map<string, { commit: string; files: string[]; timestamp: number }>();
  for (const key of ['Rollback-To', 'Reverts']) {
    eachLineWith(index, `"key":"${key}"`, (line) => {
      const col = splitLine(line);
      if (!col || found.has(col.oid)) return true;
      try {
        const e = JSON.parse(col.json) as AuditEntry;
        if (e.trailers.some((t) => t.key === key)) found.set(e.commit, { commit: e.commit, files: e.files.map((f) => f.path), timestamp: col.timestamp });
      } catch {
        // not an entry recordLine wrote: it cannot be told apart from a title, so it is left out
      }
      return true;
    });
  }
  return [...found.values()].sort((a, b) => b.timestamp - a.timestamp).map(({ commit, files }) => ({ commit, files }));
}

/** Names of the settings' services whose `files` globs match one of `paths` (the settings schema has checked their shape). */
function servicesFor(store: Store, paths: readonly string[]): Set<string> {
  return new Set(servicesMatching(store.settings.services as { name: string; files: string[] }[], paths).map((s) => s.name));
}
