/**
 * Change–incident correlation: the changes (and rollbacks, freezes, drills)
 * recorded in the window before an incident, ranked for the first question
 * of an incident review, "what changed?".
 */
import type { AuditEntry, Trailer } from '../core/types.js';
import type { Store } from '../core/store/open.js';
import type { IndexData } from '../core/audit/index-store.js';
import { eachLineSpanNewestFirst, splitLine } from '../core/audit/index-store.js';
import { notesFor } from '../core/audit/verification-notes.js';
import { formatNoteSummary, type VerificationNote } from '../core/record/verification-note.js';
import { trailerValues } from '../core/record/trailers.js';
import { NOT_COMPARED_MARK, orderChangePath } from '../core/audit/index-marks.js';
import { servicesForFiles, type ServiceConfig } from './services-config.js';

export type SuspectKind = 'change' | 'rollback' | 'auto-rollback' | 'revert' | 'freeze' | 'unfreeze' | 'drill' | 'rollout' | 'playbook';

export interface Suspect {
  kind: SuspectKind;
  commit: string;
  changeId: string | null;
  title: string;
  author: AuditEntry['author'];
  date: string;
  /** Seconds between the change and the incident. */
  secondsBefore: number;
  /** The named service's files or component this change touched (empty: none, or no service named). */
  touches: string[];
  files: AuditEntry['files'];
  /** Field paths changed, `file: path`. */
  fields: string[];
  components: string[];
  risk: string | null;
  verification: { result: VerificationNote['result']; at: string; summary: string } | null;
  /** The fetched host it was recorded on (`suspects --host/--all-hosts`); absent for this store's own. */
  host?: string;
}

export interface SuspectsRequest {
  /** The incident's start, seconds since the epoch. */
  at: number;
  /** How far back to look, in seconds. */
  windowSeconds: number;
  /** Rank the changes that touched this service's files or component first. */
  service?: ServiceConfig;
}

export interface SuspectsResult {
  at: number;
  since: number;
  service: string | null;
  /** Most suspicious first: touching the service, then closest to the incident. */
  suspects: Suspect[];
}

/**
 * The recorded changes with author time in `[at - window, at]`, ranked.
 * Reads only the index lines in the window, and the verification notes of
 * those commits.
 * @example findSuspects(store, index, { at: incident, windowSeconds: 7200, service: web }).suspects[0]
 */
export function findSuspects(store: Store, index: IndexData, req: SuspectsRequest): SuspectsResult {
  const since = req.at - req.windowSeconds;
  const found: Suspect[] = [];
  const bytes = index.bytes;
  eachLineSpanNewestFirst(bytes, (start, end) => {
    // the timestamp column first: only the lines in the window are decoded
    const tab = bytes.indexOf(9, start + 41);
    const ts = Number(bytes.toString('latin1', start + 41, tab));
    if (!(ts >= since && ts <= req.at)) return true;
    const col = splitLine(bytes.toString('utf8', start, end));
    if (col) found.push(suspectOf(JSON.parse(col.json) as AuditEntry, col.fields, req.at - ts, req.service));
    return true;
  });
  const notes = notesFor(store, found.map((s) => s.commit));
  for (const s of found) {
    const n = notes.get(s.commit);
    if (n) s.verification = { result: n.result, at: n.at, summary: formatNoteSummary(n) };
  }
  return { at: req.at, since, service: req.service?.name ?? null, suspects: rankSuspects(found) };
}

/** Most suspicious first: touching the service, then closest to the incident (a stable sort keeps ties in order). */
function rankSuspects(found: Suspect[]): Suspect[] {
  return found.sort((a, b) => Number(b.touches.length > 0) - Number(a.touches.length > 0) || a.secondsBefore - b.secondsBefore);
}

/**
 * `findSuspects` on several hosts' stores, ranked together, each suspect
 * naming its host (`hosts`: each store with its index and label).
 * @example findFleetSuspects(views.map((v) => ({ store: v, index, label: v.host.label })), req)
 */
export function findFleetSuspects(hosts: readonly { store: Store; index: IndexData; label: string }[], req: SuspectsRequest): SuspectsResult {
  const all: Suspect[] = [];
  for (const h of hosts) for (const s of findSuspects(h.store, h.index, req).suspects) all.push({ ...s, host: h.label });
  return { at: req.at, since: req.at - req.windowSeconds, service: req.service?.name ?? null, suspects: rankSuspects(all) };
}

function suspectOf(e: AuditEntry, fieldsColumn: string, secondsBefore: number, service: ServiceConfig | undefined): Suspect {
  const components = trailerValues(e.trailers, 'Component').flatMap((v) => v.split(',').map((c) => c.trim()).filter(Boolean));
  const touches: string[] = [];
  if (service) {
    for (const f of e.files) if (servicesForFiles([service], [f.path]).length > 0) touches.push(f.path);
    if (components.some((c) => c.toLowerCase() === service.name.toLowerCase())) touches.push(`component ${service.name}`);
  }
  const fields = fieldsColumn === '' ? [] : fieldsColumn.split('\x1f').map(fieldText);
  return {
    kind: kindOf(e.trailers),
    commit: e.commit,
    changeId: e.changeId,
    title: e.title,
    author: e.author,
    date: e.date,
    secondsBefore,
    touches,
    files: e.files,
    fields,
    components,
    risk: trailerValues(e.trailers, 'Risk')[0] ?? null,
    verification: null,
  };
}

/** `file: path` of one recorded field change, marks spelled out. */
function fieldText(item: string): string {
  const sep = item.indexOf('\x1e');
  const file = item.slice(0, sep);
  const path = item.slice(sep + 1);
  if (path === NOT_COMPARED_MARK) return `${file}: (compared as text)`;
  const order = orderChangePath(path);
  return order !== null ? `${file}: order of ${order}` : `${file}: ${path}`;
}

/** What a commit is, from its trailers (the freeze and drill trailers as the shared contract writes them). */
export function kindOf(trailers: readonly Trailer[]): SuspectKind {
  const freeze = trailerValues(trailers, 'Freeze')[0]?.trim().toLowerCase();
  if (freeze === 'on') return 'freeze';
  if (freeze === 'off') return 'unfreeze';
  if (trailerValues(trailers, 'Drill').length > 0) return 'drill';
  if (trailerValues(trailers, 'Rollout').length > 0) return 'rollout';
  if (trailerValues(trailers, 'Reverts').length > 0) return 'revert';
  if (trailerValues(trailers, 'Rollback-To').length > 0 || trailerValues(trailers, 'Rollback-Of').length > 0) {
    return trailerValues(trailers, 'Reason').some((r) => r.trim().toLowerCase().startsWith('auto-rollback:')) ? 'auto-rollback' : 'rollback';
  }
  // the record commits of a fleet rollout and of a recovery playbook (they change no file)
  if (trailerValues(trailers, 'Playbook').length > 0) return 'playbook';
  return 'change';
}
