/**
 * Reads a large YAML document piece by piece, so two versions of a file share
 * what did not change. The document is cut at its top-level entries (`key:`
 * lines or `- ` items at the left margin); an entry larger than
 * {@link SPLIT_MIN_BYTES} that is `key:` over a block is cut again at its
 * block's entries. Each piece's text is read once per `memo`: the other
 * version of the file gets the very same object for an unchanged piece, which
 * the field diff skips without looking inside, and which is not read again.
 *
 * The caller checks the whole text with {@link fastYamlAccepts} first.
 * Pieces are read with {@link readFastYamlDocument}; anything it declines, or
 * a shape the cut could change the meaning of (duplicate keys across pieces,
 * a comment left of its block, a key that is not a plain word), makes the
 * whole document undefined, and the caller reads it whole with the yaml package.
 */
import { readFastYamlDocument, type fastYamlAccepts } from './fast-yaml.js';

/** Entries below this size are read in one piece. */
export const SPLIT_MIN_BYTES = 64 * 1024;

/** Parsed pieces by their text, shared by the two versions of one file. */
export type PieceMemo = Map<string, unknown>;

/** `key:` alone on its line (a comment may follow), key a plain word the core schema reads as a string. */
const BLOCK_KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):[ ]*(?:#.*)?\n?$/;
const NOT_STRING_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

class Declined extends Error {}

/**
 * One document (no `---` inside), read in pieces through `memo`.
 * @param splitMin entries at least this large are cut again @default SPLIT_MIN_BYTES
 * @returns the document's value, or undefined when it must be read whole by the yaml package
 * @example readChunkedDocument(text, new Map())
 */
export function readChunkedDocument(text: string, memo: PieceMemo, splitMin: number = SPLIT_MIN_BYTES): unknown {
  try {
    return readRange({ text, memo, splitMin }, 0, text.length, 0, 0);
  } catch (e) {
    if (e instanceof Declined) return undefined;
    throw e;
  }
}

interface Ctx {
  text: string;
  memo: PieceMemo;
  splitMin: number;
}

function decline(): never {
  throw new Declined();
}

/** End of the line starting at `at` (the offset after its newline, or the text's end). */
function lineEnd(text: string, at: number, to: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 || nl >= to ? to : nl + 1;
}

/** Spaces at `at`. */
function spacesAt(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === 32) i++;
  return i - at;
}

/** Whether the character at `at` (in a line ending at `end`) starts content: not the end of the line, not a comment. */
function contentAt(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  return at < end && c !== 10 && c !== 35; // newline, '#'
}

/** `- ` or a lone `-` at `at`. */
function itemAt(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 45) return false; // '-'
  const next = text.charCodeAt(at + 1);
  return next === 32 || next === 10 || Number.isNaN(next);
}

/**
 * The entries of a block whose entries start at column `k` of the lines in
 * `from..to` (a map or a sequence), each read as a piece. Lines are not
 * dedented: a piece is read as a document that starts indented, which means
 * the same.
 */
