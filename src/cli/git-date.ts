import { CfgtrailError } from '../core/errors.js';

/**
 * Reads a commit date the way git takes GIT_AUTHOR_DATE: `@1700000000 +0100`,
 * `1700000000 +0100` or ISO 8601 with an offset (`2026-11-26T15:19:07+01:00`).
 * Returns ms since the epoch and the offset in minutes east of UTC.
 */
export function parseGitDate(text: string): { ms: number; tzOffset: number } {
  const raw = /^@?(\d+)(?:\s+([+-])(\d\d):?(\d\d))?$/.exec(text.trim());
  if (raw) {
    const off = raw[2] ? (raw[2] === '-' ? -1 : 1) * (Number(raw[3]) * 60 + Number(raw[4])) : 0;
    return { ms: Number(raw[1]) * 1000, tzOffset: off };
  }
  const iso = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?)(?:\s*(Z|[+-]\d\d:?\d\d))?$/.exec(text.trim());
  if (iso) {
    const zone = iso[2] ?? 'Z';
    const m = /^([+-])(\d\d):?(\d\d)$/.exec(zone);
    const off = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    const ms = Date.parse(`${iso[1]!.replace(' ', 'T')}${m ? `${m[1]}${m[2]}:${m[3]}` : 'Z'}`);
    if (!Number.isNaN(ms)) return { ms, tzOffset: off };
  }
  throw new CfgtrailError('BAD_INPUT', `cannot read the date '${text}' (GIT_AUTHOR_DATE): use ISO 8601 with an offset or '@<seconds> +0000'`);
}
