import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import type { IndexRecord } from '../types.js';
import { messageLines } from './filter.js';

/**
 * The derived audit index: one line per commit, oldest first, next to the
 * store (`STORE/cfgtrail-index/`). Git stays the only source of truth; this
 * is rebuilt whenever it is missing, stale or damaged.
 *
 * Line: `oid \t timestamp \t changeId \t author \t fields \t message \t entry-json`,
 * where author is `Name <email>`, fields are `file\x1epathText` joined by
 * `\x1f`, message is the lines `--grep` searches joined by `\x1d`, and
 * entry-json is the `log --json` entry, so `log --json` needs no parsing.
 */
export interface IndexData {
  /** The whole index as text (decoded on first use when read from disk). */
  readonly text: string;
  /**
   * The index as UTF-8 bytes (the file as read and checked, or encoded on
   * first use). Queries find lines in these and decode only the lines they
   * visit (`text` is 8.7 MB at 10,000 commits).
   */
  readonly bytes: Buffer;
  head: string | null;
  count: number;
  crc: number;
  /** The settings its field paths were made under (see audit/record's recordSettingsKey). */
  settings?: string | undefined;
}

/**
 * An index in memory, from its bytes or its text (or both, when the caller
 * has both); the other form is made on first use.
 */
export function indexData(from: { bytes: Buffer; text?: string } | { text: string }, head: string | null, count: number, crc: number, settings?: string): IndexData {
  let bytes = 'bytes' in from ? from.bytes : undefined;
  let text = from.text;
  return {
    get bytes() {
      bytes ??= Buffer.from(text!);
      return bytes;
    },
    get text() {
      // ASCII (the usual index) decodes faster as latin1, to the same string.
      text ??= bytes!.toString(isAscii(bytes!) ? 'latin1' : 'utf8');
      return text;
    },
    head,
    count,
    crc,
    settings,
  };
}

interface HeadFile {
  version: number;
  head: string | null;
  count: number;
  bytes: number;
  crc: number;
  /** The settings the field paths were made under; an index made under others is rebuilt. */
  settings?: string;
  /** CRC-32 of the other members: damage to head.json itself is caught without counting lines. */
  sum?: number;
}

// 3: a permission-only change's files entry carries its modes
// 4: list entries with both `key` and `id` are named by `key` (dyff's order), so field paths changed
// 5: documents of multi-document Kubernetes files are named by resource (`[doc=Deployment/default/web]`), not position
// 6: the items of a Kubernetes List are named by resource (`items[resource=ns/name]`), not position
// 7: lists of more than three maps are matched by a guessed identifier (`scrape_configs[job_name=node]`), as dyff does
// 8: commit trailers are read as git log reads them (no `---` divider; a leading blank line starts no trailer block)
// 9: plain lists are aligned by value (a front insertion is one `[0]` addition, not a cascade of position changes);
//    unnamed Kubernetes ports are named `[port+protocol=53/UDP]`; order changes are recorded as `path (order)`;
//    head.json records the settings the paths were made under
// 10: a YAML/JSON file compared as text is recorded as `..` (blame knows its fields changed unseen)
const VERSION = 10;
export const INDEX_DIR = 'cfgtrail-index';

/** Reads the index; null when it is missing or fails its size/checksum check. */
export function readIndex(gitdir: string): IndexData | null {
  const head = readHeadFile(gitdir, true);
  let buf: Buffer;
  try {
    buf = readFileSync(join(gitdir, INDEX_DIR, 'commits'));
  } catch {
    return null; // missing or unreadable: the caller rebuilds
  }
  if (!head || buf.length !== head.bytes || crc32(buf) !== head.crc) return null;
  if (head.sum === undefined) {
    // Written before head.json had its own checksum: count the lines instead.
    return countLines(buf) === head.count ? indexData({ bytes: buf }, head.head, head.count, head.crc, head.settings) : null;
  }
  return indexData({ bytes: buf }, head.head, head.count, head.crc, head.settings);
}

/**
 * The head head.json names, of any version and unchecked: only a hint for
 * reading a damaged ref (store-head.ts), so any doubt is null.
 */
export function indexedHead(gitdir: string): string | null {
  try {
    const head = (JSON.parse(readFileSync(join(gitdir, INDEX_DIR, 'head.json'), 'utf8')) as { head?: unknown }).head;
    return typeof head === 'string' ? head : null;
  } catch {
    return null; // no index (or a damaged one): no hint from it
  }
}

/**
 * head.json when it is this version and passes its own checksum; null when
 * missing or damaged. `allowUnsummed` accepts one written before it had a
 * checksum (readIndex then counts lines instead).
 */
function readHeadFile(gitdir: string, allowUnsummed = false): HeadFile | null {
  let head: HeadFile;
  try {
    head = JSON.parse(readFileSync(join(gitdir, INDEX_DIR, 'head.json'), 'utf8')) as HeadFile;
  } catch {
    return null; // missing or unreadable: the caller rebuilds
  }
  if (head.version !== VERSION) return null;
  if (head.sum === undefined) return allowUnsummed ? head : null;
  return head.sum === headSum(head) ? head : null;
}

