/**
 * The filter language of `log`: its flags as one options object, checked and
 * turned into an audit filter. The CLI maps its flags here and the TUI's `/`
 * prompt its words (filter-text.ts), so both accept and refuse the same values.
 */
import { CfgtrailError } from '../errors.js';
import type { AuditFilter } from '../types.js';
import { parseDateSpec } from './dates.js';
import { makeRegex } from './filter.js';
import { parseTrailerArg } from '../record/trailers.js';
import { RISKS } from '../record/risk.js';

export interface LogFlags {
  oneline?: boolean;
  json?: boolean;
  maxCount?: string;
  since?: string;
  until?: string;
  author?: string;
  grep?: string;
  changeId?: string;
  trailer?: string[];
  risk?: string;
  component?: string;
  file?: string;
  field?: string;
  regexpIgnoreCase?: boolean;
  /** `-p` with `--field`: each change's value of the field (the CLI's output choice, not a filter). */
  patch?: boolean;
}

/** Maps `log` flags to an audit filter (tested as a table). */
export function filterFromFlags(f: LogFlags, now: number): AuditFilter {
  const filter: AuditFilter = {};
  if (f.maxCount !== undefined) {
    const n = Number(f.maxCount);
    if (!Number.isInteger(n) || n < 0) throw new CfgtrailError('BAD_INPUT', `-n needs a whole number, got '${f.maxCount}'`);
    filter.limit = n;
  }
  if (f.since) filter.since = parseDateSpec(f.since, now);
  if (f.until) filter.until = parseDateSpec(f.until, now);
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
    // Nothing can match: say so rather than print nothing.
    throw new CfgtrailError('BAD_INPUT', `--since '${f.since}' is later than --until '${f.until}'`, { since: filter.since, until: filter.until });
  }
  if (f.author) filter.author = makeRegex(f.author, '--author', f.regexpIgnoreCase);
  if (f.grep) filter.grep = makeRegex(f.grep, '--grep', f.regexpIgnoreCase);
  if (f.changeId) filter.changeId = f.changeId;
  // Split at the first ':' or '=' as snapshot does: 'Config: pool=40' is key Config.
  if (f.trailer?.length) filter.trailers = f.trailer.map((t) => parseTrailerArg(t));
  if (f.risk !== undefined) {
    // A level no snapshot can record would silently match nothing.
    if (!RISKS.includes(f.risk.toLowerCase())) throw new CfgtrailError('BAD_INPUT', `--risk must be one of ${RISKS.join(', ')}; got '${f.risk}'`, { flag: '--risk', value: f.risk });
    filter.risk = f.risk;
  }
  if (f.component) filter.component = f.component;
  if (f.file) filter.file = f.file.replace(/^\.\//, '').replace(/\/$/, '');
  if (f.field) filter.field = f.field;
  return filter;
}
