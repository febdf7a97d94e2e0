/**
 * Audit queries as predicates over index records: every condition of an
 * `AuditFilter` must hold (AND), with git log's meaning where git has the flag.
 */
import { CfgtrailError } from '../errors.js';
import type { AuditFilter, IndexRecord, PathSegment, Trailer } from '../types.js';
import { parsePathText } from '../diff/path-text.js';
import { orderChangeMatches, segmentsMatch } from '../diff/field-match.js';
import { orderChangePath } from './index-marks.js';
import { trailerValues } from '../record/trailers.js';

type Check = (r: IndexRecord) => boolean;

/**
 * Turn a user's pattern into a RegExp: case-sensitive like git unless
 * `ignoreCase` (git's `-i`).
 *
 * @param flagName the flag it came from, for the error (`author` or `--author`)
 * @throws CfgtrailError `BAD_INPUT` naming the flag when the pattern is invalid
 * @example makeRegex('^Jane', 'author')
 */
export function makeRegex(input: string, flagName: string, ignoreCase = false): RegExp {
  const flag = flagName.startsWith('-') ? flagName : `--${flagName}`;
  try {
    return new RegExp(input, ignoreCase ? 'i' : '');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new CfgtrailError('BAD_INPUT', `invalid regular expression for ${flag}: ${reason}`, { flag, input }, {
      cause: e,
    });
  }
}

/**
 * Compile a filter into one predicate. `limit` is not a per-record condition
 * and is left to the caller.
 *
 * - `since`/`until`: author time, inclusive.
 * - `author`: tested on `Name <email>` (git `--author`).
 * - `grep`: tested line by line on the title, body and trailer lines, so `^`
 *   and `$` anchor per line as in git `--grep` (trailers are part of git's message).
 * - `changeId`: exact and case-sensitive.
 * - `trailers`: each must be present; key case-insensitive, value exact.
 * - `risk`: the `Risk` trailer, value case-insensitive.
 * - `component`: any `Component` trailer item (comma-separated), case-insensitive.
 * - `file`: a changed path equal to it or under it as a directory.
 * - `field`: a changed field equal to it, or either one a segment-wise prefix of
 *   the other; `file:path` restricts the match to that file.
 *
 * @example compileFilter({ risk: 'high', file: 'conf.d' })(record)
 */
export function compileFilter(f: AuditFilter): (r: IndexRecord) => boolean {
  const checks: Check[] = [];
  if (f.since !== undefined) checks.push((r) => r.timestamp >= (f.since as number));
  if (f.until !== undefined) checks.push((r) => r.timestamp <= (f.until as number));
  if (f.author) {
    const re = stateless(f.author);
    checks.push((r) => re.test(`${r.author.name} <${r.author.email}>`));
  }
  if (f.grep) {
    const re = stateless(f.grep);
    checks.push((r) => messageLines(r).some((line) => re.test(line)));
  }
  if (f.changeId !== undefined) checks.push((r) => r.changeId === f.changeId);
  checks.push(...contentChecks(f));
  return (r) => checks.every((check) => check(r));
}

/** What the trailer, risk, component, file and field conditions read of a record. */
export type ContentRecord = Pick<IndexRecord, 'trailers' | 'files' | 'fields'>;
type ContentFilter = Pick<AuditFilter, 'trailers' | 'risk' | 'component' | 'file' | 'field'>;

/**
 * The conditions of `f` that read a record's trailers, files and fields, as
 * one predicate (queryIndex answers the others from the index columns).
 *
 * @example compileContentFilter({ file: 'conf.d' })({ trailers: [], files: [{ path: 'conf.d/a.yaml', … }], fields: [] })
 */
export function compileContentFilter(f: ContentFilter): (r: ContentRecord) => boolean {
  const checks = contentChecks(f);
  return (r) => checks.every((check) => check(r));
}

function contentChecks(f: ContentFilter): ((r: ContentRecord) => boolean)[] {
  const checks: ((r: ContentRecord) => boolean)[] = [];
  for (const t of f.trailers ?? []) checks.push((r) => hasTrailer(r.trailers, t.key, (v) => v === t.value));
  if (f.risk !== undefined) {
    const risk = f.risk.toLowerCase();
    checks.push((r) => hasTrailer(r.trailers, 'Risk', (v) => v.trim().toLowerCase() === risk));
  }
  if (f.component !== undefined) {
    const component = f.component.toLowerCase();
    checks.push((r) =>
      hasTrailer(r.trailers, 'Component', (v) => v.split(',').some((c) => c.trim().toLowerCase() === component)),
    );
  }
  if (f.file !== undefined) {
    const file = normalizePath(f.file);
    checks.push((r) => r.files.some((x) => isUnder(normalizePath(x.path), file)));
  }
  if (f.field !== undefined) checks.push(fieldCheck(f.field));
  return checks;
}

/** A `g` or `y` RegExp keeps `lastIndex` between calls and would skip matches. */
export function stateless(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
}

/** The lines `--grep` is tested on, one by one: title, body, then trailers (`Key: value`), as git does. */
export function messageLines(r: Pick<IndexRecord, 'title' | 'body' | 'trailers'>): string[] {
  const trailerLines = r.trailers.map((t) => `${t.key}: ${t.value}`);
  return [...`${r.title}\n${r.body}`.split('\n'), ...trailerLines];
}

function hasTrailer(trailers: Trailer[], key: string, value: (v: string) => boolean): boolean {
  return trailerValues(trailers, key).some(value);
}

function normalizePath(p: string): string {
  const trimmed = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

function isUnder(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

interface FieldQuery {
  file?: string;
  segments: PathSegment[];
}

function fieldCheck(query: string): (r: ContentRecord) => boolean {
  // `a.yaml:x.y` restricts to one file, but a colon can also be part of a key:
  // accept either reading, since missing a change is worse in an audit.
  const texts: { file?: string; text: string }[] = [{ text: query }];
  const colon = findUnquoted(query, ':');
  if (colon > 0) texts.push({ file: normalizePath(query.slice(0, colon)), text: query.slice(colon + 1) });
  const readings: FieldQuery[] = texts.flatMap((t) => {
    const segments = tryParsePath(t.text);
    return segments ? [{ file: t.file, segments }] : [];
  });
  if (readings.length === 0) parsePathText(query); // throws BAD_INPUT naming the bad syntax
  return (r) =>
    r.fields.some((entry) => {
      const tab = entry.indexOf('\t');
      const file = normalizePath(entry.slice(0, tab));
      const text = entry.slice(tab + 1);
      const order = orderChangePath(text);
      const change = tryParsePath(order ?? text);
      const matches = order !== null ? orderChangeMatches : segmentsMatch;
      // A plain query segment also matches a key-matched entry (`upstreams.auth` ~ `upstreams[name=auth]`).
      return change !== null && readings.some((q) => (q.file === undefined || isUnder(file, q.file)) && matches(change, q.segments));
    });
}

function tryParsePath(text: string): PathSegment[] | null {
  try {
    return parsePathText(text);
  } catch {
    return null; // not path syntax: this reading of the query does not apply
  }
}

/** Index of `ch` outside double quotes and brackets, or -1. */
function findUnquoted(text: string, ch: string): number {
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '[') depth++;
    else if (!quoted && c === ']') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ch) return i;
  }
  return -1;
}
