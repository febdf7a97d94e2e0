/**
 * Three-way line merge (diff3) on the `diff` package's line diff: the
 * changes base → ours and base → theirs are applied together; where both
 * touch the same or adjacent base lines differently, that region is a
 * conflict (git's rule: adjacent edits conflict too). Pure.
 */
import { jsDiff } from '../lazy.js';

/** A region both sides changed differently; lines are 1-based in `ours`. */
export interface TextConflict {
  /** First line of the region in ours (for an empty region: the line it sits before). */
  line: number;
  ours: string[];
  theirs: string[];
  base: string[];
}

export type TextMerge = { ok: true; text: string } | { ok: false; conflicts: TextConflict[] };

/** One replaced run of base lines: base[start, end) became `lines`. */
interface Hunk {
  start: number;
  end: number;
  lines: string[];
  side: 'ours' | 'theirs';
}

/**
 * Merges `ours` and `theirs`, both derived from `base`, line by line.
 * `pick` settles conflicts: 'ours' or 'theirs' takes that side's version of
 * every conflicting region; without it conflicts are returned.
 * @example mergeText('a\nb\nc\n', 'a\nB\nc\n', 'a\nb\nC\n') // { ok: true, text: 'a\nB\nC\n' }
 */
export function mergeText(base: string, ours: string, theirs: string, pick?: 'ours' | 'theirs'): TextMerge {
  const b = splitLines(base);
  const hunks = [...hunksOf(b, splitLines(ours), 'ours'), ...hunksOf(b, splitLines(theirs), 'theirs')]
    .sort((x, y) => x.start - y.start || x.end - y.end);
  const out: string[] = [];
  const conflicts: TextConflict[] = [];
  let at = 0;
  let oursLine = 1; // where the next base line sits in ours
  for (let i = 0; i < hunks.length;) {
    // A group: hunks chained by overlapping or touching base ranges.
    let hi = hunks[i]!.end;
    let j = i + 1;
    while (j < hunks.length && hunks[j]!.start <= hi) hi = Math.max(hi, hunks[j++]!.end);
    const group = hunks.slice(i, j);
    const lo = group[0]!.start;
    out.push(...b.slice(at, lo));
    oursLine += lo - at;
    const mine = applyHunks(b, lo, hi, group.filter((h) => h.side === 'ours'));
    const other = applyHunks(b, lo, hi, group.filter((h) => h.side === 'theirs'));
    const sides = new Set(group.map((h) => h.side));
    if (sides.size === 1 || same(mine, other) || pick) {
      out.push(...(sides.size === 1 ? (sides.has('ours') ? mine : other) : pick === 'theirs' ? other : mine));
    } else {
      conflicts.push({ line: oursLine, ours: mine, theirs: other, base: b.slice(lo, hi) });
    }
    oursLine += mine.length;
    at = hi;
    i = j;
  }
  out.push(...b.slice(at));
  return conflicts.length > 0 ? { ok: false, conflicts } : { ok: true, text: out.join('') };
}

/** Lines with their endings kept, so CRLF and a missing final newline survive. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function hunksOf(base: string[], other: string[], side: Hunk['side']): Hunk[] {
  const out: Hunk[] = [];
  let pos = 0;
  let open: Hunk | null = null;
  for (const part of jsDiff().diffArrays(base, other)) {
    if (!part.added && !part.removed) {
      if (open) out.push(open);
      open = null;
      pos += part.value.length;
      continue;
    }
    open ??= { start: pos, end: pos, lines: [], side };
    if (part.removed) {
      pos += part.value.length;
      open.end = pos;
    } else {
      open.lines.push(...part.value);
    }
  }
  if (open) out.push(open);
  return out;
}

/** base[lo, hi) with one side's hunks (sorted, within the range) applied. */
function applyHunks(base: string[], lo: number, hi: number, hunks: Hunk[]): string[] {
  const out: string[] = [];
  let at = lo;
  for (const h of hunks) {
    out.push(...base.slice(at, h.start), ...h.lines);
    at = h.end;
  }
  out.push(...base.slice(at, hi));
  return out;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
