/**
 * Whether changes are frozen, read from history: `cfgtrail freeze`/`unfreeze`
 * record commits with a `Freeze: on|off` trailer (plus `Freeze-Until` and
 * `Reason`), and the newest commit carrying `Freeze` decides.
 */
import type { AuditEntry } from '../types.js';
import { firstTrailer } from '../record/trailers.js';
import type { IndexData } from './index-store.js';
import { queryIndex } from './query.js';

export interface FreezeState {
  /** The commit that froze (or unfroze) changes. */
  commit: string;
  frozen: boolean;
  /** `Freeze-Until`, when the freeze ends by itself (ISO 8601). */
  until: string | null;
  reason: string | null;
  by: string;
}

/**
 * The freeze in effect, or null when none is: the newest commit with a
 * `Freeze` trailer, if it says `on` and its `Freeze-Until` has not passed.
 * @param now ms since the epoch
 * @example freezeState(index, Date.now())?.reason
 */
export function freezeState(index: IndexData, now: number): FreezeState | null {
  // `--grep` reads trailer lines as `Key: value`; the trailers themselves decide.
  for (const json of queryIndex(index, { grep: /^Freeze:/i }).json) {
    const e = JSON.parse(json) as AuditEntry;
    const value = firstTrailer(e.trailers, 'Freeze')?.trim().toLowerCase();
    if (value === undefined) continue; // "Freeze:" in the body, not a trailer
    const until = firstTrailer(e.trailers, 'Freeze-Until')?.trim() || null;
    // An unreadable end time keeps the freeze: lifting it by mistake is the worse error.
    const end = until === null ? NaN : Date.parse(until);
    const over = Number.isFinite(end) && end <= now;
    if (value !== 'on' || over) return null;
    return { commit: e.commit, frozen: true, until, reason: firstTrailer(e.trailers, 'Reason') ?? null, by: `${e.author.name} <${e.author.email}>` };
  }
  return null;
}
