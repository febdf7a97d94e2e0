import { jsDiff } from '../lazy.js';

/** Characters of each side jsdiff compares at most; past this only the first changes are shown. */
export const TEXT_DIFF_WINDOW_CHARS = 2 * 1024 * 1024;
/** Lines of each side jsdiff compares at most (its cost grows with lines times changes). */
export const TEXT_DIFF_WINDOW_LINES = 20_000;
/** Lines of each side compared when the difference is cut (or jsdiff gave up on the whole window). */
export const TEXT_DIFF_CUT_LINES = 1000;
/** How long jsdiff may work on one window before the difference is cut instead. */
const TEXT_DIFF_TIMEOUT_MS = 3000;

export interface TextPatch {
  patch: string;
  /** The texts differ past what was compared: the patch shows the first changes only. */
  cut: boolean;
}

/**
 * A unified diff (`--- a/f` / `+++ b/f` headers, as jsdiff's
 * createTwoFilesPatch writes) of only the lines between the common start and
 * end of the two texts, plus context. jsdiff on whole large files is slow and
 * overflowed the stack on a 100 MB file; the common part costs one scan here.
 * When the differing middle is larger than the window (or jsdiff needs more
 * than a few seconds on it), the patch covers its first
 * {@link TEXT_DIFF_CUT_LINES} lines and `cut` is true.
 * @example boundedPatch('a/x.conf', 'b/x.conf', 'a\nb\n', 'a\nc\n', 3).patch
 */
export function boundedPatch(nameA: string, nameB: string, a: string, b: string, context: number): TextPatch {
  const { structuredPatch, formatPatch, FILE_HEADERS_ONLY } = jsDiff();
  // common whole lines at the start and at the end (never overlapping)
  let pre = 0;
  const maxPre = Math.min(a.length, b.length);
  while (pre < maxPre && a.charCodeAt(pre) === b.charCodeAt(pre)) pre++;
  pre = pre === 0 ? 0 : a.lastIndexOf('\n', pre - 1) + 1;
  let suf = 0;
  const maxSuf = Math.min(a.length, b.length) - pre;
  while (suf < maxSuf && a.charCodeAt(a.length - 1 - suf) === b.charCodeAt(b.length - 1 - suf)) suf++;
  // keep the suffix to whole lines in both texts: it starts right after a newline of each
  const lineStart = (t: string) => suf === t.length || t.charCodeAt(t.length - suf - 1) === 10;
  if (!(lineStart(a) && lineStart(b))) {
    const nl = a.indexOf('\n', a.length - suf);
    suf = nl === -1 ? 0 : a.length - nl - 1;
  }
  const startA = back(a, pre, context);
  const skippedLines = countLines(a, 0, startA);
  let endA = forward(a, a.length - suf, context);
  let endB = forward(b, b.length - suf, context);
  const startB = startA;
  let cut = endA - startA > TEXT_DIFF_WINDOW_CHARS || endB - startB > TEXT_DIFF_WINDOW_CHARS || tooManyLines(a, startA, endA) || tooManyLines(b, startB, endB);
  // jsdiff's cost grows with lines times changes: a rewritten 20,000-line text would take minutes
  let p = cut ? undefined : structuredPatch(nameA, nameB, a.slice(startA, endA), b.slice(startB, endB), undefined, undefined, { context, timeout: TEXT_DIFF_TIMEOUT_MS });
  if (p === undefined) {
    cut = true;
    endA = windowEnd(a, startA);
    endB = windowEnd(b, startB);
    p = structuredPatch(nameA, nameB, a.slice(startA, endA), b.slice(startB, endB), undefined, undefined, { context });
  }
  for (const h of p.hunks) {
    h.oldStart += skippedLines;
    h.newStart += skippedLines;
  }
  return { patch: p.hunks.length === 0 ? '' : formatPatch(p, FILE_HEADERS_ONLY), cut };
}

/** Offset of the start of the line `lines` lines before the line starting at `at`. */
function back(s: string, at: number, lines: number): number {
  let pos = at;
  // lastIndexOf clamps a negative start to 0, where it would find a newline at 0 again
  for (let i = 0; i < lines && pos > 0; i++) pos = pos < 2 ? 0 : s.lastIndexOf('\n', pos - 2) + 1;
  return pos;
}

/** Offset just past `lines` more lines from `at` (or the end). */
function forward(s: string, at: number, lines: number): number {
  let pos = at;
  for (let i = 0; i < lines && pos < s.length; i++) {
    const nl = s.indexOf('\n', pos);
    pos = nl === -1 ? s.length : nl + 1;
  }
  return pos;
}

function countLines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function tooManyLines(s: string, from: number, to: number): boolean {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) if (++n > TEXT_DIFF_WINDOW_LINES) return true;
  return false;
}

/** The end of a window of at most TEXT_DIFF_CUT_LINES lines and 256 KiB from `from`. */
function windowEnd(s: string, from: number): number {
  const end = forward(s, from, TEXT_DIFF_CUT_LINES);
  const max = 256 * 1024;
  if (end - from <= max) return end;
  const nl = s.lastIndexOf('\n', from + max);
  return nl > from ? nl + 1 : from + max;
}
