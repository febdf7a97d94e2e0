import type { AuditEntry, AuditFilter, IndexRecord } from '../types.js';
import type { Store } from '../store/open.js';
import { compileFilter } from './filter.js';
import { eachNewestFirst, splitLine, type IndexData } from './index-store.js';
import { syncIndex } from './index-sync.js';
import { buildRecord } from './record.js';

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
  // --grep is answered from the message column below, without parsing entries.
  const full = compileFilter({ ...filter, grep: undefined });
  const needsEntry = Boolean(filter.trailers?.length || filter.risk || filter.component || filter.file);
  const grep = filter.grep ? new RegExp(filter.grep.source, filter.grep.flags.replace(/[gy]/g, '')) : null;
  // Without anchors or lookarounds, a regex that matches no part of the whole
  // message matches none of its lines either: one exec rejects most entries.
  const grepWhole = grep && !/[$^]|\(\?<?[=!]/.test(grep.source) ? grep : null;
  const fieldHints = filter.field ? fieldHintsOf(filter.field) : null;
  const needles = substrings(filter);
  const limit = filter.limit ?? Infinity;
  if (limit <= 0) return { json: [], entries: () => [] }; // the loop below keeps its first match before checking
  const json: string[] = [];
  eachNewestFirst(data.text, (line) => {
    const col = splitLine(line);
    if (!col) return true; // a damaged line: syncIndex has checked the checksum, so this is a bug-free skip
    if (filter.since !== undefined && col.timestamp < filter.since) return true;
    if (filter.until !== undefined && col.timestamp > filter.until) return true;
    if (filter.changeId !== undefined && col.changeId !== filter.changeId) return true;
    if (filter.author && !filter.author.test(col.author)) return true;
    if (needles.some((n) => !line.includes(n))) return true;
    if (grepWhole && !grepWhole.test(col.message)) return true;
    if (grep && !col.message.split('\x1d').some((l) => grep.test(l))) return true;
    if (fieldHints !== null && !fieldHints.some((h) => col.fields.includes(h))) return true;
    if (needsEntry || fieldHints !== null) {
      // Only the field list is needed for --field alone: skip parsing the entry.
      const rec = needsEntry ? toRecord(col.json, col.timestamp, col.fields) : fieldsOnly(col.timestamp, col.fields);
      if (!full(rec)) return true;
    }
    json.push(col.json);
    return json.length < limit;
  });
  return { json, entries: () => json.map((j) => JSON.parse(j) as AuditEntry) };
}

function fieldsOnly(timestamp: number, fields: string): IndexRecord {
  return { timestamp, fields: splitFields(fields) } as IndexRecord;
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

/** Parses an index entry back into the record the filter expects. */
function toRecord(json: string, timestamp: number, fields: string): IndexRecord {
  const e = JSON.parse(json) as AuditEntry;
  return { ...e, timestamp, fields: splitFields(fields) };
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
  // Start of the commit's line: the first line, or the one after a newline (-1: not indexed).
  const at = index.text.startsWith(`${oid}\t`) ? 0 : afterNewline(index.text.indexOf(`\n${oid}\t`));
  if (at >= 0) {
    const end = index.text.indexOf('\n', at);
    const col = splitLine(index.text.slice(at, end < 0 ? undefined : end));
    if (col) return JSON.parse(col.json) as AuditEntry;
  }
  const { timestamp: _t, fields: _f, ...entry } = buildRecord(store.objects, oid, { schema: store.settings.yamlSchema });
  return entry;
}

function afterNewline(pos: number): number {
  return pos < 0 ? -1 : pos + 1;
}
