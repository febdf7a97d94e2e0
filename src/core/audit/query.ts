import type { AuditEntry, AuditFilter, Trailer } from '../types.js';
import type { Store } from '../store/open.js';
import { compileContentFilter, stateless, type ContentRecord } from './filter.js';
import { eachLineWith, eachNewestFirst, entryMember, lineOf, splitLine, type IndexData } from './index-store.js';
import { syncIndex } from './index-sync.js';
import { buildRecord, recordSettings } from './record.js';

export interface QueryResult {
  /** Matching commits, newest first, each as its `log --json` text. */
  json: string[];
  /** Same entries parsed. */
  entries(): AuditEntry[];
}

/**
 * Answers an audit query from the derived index (brought up to date with
 * git first). Cheap column checks run before any JSON is parsed, so the
 * common queries never parse the entries they skip.
 *
 * @example queryHistory(store, { author: /jane/, limit: 10 }).entries()
 */
export function queryHistory(store: Store, filter: AuditFilter, index?: IndexData): QueryResult {
  const data = index ?? syncIndex(store, { persist: false });
  return queryIndex(data, filter);
}

/** The query itself over index text (exported for benchmarks of the library call). */
export function queryIndex(data: IndexData, filter: AuditFilter): QueryResult {
  // Columns answer time, Change-Id, author and --grep; the rest is checked on
  // the parts of the entry it reads (trailers, files), parsed only for lines
  // that pass the cheap checks.
  const { trailers, risk, component, file, field } = filter;
  const rest = compileContentFilter({ trailers, risk, component, file, field });
  const needsTrailers = Boolean(trailers?.length || risk !== undefined || component !== undefined);
  const needsFiles = file !== undefined;
  const needsRest = needsTrailers || needsFiles || field !== undefined;
  const grep = filter.grep ? stateless(filter.grep) : null;
  // Without anchors or lookarounds, a regex that matches no part of the whole
  // message matches none of its lines either: one exec rejects most entries.
  const grepWhole = grep && !/[$^]|\(\?<?[=!]/.test(grep.source) ? grep : null;
  // Plain text found in the whole message is found in one of its lines.
  const grepLines = grep && !(grepWhole && isPlain(grep)) ? grep : null;
  const fieldHints = field !== undefined ? fieldHintsOf(field) : null;
  const needles = substrings(filter);
  const limit = filter.limit ?? Infinity;
  if (limit <= 0) return { json: [], entries: () => [] }; // the loop below keeps its first match before checking
  const json: string[] = [];
  const visit = (line: string): boolean => {
    const col = splitLine(line);
    if (!col) return true; // a damaged line: syncIndex has checked the checksum, so this is a bug-free skip
    if (filter.since !== undefined && col.timestamp < filter.since) return true;
    if (filter.until !== undefined && col.timestamp > filter.until) return true;
    if (filter.changeId !== undefined && col.changeId !== filter.changeId) return true;
    if (filter.author && !filter.author.test(col.author)) return true;
    if (needles.some((n) => !line.includes(n))) return true;
    if (grepWhole && !grepWhole.test(col.message)) return true;
    if (grepLines && !col.message.split('\x1d').some((l) => grepLines.test(l))) return true;
    if (fieldHints !== null && !fieldHints.some((h) => col.fields.includes(h))) return true;
    if (needsRest) {
      const rec: ContentRecord = {
        fields: field !== undefined ? splitFields(col.fields) : [],
        trailers: needsTrailers ? (entryMember(col.json, 'trailers', 'files') as Trailer[]) : [],
        files: needsFiles ? (entryMember(col.json, 'files', null) as AuditEntry['files']) : [],
      };
      if (!rest(rec)) return true;
    }
    json.push(col.json);
    return json.length < limit;
  };
  // Every matching line contains this literal: look for it (in the bytes, when read from disk).
  const literal = longestLiteral(filter, needles, fieldHints);
  if (literal) eachLineWith(data, literal, visit);
  else eachNewestFirst(data, visit);
  return { json, entries: () => json.map((j) => JSON.parse(j) as AuditEntry) };
}

function splitFields(fields: string): string[] {
  return fields ? fields.split('\x1f').map((x) => x.replace('\x1e', '\t')) : [];
}

/**
 * The first key of a field query, which any matching line's field list
 * contains: read with and without an optional `file:` prefix, since a key may
 * itself contain a colon.
 */
function fieldHintsOf(query: string): string[] {
  const first = (q: string) => {
    const m = /^"([^"]*)"|^[^.[]*/.exec(q);
    return m?.[1] ?? m?.[0] ?? '';
  };
  const colon = query.indexOf(':');
  return colon < 0 ? [first(query)] : [first(query), first(query.slice(colon + 1))];
}

/**
 * The longest text every matching index line contains, or null: a Change-Id
 * with its column tabs, the literal needles, a single field hint, and
 * `--author`/`--grep` patterns that are plain text (no regex syntax, case-sensitive).
 */
function longestLiteral(f: AuditFilter, needles: string[], fieldHints: string[] | null): string | null {
  const found = [...needles];
  if (f.changeId !== undefined) found.push(`\t${f.changeId}\t`);
  if (fieldHints?.length === 1) found.push(fieldHints[0]!);
  for (const re of [f.author, f.grep]) {
    if (re && !re.flags.includes('i') && isPlain(re)) found.push(re.source);
  }
  // Columns have control characters replaced: such text is not searched for.
  const usable = found.filter((t) => !/[\x00-\x08\x0a-\x1f]/.test(t));
  const best = usable.reduce((a, b) => (b.length > a.length ? b : a), '');
  return best === '' ? null : best;
}

/** A pattern with no regex syntax and no separator characters: it matches exactly its own text. */
function isPlain(re: RegExp): boolean {
  return !/[\\^$.*+?()[\]{}|\x00-\x1f]/.test(re.source);
}

/** Literal strings a matching line must contain: a fast reject before parsing. */
function substrings(f: AuditFilter): string[] {
  const out: string[] = [];
  for (const t of f.trailers ?? []) out.push(JSON.stringify(t.value).slice(1, -1));
  if (f.file) out.push(JSON.stringify(f.file).slice(1, -1));
  return out;
}

/** The log entry of one commit: from the index, or built from git when the index does not hold it. */
export function lookupEntry(store: Store, index: IndexData, oid: string): AuditEntry {
  const line = lineOf(index, oid);
  const col = line === null ? null : splitLine(line);
  if (col) {
    try {
      return JSON.parse(col.json) as AuditEntry;
    } catch {
      // a line that is not the JSON recordLine writes: the commit itself answers, below
    }
  }
  const { timestamp: _t, fields: _f, ...entry } = buildRecord(store.objects, oid, recordSettings(store.settings));
  return entry;
}
