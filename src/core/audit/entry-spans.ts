import type { AuditFilter } from '../types.js';
import type { IndexData } from './index-store.js';
import { queryIndex } from './query.js';

/**
 * A query's matches as ranges of one text holding their `log --json`
 * entries, newest first: `spans` holds a start and an end (exclusive) per
 * entry. Text output reads the entries in place, without a string per entry.
 */
export interface EntrySpans {
  text: string;
  spans: number[];
  /** The entries' commit ids, in order. */
  commits(): string[];
}

/**
 * The matches of `filter` as entry ranges. A query with no condition and no
 * short limit finds them in the index text, seven forward string searches per
 * line; any other query is answered by `queryIndex`.
 *
 * @example queryEntrySpans(index, { limit: 10 }).spans.length // 20
 */
export function queryEntrySpans(data: IndexData, filter: AuditFilter): EntrySpans {
  // A short -n reads only the newest lines (queryIndex decodes just those).
  if (!isUnfiltered(filter) || (filter.limit ?? Infinity) <= FEW) return entrySpansOf(queryIndex(data, filter).json);
  // The whole index as one string (latin1 when it is ASCII: a copy, no
  // decoding), read front to back: forward searches are the fast ones.
  const text = data.text;
  const forward: number[] = [];
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    // What splitLine accepts: the oid column is 40 characters and the entry
    // follows the sixth tab; other lines are skipped, as queryIndex does.
    let tab = text.indexOf('\t', at);
    if (tab === at + 40) {
      for (let n = 1; n < 6 && tab >= 0 && tab < end; n++) tab = text.indexOf('\t', tab + 1);
      if (tab >= 0 && tab < end) forward.push(tab + 1, end);
    }
    at = end + 1;
  }
  const spans: number[] = [];
  for (let i = forward.length - 2; i >= 0 && spans.length < (filter.limit ?? Infinity) * 2; i -= 2) spans.push(forward[i]!, forward[i + 1]!);
  return spansResult(text, spans);
}

/** True when `filter` has no condition, at most a limit (-n). */
export function isUnfiltered(filter: AuditFilter): boolean {
  return Object.entries(filter).every(([k, v]) => k === 'limit' || v === undefined);
}

/** Up to this -n, `queryEntrySpans` leaves the walk to queryIndex. */
const FEW = 1000;

/**
 * Entry texts (as `queryIndex` returns them) as ranges of one text.
 * @example entrySpansOf(queryIndex(index, filter).json)
 */
export function entrySpansOf(texts: readonly string[]): EntrySpans {
  const spans: number[] = [];
  let at = 0;
  for (const t of texts) {
    spans.push(at, at + t.length);
    at += t.length + 1;
  }
  return spansResult(texts.join('\n'), spans);
}

function spansResult(text: string, spans: number[]): EntrySpans {
  return {
    text,
    spans,
    commits() {
      const out: string[] = [];
      for (let i = 0; i < spans.length; i += 2) {
        const s = spans[i]!;
        // recordLine writes the commit first; anything else is parsed.
        const quick = text.startsWith('{"commit":"', s) && text.charCodeAt(s + 51) === 0x22;
        out.push(quick ? text.slice(s + 11, s + 51) : (JSON.parse(text.slice(s, spans[i + 1])) as { commit: string }).commit);
      }
      return out;
    },
  };
}