function headSum(h: HeadFile): number {
  return crc32(JSON.stringify([h.version, h.head, h.count, h.bytes, h.crc, h.settings ?? '']));
}

/** Serialises one record as an index line (with its trailing newline). */
export function recordLine(r: IndexRecord): string {
  const { timestamp, fields, ...entry } = r;
  const clean = (s: string) => s.replace(/[\t\n\r\x1e\x1f]/g, ' ');
  const author = clean(`${r.author.name} <${r.author.email}>`);
  const f = fields
    .map((x) => {
      const tab = x.indexOf('\t');
      return `${clean(x.slice(0, tab))}\x1e${clean(x.slice(tab + 1))}`;
    })
    .join('\x1f');
  const message = messageLines(r).map((l) => l.replace(/[\t\x1d]/g, ' ')).join('\x1d');
  return `${r.commit}\t${timestamp}\t${clean(r.changeId ?? '')}\t${author}\t${f}\t${message}\t${JSON.stringify(entry)}\n`;
}

/** Replaces the index with `lines` (a rebuild), made under `settings`. */
export function writeIndex(gitdir: string, head: string | null, lines: string | Buffer, count: number, settings?: string): IndexData {
  const dir = join(gitdir, INDEX_DIR);
  mkdirSync(dir, { recursive: true });
  const buf = typeof lines === 'string' ? Buffer.from(lines) : lines;
  const tmp = join(dir, `commits.${process.pid}.tmp`);
  writeFileSync(tmp, buf);
  renameSync(tmp, join(dir, 'commits'));
  const crc = crc32(buf);
  writeHead(dir, { version: VERSION, head, count, bytes: buf.length, crc, ...(settings === undefined ? {} : { settings }) });
  return indexData(typeof lines === 'string' ? { bytes: buf, text: lines } : { bytes: buf }, head, count, crc, settings);
}

/** Where the index ends: enough to append to it without reading it. */
export interface IndexTail {
  head: string | null;
  count: number;
  bytes: number;
  crc: number;
  settings?: string | undefined;
}

/**
 * The index's tail as head.json records it, when the commits file still has
 * the recorded size; null otherwise. A snapshot appends to this without
 * reading the index (86 MB at 100,000 commits): damage inside the file makes
 * the recorded checksum disagree with the file, so the next command that
 * reads the index rebuilds it from git.
 */
export function readIndexTail(gitdir: string): IndexTail | null {
  const head = readHeadFile(gitdir);
  if (!head) return null;
  try {
    if (statSync(join(gitdir, INDEX_DIR, 'commits')).size !== head.bytes) return null;
  } catch {
    return null; // missing: the caller rebuilds
  }
  return { head: head.head, count: head.count, bytes: head.bytes, crc: head.crc, settings: head.settings };
}

/** Appends index lines after `tail`; returns the new tail. */
export function appendLines(gitdir: string, tail: IndexTail, head: string, lines: string | Buffer): IndexTail {
  const dir = join(gitdir, INDEX_DIR);
  const buf = typeof lines === 'string' ? Buffer.from(lines) : lines;
  appendFileSync(join(dir, 'commits'), buf);
  const next = { head, count: tail.count + countLines(buf), bytes: tail.bytes + buf.length, crc: crc32(buf, tail.crc) };
  writeHead(dir, { version: VERSION, ...next, ...(tail.settings === undefined ? {} : { settings: tail.settings }) });
  return { ...next, settings: tail.settings };
}

/** Appends records to a valid index `data` (a catch-up), returning the whole new index. */
export function appendIndex(gitdir: string, data: IndexData, head: string, lines: string | Buffer): IndexData {
  const added = typeof lines === 'string' ? Buffer.from(lines) : lines;
  const next = appendLines(gitdir, tailOf(data), head, added);
  return indexData({ bytes: Buffer.concat([data.bytes, added]) }, head, next.count, next.crc, data.settings);
}

/** Where a valid, saved index ends (what appending to it needs). */
export function tailOf(data: IndexData): IndexTail {
  return { head: data.head, count: data.count, crc: data.crc, bytes: data.bytes.length, settings: data.settings };
}

/** Removes the index (it will be rebuilt on next use). */
export function dropIndex(gitdir: string): void {
  rmSync(join(gitdir, INDEX_DIR), { recursive: true, force: true });
}

