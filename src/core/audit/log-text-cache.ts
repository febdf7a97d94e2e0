/**
 * A front end's rendered text of every index entry, kept next to the index
 * (`cfgtrail-index/text-<kind>`), newest first, so the everyday `log` and
 * `log --oneline` write out one range of a file the size of their output
 * instead of reading the whole index and its JSON (docs/decisions.md). Like
 * the index it is derived and may be dropped: it names the index bytes it
 * was rendered from (size and CRC-32) and is caught up by rendering only the
 * index lines appended since. The text is the caller's: core stores it, the
 * caller's `render` makes it.
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { readStoreHead } from './store-head.js';
import { isCfgtrailError } from '../errors.js';
import { withStoreLock } from '../store/lock.js';
import { countLines, INDEX_DIR, indexData, readIndex, readIndexTail, type IndexTail } from './index-store.js';
import { queryEntrySpans, type EntrySpans } from './entry-spans.js';

/** One entry's rendered text, and where in it (a string offset) a note would be inserted. */
export interface RenderedEntry {
  commit: string;
  text: string;
  notePoint: number;
}

/** Every index entry's text, newest first, as UTF-8 bytes read from the cache. */
export interface LogTexts {
  /** The index head they were rendered for. */
  head: string | null;
  count: number;
  /** All entries' texts, newest first, the separator between two. */
  bytes: Buffer;
  /** Entry i is `bytes.subarray(start(i), end(i))`; a note goes at byte `notePoint(i)`. */
  start(i: number): number;
  notePoint(i: number): number;
  end(i: number): number;
  commit(i: number): string;
}

export interface LogTextOptions {
  /** The file's name part: one cache per text format. */
  kind: string;
  /** Changes whenever `render` would render differently: a cache with another key is not used. */
  key: string;
  /** Written between two entries' texts. */
  separator: string;
  /** Renders entries (newest first, as queryEntrySpans gives them), in the same order. */
  render: (found: EntrySpans) => RenderedEntry[];
}

const VERSION = 1;
/** Bytes per entry before the text: start, note point and end (uint32 LE), then the commit id. */
const MARKS = 12;
const OID = 40;

interface Header {
  version: number;
  key: string;
  bytes: number;
  crc: number;
  count: number;
  /** CRC-32 of everything after the header line. */
  sum: number;
}

/**
 * The rendered texts of the whole index when the saved index matches HEAD;
 * null when it does not (the caller then syncs the index its usual way).
 * Entries appended to the index since the cache was written are rendered
 * and the cache saved again, if the store lock is free right now.
 *
 * @example const texts = await cachedLogTexts(store.gitdir, { kind: 'oneline', key, separator: '', render })
 */
export async function cachedLogTexts(gitdir: string, opts: LogTextOptions): Promise<LogTexts | null> {
  const tail = readIndexTail(gitdir);
  if (!tail || tail.head !== readStoreHead(gitdir)) return null;
  const file = join(gitdir, INDEX_DIR, `text-${opts.kind}`);
  const cached = readCache(file, opts.key);
  if (cached && cached.header.bytes === tail.bytes && cached.header.crc === tail.crc) return textsOf(cached.body, cached.header.count, tail.head);
  const older = cached ? appended(gitdir, cached.header, tail) : null;
  const lines = older ?? wholeIndex(gitdir, tail);
  if (!lines) return null;
  const fresh = opts.render(queryEntrySpans(indexData({ bytes: lines }, tail.head, 0, 0), {}));
  const body = encodeBody(fresh, older ? cached : null, opts.separator);
  await saveIfFree(gitdir, tail, () => {
    const header: Header = { version: VERSION, key: opts.key, bytes: tail.bytes, crc: tail.crc, count: tail.count, sum: crc32(body) };
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
      renameSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
  });
  return textsOf(body, tail.count, tail.head);
}

/** The index lines after what the cache covers, when the cache's part is unchanged (the CRC-32 continues). */
function appended(gitdir: string, covered: Header, tail: IndexTail): Buffer | null {
  if (covered.bytes > tail.bytes || covered.count > tail.count) return null;
  const bytes = Buffer.alloc(tail.bytes - covered.bytes);
  let fd: number;
  try {
    fd = openSync(join(gitdir, INDEX_DIR, 'commits'), 'r');
  } catch {
    return null; // gone meanwhile: the whole index decides
  }
  try {
    if (readSync(fd, bytes, 0, bytes.length, covered.bytes) !== bytes.length) return null;
  } finally {
    closeSync(fd);
  }
  return crc32(bytes, covered.crc) === tail.crc && countLines(bytes) === tail.count - covered.count ? bytes : null;
}

