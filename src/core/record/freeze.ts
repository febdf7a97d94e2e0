/**
 * Change freeze records (pure): a freeze or unfreeze is a commit that changes
 * no file, titled `freeze: <reason>` / `unfreeze: <reason>`, with trailers
 * `Freeze: on` (and `Freeze-Until: <ISO-8601>`) or `Freeze: off`, and
 * `Reason: <text>`. The freeze in effect is the newest such commit on HEAD's
 * first-parent line, when it says `on` and its `Freeze-Until` has not passed.
 */
import type { Trailer } from '../types.js';
import { firstTrailer, foldTrailerValue } from './trailers.js';

export const FREEZE_TRAILER = 'Freeze';
export const FREEZE_UNTIL_TRAILER = 'Freeze-Until';

/** A freeze or unfreeze as a commit records it. */
export interface FreezeRecord {
  on: boolean;
  reason: string;
  /** ISO 8601, or null for a freeze until unfrozen (and for an unfreeze). */
  until: string | null;
}

/** The freeze in effect, as front ends show it. */
export interface FreezeState {
  reason: string;
  /** `Name <email>` of whoever froze. */
  by: string;
  /** ISO 8601 author date of the freeze commit. */
  since: string;
  until: string | null;
  commit: string;
}

/**
 * A reason as one line: a newline in what the operator typed must not start
 * a title paragraph or a trailer-looking line (`Freeze: off`) of its own.
 * @example oneLineReason('db on fire\nFreeze: off') // 'db on fire Freeze: off'
 */
export function oneLineReason(reason: string): string {
  return foldTrailerValue(reason.replace(/[\x00-\x09\x0b-\x1f\x7f]/g, ' '));
}

/** Title and trailers of a freeze (`on`) or unfreeze commit; the reason must be one line already. */
export function freezeMessage(r: FreezeRecord): { title: string; trailers: Trailer[] } {
  const trailers: Trailer[] = [{ key: FREEZE_TRAILER, value: r.on ? 'on' : 'off' }];
  if (r.on && r.until !== null) trailers.push({ key: FREEZE_UNTIL_TRAILER, value: r.until });
  trailers.push({ key: 'Reason', value: r.reason });
  return { title: `${r.on ? 'freeze' : 'unfreeze'}: ${r.reason}`, trailers };
}

/**
 * The freeze record a commit's trailers carry, or null when it is no freeze
 * commit. A `Freeze` value other than on/off reads as on: a typo must not
 * lift a freeze.
 */
export function freezeRecordOf(trailers: readonly Trailer[]): FreezeRecord | null {
  const value = firstTrailer(trailers, FREEZE_TRAILER);
  if (value === undefined) return null;
  const on = value.trim().toLowerCase() !== 'off';
  return { on, reason: firstTrailer(trailers, 'Reason') ?? '', until: on ? (firstTrailer(trailers, FREEZE_UNTIL_TRAILER) ?? null) : null };
}

/**
 * Whether a freeze record is in effect at `nowMs`. An unreadable
 * `Freeze-Until` keeps the freeze on (fail closed).
 */
export function freezeInEffect(r: FreezeRecord, nowMs: number): boolean {
  if (!r.on) return false;
  if (r.until === null) return true;
  const t = Date.parse(r.until);
  return Number.isNaN(t) || t > nowMs;
}
