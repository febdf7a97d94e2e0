/**
 * History as a browser lists it: one row per matching change, newest first,
 * each parsed only when asked for (a 10,000-change list shows ~20 at a time),
 * with the markers tig-like browsers show beside a commit.
 */
import type { Store } from '../store/open.js';
import type { AuditEntry, AuditFilter } from '../types.js';
import { noteBlobs, readBlobText } from '../git/notes.js';
import { parseNote, type VerificationNote } from '../record/verification-note.js';
import { firstTrailer } from '../record/trailers.js';
import type { IndexData } from './index-store.js';
import { queryHistory } from './query.js';

/**
 * What a change was beyond an ordinary snapshot: `rollback` (`Rollback-To`),
 * `auto-rollback` (a rollback whose `Reason` starts `auto-rollback:`),
 * `revert` (`Reverts`), `drill` (`Drill`), `freeze`/`unfreeze` (`Freeze: on|off`).
 */
export type Marker = 'rollback' | 'auto-rollback' | 'revert' | 'drill' | 'freeze' | 'unfreeze' | 'playbook';

export interface HistoryRow {
  commit: string;
  changeId: string | null;
  /** ISO 8601 with the author's offset, as `log --json`. */
  date: string;
  author: string;
  title: string;
  risk: string | null;
  markers: Marker[];
  /** The newest verification's result, or null when none was recorded. */
  verification: VerificationNote['result'] | null;
}

/** The matching changes; rows are built on first access and kept. */
export interface HistoryList {
  readonly length: number;
  row(i: number): HistoryRow;
  /** Position of `commit` in the list, or -1. */
  indexOf(commit: string): number;
}

/**
 * The changes `filter` matches, newest first, as lazily built rows.
 * @example historyList(store, index, { risk: 'high' }).row(0).title
 */
export function historyList(store: Store, index: IndexData, filter: AuditFilter): HistoryList {
  const json = queryHistory(store, filter, index).json;
  const rows = new Map<number, HistoryRow>();
  let notes: Map<string, string> | undefined;
  const row = (i: number): HistoryRow => {
    let r = rows.get(i);
    if (!r) {
      notes ??= noteBlobs(store);
      const entry = JSON.parse(json[i]!) as AuditEntry;
      const blob = notes.get(entry.commit);
      r = rowOf(entry, blob ? (parseNote(readBlobText(store, blob))?.result ?? null) : null);
      rows.set(i, r);
    }
    return r;
  };
  // Each index line starts `{"commit":"<40 hex>"`: the id is at a fixed place.
  const indexOf = (commit: string) => json.findIndex((j) => j.slice(11, 51) === commit);
  return { length: json.length, row, indexOf };
}

/** A row from a log entry and its verification result. */
export function rowOf(e: AuditEntry, verification: HistoryRow['verification']): HistoryRow {
  return {
    commit: e.commit,
    changeId: e.changeId,
    date: e.date,
    author: e.author.name,
    title: e.title,
    risk: firstTrailer(e.trailers, 'Risk')?.trim().toLowerCase() ?? null,
    markers: markersOf(e),
    verification,
  };
}

/** The markers of one change, from its trailers. */
export function markersOf(e: Pick<AuditEntry, 'trailers'>): Marker[] {
  const t = (key: string) => firstTrailer(e.trailers, key);
  const out: Marker[] = [];
  if (t('Rollback-To') !== undefined) out.push(/^auto-rollback:/i.test(t('Reason') ?? '') ? 'auto-rollback' : 'rollback');
  if (t('Reverts') !== undefined || t('Reverts-Commit') !== undefined) out.push('revert');
  if (t('Drill') !== undefined) out.push('drill');
  const freeze = t('Freeze')?.trim().toLowerCase();
  if (freeze === 'on') out.push('freeze');
  if (freeze === 'off') out.push('unfreeze');
  if (t('Playbook') !== undefined) out.push('playbook');
  return out;
}