function readRange(ctx: Ctx, from: number, to: number, k: number, depth: number): unknown {
  const { text } = ctx;
  const starts: number[] = [];
  for (let at = from; at < to; ) {
    const end = lineEnd(text, at, to);
    const ind = spacesAt(text, at);
    if (contentAt(text, at + ind, end)) {
      if (ind < k) decline(); // content left of the block
      if (ind === k) starts.push(at);
    }
    at = end;
  }
  if (starts.length === 0) decline();
  const seq = itemAt(text, starts[0]! + k);
  // in a map, `- ` items at the entries' column belong to the `key:` above them (`key:\n- a`)
  const entries = seq ? starts : starts.filter((s) => !itemAt(text, s + k));
  if (seq && entries.some((s) => !itemAt(text, s + k))) decline();
  // the lines before the first entry are comments and blank lines only
  const pieceAt = (i: number): [number, number] => [i === 0 ? from : entries[i]!, entries[i + 1] ?? to];
  const items: unknown[] = [];
  const out: Record<string, unknown> = {};
  const add = (value: unknown, count: number): void => {
    if (seq) {
      if (!Array.isArray(value) || value.length !== count) decline();
      for (const v of value as unknown[]) items.push(v);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) decline();
    const keys = Object.keys(value as object);
    if (keys.length !== count) decline();
    for (const key of keys) {
      if (key === '__proto__' || Object.hasOwn(out, key)) decline(); // a duplicate key: the yaml package reports it
      out[key] = (value as Record<string, unknown>)[key];
    }
  };
  let first = 0;
  for (let i = 0; i < entries.length; i++) {
    const [start, end] = pieceAt(i);
    if (end - start > ctx.splitMin && !seq && depth < 2) {
      // large: read alone, and cut again when it is `key:` over a block
      if (i > first) add(readPiece(ctx, [pieceAt(first)[0], start], k, depth, true), i - first);
      add(readPiece(ctx, [start, end], k, depth, false), 1);
      first = i + 1;
    } else if (i + 1 === entries.length || groupEndsAfter(ctx, pieceAt(first)[0], start, end)) {
      add(readPiece(ctx, [pieceAt(first)[0], end], k, depth, true), i + 1 - first);
      first = i + 1;
    }
  }
  return seq ? items : out;
}

/**
 * Small entries are read in groups (one js-yaml call and one memo entry per
 * group, not per entry: a 2M-key map took 2M calls). Where a group ends
 * depends on the entries' own text, so an edit changes the groups around it
 * only and the rest still match the other version's.
 */
function groupEndsAfter({ text, splitMin }: Ctx, groupStart: number, start: number, end: number): boolean {
  const size = end - groupStart;
  if (size >= splitMin / 2) return true; // 32 KiB
  if (size < splitMin / 32) return false; // 2 KiB
  let h = end - start;
  for (let i = start, stop = Math.min(end, start + 64); i < stop; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return (h & 7) === 0;
}

/** Entries read as one document, or one large map entry cut again when it is `key:` over a block (`whole` false). */
function readPiece(ctx: Ctx, [from, to]: [number, number], k: number, depth: number, whole: boolean): unknown {
  const text = ctx.text.slice(from, to);
  if (ctx.memo.has(text)) return ctx.memo.get(text);
  let value: unknown;
  const head = whole || depth >= 2 || text.length <= ctx.splitMin ? null : headerLine(ctx.text, from, to, k);
  if (head) {
    value = { [head.key]: readBlock(ctx, head.bodyFrom, to, k, depth) };
  } else {
    value = readFastYamlDocument(text, true);
    if (value === undefined) decline();
  }
  ctx.memo.set(text, value);
  return value;
}

/** The entry's first content line when it is `key:` alone (a plain word key), and where its block starts. */
function headerLine(text: string, from: number, to: number, k: number): { key: string; bodyFrom: number } | null {
  let at = from;
  while (at < to) {
    const end = lineEnd(text, at, to);
    const ind = spacesAt(text, at);
    if (contentAt(text, at + ind, end)) {
      const m = BLOCK_KEY.exec(text.slice(at + k, end));
      return m && !NOT_STRING_KEY.test(m[1]!) ? { key: m[1]!, bodyFrom: end } : null;
    }
    at = end;
  }
  return null;
}

/** The block under a `key:` line at column k: entries further right, or `- ` items at column k. */
function readBlock(ctx: Ctx, from: number, to: number, k: number, depth: number): unknown {
  const { text } = ctx;
  for (let at = from; at < to; ) {
    const end = lineEnd(text, at, to);
    const ind = spacesAt(text, at);
    if (contentAt(text, at + ind, end)) {
      if (ind < k || (ind === k && !itemAt(text, at + ind))) decline();
      return readRange(ctx, from, to, ind, depth + 1);
    }
    at = end;
  }
  return decline();
}
