/**
 * `log --all-hosts`: every fetched host's matching changes merged newest
 * first by committer date, as `git log --remotes --date-order` orders them.
 * Each host's own order (its log, children before parents) is kept, equal
 * dates keep host order, and with `-n N` each host contributes at most its
 * newest N matches: nothing beyond the merge's window is rendered.
 */
import type { AuditFilter } from '../types.js';
import type { HostStore } from '../store/host-view.js';
import type { FetchedHost } from '../store/fleet-hosts.js';
import { parseCommit } from '../git/commit.js';
import { logHistoryJson, logScope } from './log-history.js';
import { isCfgtrailError } from '../errors.js';
import type { AuditEntry } from '../types.js';
import { notesFor } from './verification-notes.js';
import { fieldSteps, type FieldStep } from './field-history.js';
import type { VerificationNote } from '../record/verification-note.js';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One change of the merged fleet log. */
export interface FleetLogEntry {
  host: FetchedHost;
  /** The `log --json` entry text, as the host's own log has it. */
  json: string;
  commit: string;
  /** The view it came from (for its notes). */
  view: HostStore;
}

/**
 * The changes matching `filter` on every host in `views`, newest first.
 * @example fleetLog(await openAllHostStores(store), { limit: 20, risk: 'high' })
 */
export async function fleetLog(views: readonly HostStore[], filter: AuditFilter, warn: (line: string) => void = () => undefined): Promise<FleetLogEntry[]> {
  const lists: FleetLogEntry[][] = [];
  let unknownId: unknown = null;
  for (const view of views) {
    let scope;
    try {
      scope = await logScope(view, filter, [], warn);
    } catch (e) {
      // a --change-id names a change of one host: the others have none
      if (!isCfgtrailError(e, 'UNKNOWN_CHANGE_ID')) throw e;
      unknownId = e;
      continue;
    }
    lists.push(logHistoryJson(view, scope).map((json) => ({ host: view.host, json, commit: json.slice(11, 51), view })));
  }
  if (lists.length === 0 && unknownId !== null) throw unknownId;
  const limit = filter.limit ?? Infinity;
  // A short merge reads a few commits; a long one reads the dates saved beside each view.
  const wanted = Math.min(limit, lists.reduce((n, l) => n + l.length, 0));
  const times = wanted > SAVED_TIMES_FROM ? new Map(views.map((v) => [v, readSavedTimes(v)])) : null;
  const merged = mergeByDate(lists, limit, (e) => committerTime(e, times?.get(e.view)));
  if (times) for (const saved of times.values()) saveNewTimes(saved);
  return merged;
}

/** From this many entries on, the merge uses (and adds to) the committer dates saved beside each view. */
const SAVED_TIMES_FROM = 500;
const TIMES_FILE = 'committer-times';
// The final `.` shows the date whole: a write cut inside its digits left a line that looked whole.
const TIME_LINE = /^([0-9a-f]{40}) (\d+)\.$/;

/** A view's saved committer dates (a commit's never changes), and those read since. */
interface SavedTimes {
  file: string;
  known: Map<string, number>;
  added: string[];
}

function readSavedTimes(view: HostStore): SavedTimes {
  const file = join(view.gitdir, TIMES_FILE);
  const known = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    // none saved yet: every date is read from its commit
  }
  for (const line of text.split('\n')) {
    // a line cut by a kill does not match: that date is read again
    const m = TIME_LINE.exec(line);
    if (m) known.set(m[1]!, Number(m[2]));
  }
  return { file, known, added: [] };
}

function saveNewTimes(saved: SavedTimes): void {
  if (saved.added.length === 0) return;
  try {
    // one append of whole lines; a concurrent query appending the same dates only repeats them
    appendFileSync(saved.file, `\n${saved.added.join('')}`, { mode: 0o600 });
  } catch {
    // a read-only store: the dates are read again next time
  }
}

function committerTime(e: FleetLogEntry, saved: SavedTimes | undefined): number {
  const known = saved?.known.get(e.commit);
  if (known !== undefined) return known;
  const t = parseCommit(e.view.objects.read(e.commit).content).committer.timestamp;
  if (saved) {
    saved.known.set(e.commit, t);
    saved.added.push(`${e.commit} ${t}.\n`);
  }
  return t;
}

/**
 * Merges lists that are each newest first into one, taking at each step the
 * head with the latest `time` (the earliest list on a tie), up to `limit`.
 * @example mergeByDate([[a3, a1], [b2]], 10, t) // [a3, b2, a1]
 */
export function mergeByDate<T>(lists: readonly T[][], limit: number, time: (item: T) => number): T[] {
  const at = lists.map(() => 0);
  const heads = lists.map((l) => (l.length > 0 ? time(l[0]!) : -Infinity));
  const out: T[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) if (at[i]! < lists[i]!.length && (best < 0 || heads[i]! > heads[best]!)) best = i;
    if (best < 0) break;
    out.push(lists[best]![at[best]!]!);
    const next = ++at[best]!;
    heads[best] = next < lists[best]!.length ? time(lists[best]![next]!) : -Infinity;
  }
  return out;
}

/**
 * A fleet entry's `log --json` text with its host in front:
 * `{"host":"web-1","remote":"origin","commit":…}`.
 */
export function labelledJson(e: FleetLogEntry): string {
  return `{"host":${JSON.stringify(e.host.host)},"remote":${JSON.stringify(e.host.remote)},${e.json.slice(1)}`;
}

/**
 * The verification notes of fleet entries, each read from its own host's
 * notes, by entry: hosts made from one store share commits, not notes.
 */
export function fleetNotes(entries: readonly FleetLogEntry[]): Map<FleetLogEntry, VerificationNote> {
  const out = new Map<FleetLogEntry, VerificationNote>();
  for (const [view, mine] of byView(entries)) {
    const notes = notesFor(view, mine.map((e) => e.commit));
    for (const e of mine) {
      const n = notes.get(e.commit);
      if (n) out.set(e, n);
    }
  }
  return out;
}

/** `-p`: each fleet entry's values of `field` before and after it, read on its own host, by entry. */
export function fleetFieldSteps(entries: readonly FleetLogEntry[], field: string): Map<FleetLogEntry, FieldStep[]> {
  const out = new Map<FleetLogEntry, FieldStep[]>();
  for (const [view, mine] of byView(entries)) {
    const steps = fieldSteps(view, field, mine.map((e) => JSON.parse(e.json) as AuditEntry));
    for (const e of mine) {
      const s = steps.get(e.commit);
      if (s) out.set(e, s);
    }
  }
  return out;
}

function byView(entries: readonly FleetLogEntry[]): Map<HostStore, FleetLogEntry[]> {
  const out = new Map<HostStore, FleetLogEntry[]>();
  for (const e of entries) {
    const list = out.get(e.view);
    if (list) list.push(e);
    else out.set(e.view, [e]);
  }
  return out;
}