function writeHead(dir: string, h: HeadFile): void {
  const tmp = join(dir, `head.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ ...h, sum: headSum(h) }));
  renameSync(tmp, join(dir, 'head.json'));
}

/** Lines (newlines) in index bytes. */
export function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Columns of one index line. */
export interface IndexLine {
  oid: string;
  timestamp: number;
  changeId: string;
  author: string;
  fields: string;
  /** `--grep` lines joined by `\x1d`. */
  message: string;
  json: string;
}

/** Splits an index line (without newline) into its columns. */
export function splitLine(line: string): IndexLine | null {
  const t1 = line.indexOf('\t');
  const t2 = line.indexOf('\t', t1 + 1);
  const t3 = line.indexOf('\t', t2 + 1);
  const t4 = line.indexOf('\t', t3 + 1);
  const t5 = line.indexOf('\t', t4 + 1);
  const t6 = line.indexOf('\t', t5 + 1);
  if (t1 !== 40 || t6 < 0) return null;
  return {
    oid: line.slice(0, t1),
    timestamp: Number(line.slice(t1 + 1, t2)),
    changeId: line.slice(t2 + 1, t3),
    author: line.slice(t3 + 1, t4),
    fields: line.slice(t4 + 1, t5),
    message: line.slice(t5 + 1, t6),
    json: line.slice(t6 + 1),
  };
}

/**
 * Calls `fn` for each line, newest first, until it returns false. Lines are
 * found in the bytes (a newline byte never occurs inside a UTF-8 sequence)
 * and only the lines visited are decoded: `log -n 10` reads 10.
 */
export function eachNewestFirst(index: IndexData, fn: (line: string) => boolean): void {
  const bytes = index.bytes;
  eachLineSpanNewestFirst(bytes, (start, end) => fn(bytes.toString('utf8', start, end)));
}

/** Calls `fn` with the byte range of each line (without newline), newest first, until it returns false. */
export function eachLineSpanNewestFirst(bytes: Buffer, fn: (start: number, end: number) => boolean): void {
  let at = bytes.length > 0 && bytes[bytes.length - 1] === 10 ? bytes.length - 1 : bytes.length;
  while (at > 0) {
    const start = bytes.lastIndexOf(10, at - 1) + 1;
    if (!fn(start, at)) return;
    at = start - 1;
  }
}



/** The index line of commit `oid` (without newline), or null when the index does not hold it. */
export function lineOf(index: IndexData, oid: string): string | null {
  let found: string | null = null;
  eachLineWith(index, `${oid}\t`, (line) => {
    if (!line.startsWith(`${oid}\t`)) return true;
    found = line;
    return false;
  });
  return found;
}

/**
 * Calls `fn` for each line that contains `needle`, newest first, until it
 * returns false. Searches the index's bytes, so only those lines are decoded.
 */
export function eachLineWith(index: IndexData, needle: string, fn: (line: string) => boolean): void {
  const bytes = index.bytes;
  const pattern = Buffer.from(needle);
  const bounds: number[] = [];
  for (let at = bytes.indexOf(pattern); at >= 0; ) {
    const end = bytes.indexOf(10, at);
    bounds.push(bytes.lastIndexOf(10, at) + 1, end < 0 ? bytes.length : end);
    if (end < 0) break;
    at = bytes.indexOf(pattern, end + 1);
  }
  for (let i = bounds.length - 2; i >= 0; i -= 2) {
    if (!fn(bytes.toString('utf8', bounds[i], bounds[i + 1]))) return;
  }
}

/**
 * One member of an entry's JSON text (the `json` column), parsed alone:
 * `"trailers":[...]` ends where `,"files":` starts (`next`), the last member
 * at the closing brace. Inside a JSON string every `"` is escaped, so
 * `,"files":` cannot occur there. Members, in order: commit, parents,
 * changeId, title, body, author, date, trailers, files.
 *
 * @example entryMember(col.json, 'title', 'body') // 'Raise pool size'
 */
export function entryMember(json: string, key: string, next: string | null): unknown {
  const range = memberRange((needle, from) => json.indexOf(needle, from), 0, json.length, key, next);
  if (range) {
    try {
      return JSON.parse(json.slice(range[0], range[1]));
    } catch {
      // not the shape recordLine writes: parse the whole entry below
    }
  }
  return (JSON.parse(json) as Record<string, unknown>)[key];
}

/**
 * Where the JSON text of member `key` lies in the entry at `from..end` (see
 * entryMember), found with `indexOf` (on a string or on bytes); null when the
 * entry is not in the shape recordLine writes.
 */
export function memberRange(indexOf: (needle: string, from: number) => number, from: number, end: number, key: string, next: string | null): [number, number] | null {
  const at = indexOf(`,"${key}":`, from);
  const stop = next === null ? end - 1 : indexOf(`,"${next}":`, at);
  return at >= from && at < end && stop > at && stop <= end ? [at + key.length + 4, stop] : null;
}

/**
 * Whether a commit of the index has this Change-Id (its own column of the
 * index line): a Change-Id given by hand must be new in the store.
 */
export function changeIdIndexed(index: Pick<IndexData, 'bytes'>, changeId: string): boolean {
  return index.bytes.includes(`\t${changeId}\t`);
}

