/**
 * `log` and `log --oneline` from the rendered-text cache
 * (core/audit/log-text-cache.ts): each entry is rendered once, as
 * formatLogSpans renders it, and a query prints the saved texts newest first,
 * with the notes of the moment put in.
 */
import { crc32 } from 'node:zlib';
import type { LogTexts, LogTextOptions, RenderedEntry } from '../../core/audit/log-text-cache.js';
import { entrySpansOf, type EntrySpans } from '../../core/audit/entry-spans.js';
import type { AuditEntry } from '../../core/types.js';
import { entryAt } from './log-spans.js';
import { noteBlock } from './log.js';

/** Which text a cache holds. */
export interface LogTextFormat {
  oneline: boolean;
  color: boolean;
}

// Rendered in place of every note, then cut out: where it was is where a note goes.
const MARK = '\u0000cfgtrail-note\u0000';
const MARK_BLOCK = noteBlock(MARK);

/**
 * Each entry of `found` as the text `formatLogSpans` gives it, without a
 * note, and the offset a note's block goes to.
 * @example renderLogEntries(queryEntrySpans(index, {}), { oneline: false, color: false })[0].notePoint
 */
export function renderLogEntries(found: EntrySpans, format: LogTextFormat): RenderedEntry[] {
  const { text, spans } = found;
  const commits = found.commits();
  const out: RenderedEntry[] = [];
  const mark = format.oneline ? () => undefined : () => MARK;
  for (let i = 0; i < spans.length; i += 2) {
    const piece = entryAt(text, spans[i]!, spans[i + 1]!, format.oneline, format.color, mark);
    // File lines are quoted (no NUL), so the last mark is the note's.
    const at = format.oneline ? -1 : piece.lastIndexOf(MARK_BLOCK);
    const commit = commits[i / 2]!;
    out.push(at < 0 ? { commit, text: piece, notePoint: piece.length } : { commit, text: piece.slice(0, at) + piece.slice(at + MARK_BLOCK.length), notePoint: at });
  }
  return out;
}

/**
 * What `cachedLogTexts` needs for this format: its file, the renderer, and a
 * key that is the CRC-32 of rendering a fixed set of entries, so a cache made
 * by a build that printed any of them differently is not used.
 */
export function logTextOptions(format: LogTextFormat): LogTextOptions {
  const kind = `${format.oneline ? 'oneline' : 'medium'}${format.color ? '-color' : ''}`;
  const render = (found: EntrySpans) => renderLogEntries(found, format);
  const probe = render(entrySpansOf(PROBE.map((e) => JSON.stringify(e))));
  const key = crc32(probe.map((e) => `${e.commit} ${e.notePoint} ${e.text}`).join('\n')).toString(16);
  return { kind, key, separator: format.oneline ? '' : '\n', render };
}

/**
 * The newest `limit` entries as `log` prints them (UTF-8), each note
 * (`noteOf`: full commit id → note summary) put in under its message.
 * Without notes this is one range of the cached bytes.
 * @example joinLogTexts(texts, { limit: 20 })
 */
export function joinLogTexts(t: LogTexts, opts: { limit?: number; noteOf?: (commit: string) => string | undefined }): Buffer {
  const shown = Math.min(t.count, opts.limit ?? Infinity);
  if (shown === 0) return Buffer.alloc(0);
  const { bytes } = t;
  const last = t.end(shown - 1);
  if (!opts.noteOf) return bytes.subarray(0, last);
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < shown; i++) {
    const block = noteBlock(opts.noteOf(t.commit(i)));
    if (block === '') continue;
    const at = t.notePoint(i);
    parts.push(bytes.subarray(from, at), Buffer.from(block));
    from = at;
  }
  parts.push(bytes.subarray(from, last));
  return Buffer.concat(parts);
}

const base: AuditEntry = {
  commit: '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  parents: ['0a1b2c3d4e5f60718293a4b5c6d7e8f901234567'],
  changeId: 'I4f5a6b7c8d9e0f12',
  title: 'Raise pool size',
  body: 'Body text.\n\nSecond "paragraph" \\ ü',
  author: { name: 'Jane Doe', email: 'jane@example.com' },
  date: '2026-11-26T15:19:07+01:00',
  trailers: [
    { key: 'Change-Id', value: 'I4f5a6b7c8d9e0f12' },
    { key: 'Risk', value: 'high' },
    { key: 'Component', value: 'database' },
  ],
  files: [
    { path: 'config.yaml', status: 'modified' },
    { path: 'new "x".yaml', status: 'added' },
    { path: 'gone.yaml', status: 'deleted' },
    { path: 'key.pem', status: 'mode', mode: { from: '0644', to: '0600' } },
    { path: 'link', status: 'typechange' },
  ],
};
/** Entries whose text covers what a format prints: merges, no Change-Id, risk levels, dates, every file status. */
const PROBE: AuditEntry[] = [
  base,
  { ...base, parents: [base.parents[0]!, 'b'.repeat(40)], changeId: null, trailers: [{ key: 'risk', value: 'low' }], files: [], date: '2024-02-29T23:59:59-08:00' },
  { ...base, title: '', body: '', trailers: [], date: 'not a date' },
];
