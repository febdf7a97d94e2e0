import { CfgtrailError } from '../core/errors.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\\s+)?';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const TIME = '(\\d{1,2}):(\\d\\d)(?::(\\d\\d)(?:[.,]\\d+)?)?';
const ZONE = '(?:\\s*(z|utc|gmt|ut|[+-]\\d\\d:?\\d\\d))?';

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  zone: string | undefined;
}

/** The formats git documents for GIT_AUTHOR_DATE (git-commit(1), DATE FORMATS), each read into parts. */
const FORMATS: { re: RegExp; parts: (m: RegExpExecArray) => Omit<Parts, 'zone'> & { zone?: string } }[] = [
  // RFC 2822: `Mon, 23 Nov 2026 17:55:45 +0000` (day name and seconds optional).
  { re: new RegExp(`^${DAY}(\\d{1,2})\\s+${MONTH}\\s+(\\d{4})\\s+${TIME}${ZONE}$`, 'i'), parts: (m) => ({ y: +m[3]!, mo: month(m[2]!), d: +m[1]!, ...hms(m, 4), zone: m[7] }) },
  // What `git log` prints: `Mon Nov 23 17:55:45 2026 +0100`.
  { re: new RegExp(`^${DAY}${MONTH}\\s+(\\d{1,2})\\s+${TIME}\\s+(\\d{4})${ZONE}$`, 'i'), parts: (m) => ({ y: +m[6]!, mo: month(m[1]!), d: +m[2]!, ...hms(m, 3), zone: m[7] }) },
  // ISO 8601 (`T` or a space; fractions ignored), and the date parts YYYY.MM.DD, MM/DD/YYYY, DD.MM.YYYY.
  { re: new RegExp(`^(\\d{4})[-.](\\d\\d)[-.](\\d\\d)(?:t|\\s+)${TIME}${ZONE}$`, 'i'), parts: (m) => ({ y: +m[1]!, mo: +m[2]!, d: +m[3]!, ...hms(m, 4), zone: m[7] }) },
  { re: new RegExp(`^(\\d\\d)/(\\d\\d)/(\\d{4})(?:t|\\s+)${TIME}${ZONE}$`, 'i'), parts: (m) => ({ y: +m[3]!, mo: +m[1]!, d: +m[2]!, ...hms(m, 4), zone: m[7] }) },
  { re: new RegExp(`^(\\d\\d)\\.(\\d\\d)\\.(\\d{4})(?:t|\\s+)${TIME}${ZONE}$`, 'i'), parts: (m) => ({ y: +m[3]!, mo: +m[2]!, d: +m[1]!, ...hms(m, 4), zone: m[7] }) },
];

/**
 * Reads a commit date the way git takes GIT_AUTHOR_DATE: git's internal
 * `@1700000000 +0100` / `1700000000 +0100`, RFC 2822
 * `Mon, 23 Nov 2026 17:55:45 +0000`, ISO 8601 `2026-11-23T17:55:45+01:00`
 * (also with a space, fractions of a second, or the date as 2026.11.23,
 * 11/23/2026 or 23.11.2026), and `git log`'s own `Mon Nov 23 17:55:45 2026 +0100`.
 * Without a zone the time is local, as in git. An impossible date
 * (2026-02-30) is refused, where git would roll it over into March.
 * Returns ms since the epoch and the offset in minutes east of UTC.
 *
 * @example parseGitDate('Mon, 23 Nov 2026 17:55:45 +0000') // { ms: 1795456545000, tzOffset: 0 }
 */
export function parseGitDate(text: string): { ms: number; tzOffset: number } {
  const t = text.trim();
  const raw = /^@?(\d+)(?:\s+([+-]\d\d:?\d\d))?$/.exec(t);
  if (raw) {
    const ms = Number(raw[1]) * 1000;
    // beyond what a Date holds there is no zone to write (git refuses such times too)
    if (!withinDates(ms)) throw unreadable(text);
    return { ms, tzOffset: raw[2] ? zoneMinutes(raw[2]) : -new Date(ms).getTimezoneOffset() };
  }
  for (const f of FORMATS) {
    const m = f.re.exec(t);
    const r = m && fromParts({ zone: undefined, ...f.parts(m) });
    if (r) return r;
  }
  throw unreadable(text);
}

/** Whether `ms` and any zone's local time of it fit in a Date (±8.64e15 ms, less a day for the zone). */
export function withinDates(ms: number): boolean {
  return Math.abs(ms) <= 8.64e15 - 86_400_000;
}

function unreadable(text: string): CfgtrailError {
  return new CfgtrailError('BAD_INPUT', `cannot read the date '${text}' (GIT_AUTHOR_DATE): use a format git accepts, e.g. 'Mon, 23 Nov 2026 17:55:45 +0000', '2026-11-23T17:55:45+01:00' or '@1795456545 +0000'`, { text });
}

function month(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function hms(m: RegExpExecArray, at: number): { h: number; mi: number; s: number } {
  return { h: Number(m[at]), mi: Number(m[at + 1]), s: Number(m[at + 2] ?? 0) };
}

function zoneMinutes(zone: string): number {
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0; // Z, UTC, GMT, UT
}

/** Epoch ms and offset for calendar parts, or null when the parts name no real time. */
function fromParts(p: Parts): { ms: number; tzOffset: number } | null {
  if (p.h > 23 || p.mi > 59 || p.s > 60) return null;
  const local = p.zone === undefined ? new Date(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) : null;
  const utc = new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s));
  const check = local ?? utc;
  const [y, mo, d] = local ? [local.getFullYear(), local.getMonth(), local.getDate()] : [utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate()];
  if (Number.isNaN(check.getTime()) || y !== p.y || mo !== p.mo - 1 || d !== p.d) return null;
  if (local) return { ms: local.getTime(), tzOffset: -local.getTimezoneOffset() };
  const tzOffset = zoneMinutes(p.zone!);
  return { ms: utc.getTime() - tzOffset * 60_000, tzOffset };
}