/** The whole index, read and checked, when it is still the one `tail` describes. */
function wholeIndex(gitdir: string, tail: IndexTail): Buffer | null {
  const index = readIndex(gitdir);
  if (!index || index.head !== tail.head || index.crc !== tail.crc || index.bytes.length !== tail.bytes) return null;
  return index.bytes;
}

/** Writes under the store lock when it is free and the index is still `tail`; failing to save only means no cache. */
async function saveIfFree(gitdir: string, tail: IndexTail, write: () => void): Promise<void> {
  try {
    await withStoreLock(gitdir, { timeoutMs: 0 }, async () => {
      const now = readIndexTail(gitdir);
      if (now && now.bytes === tail.bytes && now.crc === tail.crc) write();
    });
  } catch (e) {
    // The lock busy or not takeable (a store this user may only read), or the
    // write failed (full disk, index dropped by gc meanwhile, a directory in
    // the cache's place): the text printed is right, only not kept.
    if (!isCfgtrailError(e, 'LOCKED') && !isCfgtrailError(e, 'UNREADABLE_FILE') && !isCfgtrailError(e, 'CORRUPT_STORE') && typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
  }
}

/**
 * Body: per entry its marks (MARKS bytes), then the commit ids, then the
 * texts as UTF-8 — all newest first. `fresh` (newest first) goes before the
 * entries of `older`.
 */
function encodeBody(fresh: RenderedEntry[], older: { body: Buffer; header: Header } | null, separator: string): Buffer {
  const olderCount = older?.header.count ?? 0;
  const count = fresh.length + olderCount;
  const marks = Buffer.alloc(count * MARKS);
  const texts: string[] = [];
  let oids = '';
  let at = 0;
  fresh.forEach((e, i) => {
    const note = at + Buffer.byteLength(e.text.slice(0, e.notePoint));
    const piece = i < fresh.length - 1 || olderCount > 0 ? e.text + separator : e.text;
    marks.writeUInt32LE(at, i * MARKS);
    marks.writeUInt32LE(note, i * MARKS + 4);
    marks.writeUInt32LE(at + Buffer.byteLength(e.text), i * MARKS + 8);
    at += Buffer.byteLength(piece);
    oids += e.commit;
    texts.push(piece);
  });
  if (!older) return Buffer.concat([marks, Buffer.from(oids, 'latin1'), Buffer.from(texts.join(''))]);
  const body = older.body;
  for (let i = 0; i < olderCount * 3; i++) marks.writeUInt32LE(body.readUInt32LE(i * 4) + at, fresh.length * MARKS + i * 4);
  const olderOids = body.subarray(olderCount * MARKS, olderCount * (MARKS + OID));
  return Buffer.concat([marks, Buffer.from(oids, 'latin1'), olderOids, Buffer.from(texts.join('')), body.subarray(olderCount * (MARKS + OID))]);
}

/**
 * Rendered entries (newest first) as `cachedLogTexts` returns them, without
 * a file: what a front end's tests check its printing against.
 * @example logTextsOf([{ commit, text: 'a\n', notePoint: 1 }], '\n').end(0) // 2
 */
export function logTextsOf(entries: RenderedEntry[], separator: string, head: string | null = null): LogTexts {
  return textsOf(encodeBody(entries, null, separator), entries.length, head);
}

function textsOf(body: Buffer, count: number, head: string | null): LogTexts {
  const oids = count * MARKS;
  return {
    head,
    count,
    bytes: body.subarray(count * (MARKS + OID)),
    start: (i) => body.readUInt32LE(i * MARKS),
    notePoint: (i) => body.readUInt32LE(i * MARKS + 4),
    end: (i) => body.readUInt32LE(i * MARKS + 8),
    commit: (i) => body.toString('latin1', oids + i * OID, oids + (i + 1) * OID),
  };
}

/** The cache file when it has this version and key and passes its checksum; null otherwise. */
function readCache(file: string, key: string): { header: Header; body: Buffer } | null {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return null; // no cache yet
  }
  const nl = buf.indexOf(10);
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 0, nl)) as Header;
  } catch {
    return null; // damaged: rendered again
  }
  const body = buf.subarray(nl + 1);
  const ok = nl > 0 && header.version === VERSION && header.key === key && Number.isInteger(header.count) && body.length >= header.count * (MARKS + OID) && crc32(body) === header.sum;
  return ok ? { header, body } : null;
}
