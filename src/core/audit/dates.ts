/**
 * Dates as operators type them into `git log --since/--until`: ISO dates,
 * `@<epoch>`, and git's relative forms (`2.weeks.ago`, `3 days ago`).
 *
 * Unlike git's approxidate, which silently reads garbage as "now", anything we
 * do not understand is refused: a typo must not silently widen an audit query.
 */
import { CfgtrailError } from '../errors.js';

const DAY = 24 * 60 * 60;

/** Units measured in seconds; months and years are calendar steps (like git). */
const SECOND_UNITS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 60 * 60,
  day: DAY,
  week: 7 * DAY,
};

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  last: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?$/i;

/**
 * Read a `--since`/`--until` value.
 *
 * A date or datetime without a zone is local time (like git); a date alone is
 * local midnight. `today` is local midnight, `yesterday` is 24 hours before
 * `now` (git's meaning), and a bare `3 days` means `3 days ago` (as in git).
 *
 * @param spec what the user typed
 * @param now the current time in milliseconds (injected for tests)
 * @returns seconds since the epoch
 * @throws CfgtrailError `BAD_INPUT` for anything else
 * @example parseDateSpec('2.weeks.ago', Date.now())
 * @example parseDateSpec('2026-11-20T10:00+01:00', Date.now()) // 1795165200 (09:00 UTC)
 */
export function parseDateSpec(spec: string, now: number): number {
  const text = spec.trim();
  const ms = parseEpoch(text) ?? parseIso(text) ?? parseRelative(text.toLowerCase(), now);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new CfgtrailError(
      'BAD_INPUT',
      `cannot read date '${spec}': use an ISO date like 2026-11-20 or a relative one like '3 days ago'`,
      { spec },
    );
  }
  return Math.floor(ms / 1000);
}

function parseEpoch(text: string): number | undefined {
  const m = /^@(\d{1,12})$/.exec(text);
  return m ? Number(m[1]) * 1000 : undefined;
}

function parseIso(text: string): number | undefined {
  const m = ISO_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  // Day-of-month overflow (2026-02-30) must not roll into the next month.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined;
  const zone = m[8];
  if (zone === undefined) return new Date(y, mo - 1, d, h, mi, s).getTime() + frac;
  const offset = parseOffset(zone);
  if (offset === undefined) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s) + frac - offset * 60_000;
}

/** `Z`, `+01`, `+0100`, `+01:00` → minutes east of UTC. */
function parseOffset(zone: string): number | undefined {
  if (zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function parseRelative(text: string, now: number): number | undefined {
  // Only words, digits and git's separators; anything else is a typo.
  if (!/^[a-z0-9\s.,_]+$/.test(text)) return undefined;
  const tokens = text.match(/\d+|[a-z]+/g) ?? [];
  if (tokens.length === 1) {
    if (tokens[0] === 'now') return now;
    if (tokens[0] === 'today') return startOfDay(now);
    if (tokens[0] === 'yesterday') return now - DAY * 1000;
  }
  if (tokens[tokens.length - 1] === 'ago') tokens.pop();
  if (tokens.length === 0 || tokens.length % 2 !== 0) return undefined;
  const date = new Date(now);
  for (let i = 0; i < tokens.length; i += 2) {
    const count = readCount(tokens[i] as string);
    const unit = readUnit(tokens[i + 1] as string);
    if (count === undefined || unit === undefined) return undefined;
    stepBack(date, count, unit);
  }
  return date.getTime();
}

function readCount(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return NUMBER_WORDS[token];
}

function readUnit(token: string): string | undefined {
  const singular = token.endsWith('s') ? token.slice(0, -1) : token;
  return singular in SECOND_UNITS || singular === 'month' || singular === 'year' ? singular : undefined;
}

function stepBack(date: Date, count: number, unit: string): void {
  if (unit === 'month') date.setMonth(date.getMonth() - count);
  else if (unit === 'year') date.setFullYear(date.getFullYear() - count);
  else date.setTime(date.getTime() - count * (SECOND_UNITS[unit] as number) * 1000);
}

function startOfDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
