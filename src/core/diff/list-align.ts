import { diffArrays } from 'diff';

/**
 * How the entries of a plain list (scalars, or maps with no identity) line up
 * across two versions, by a longest-common-subsequence alignment of their
 * values (jsdiff's `diffArrays`, Myers' algorithm):
 * - `same`: equal entries, old index → new index (the LCS, plus entries that moved);
 * - `moved`: whether any equal entry left the LCS order (an order change);
 * - `edited`: a map (list) in a run of removed entries paired with one in the
 *   run of added entries at the same place, to be compared field by field;
 * - `removed`/`added`: the old / new indexes of the entries left over.
 * A value that leaves one place and appears at another is a move, not a removal
 * and an addition; duplicates are matched one for one.
 */
export interface ListAlignment {
  same: [number, number][];
  moved: boolean;
  edited: [number, number][];
  removed: number[];
  added: number[];
}

/**
 * Edits beyond which the alignment gives up (lists this different are compared
 * by position): Myers' algorithm costs (n + m) × edits.
 */
const MAX_EDITS = 500;

/**
 * Entries (between the equal head and tail) beyond which a list is compared by
 * position, as before alignment: counting a million values alone took ~0.8 s.
 */
const MAX_ALIGNED = 50_000;

/**
 * Aligns two plain lists; null when they differ in more than {@link MAX_EDITS}
 * places or their differing parts hold more than {@link MAX_ALIGNED} entries
 * (the caller compares them by position).
 * @example alignLists(['A', 'C', 'B'], ['A', 'B', 'C']) // same A, B, C; moved: true
 */
export function alignLists(a: readonly unknown[], b: readonly unknown[]): ListAlignment | null {
  const keys = new ValueKeys();
  const same = (x: unknown, y: unknown): boolean => Object.is(x, y) || keys.of(x) === keys.of(y);
  // equal heads and tails (usually most of the list) need no LCS
  let head = 0;
  while (head < a.length && head < b.length && same(a[head], b[head])) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && same(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail += 1;
  if (a.length - head - tail > MAX_ALIGNED || b.length - head - tail > MAX_ALIGNED) return null;
  const aMid = a.slice(head, a.length - tail);
  const bMid = b.slice(head, b.length - tail);
  // strings, numbers and booleans compare rightly with ===, as they are; anything else by its key
  const plain = aMid.every(isPlainScalar) && bMid.every(isPlainScalar);
  const aKeys = plain ? (aMid as Scalar[]) : aMid.map((v) => keys.of(v));
  const bKeys = plain ? (bMid as Scalar[]) : bMid.map((v) => keys.of(v));
  // values on one side only are edits the LCS cannot avoid: too many, and it would search in vain
  if (unmatchedCount(aKeys, bKeys) > MAX_EDITS) return null;
  const parts = diffArrays<Scalar>(aKeys, bKeys, { maxEditLength: MAX_EDITS });
  if (parts === undefined) return null;
  const out: ListAlignment = { same: [], moved: false, edited: [], removed: [], added: [] };
  for (let k = 0; k < head; k += 1) out.same.push([k, k]);
  for (let k = 1; k <= tail; k += 1) out.same.push([a.length - k, b.length - k]);
  // runs of removed/added entries between two common ones: [old indexes, new indexes]
  const runs: [number[], number[]][] = [];
  let run: [number[], number[]] = [[], []];
  let i = head;
  let j = head;
  for (const part of parts) {
    const n = part.count ?? part.value.length;
    if (part.removed) for (let k = 0; k < n; k += 1) run[0].push(i++);
    else if (part.added) for (let k = 0; k < n; k += 1) run[1].push(j++);
    else {
      if (run[0].length > 0 || run[1].length > 0) runs.push(run);
      run = [[], []];
      for (let k = 0; k < n; k += 1) out.same.push([i++, j++]);
    }
  }
  if (run[0].length > 0 || run[1].length > 0) runs.push(run);
  matchMoves(runs, (x) => aKeys[x - head]!, (y) => bKeys[y - head]!, out);
  out.same.sort((x, y) => x[0] - y[0]);
  out.moved = out.same.some(([, j], k) => k > 0 && j < out.same[k - 1]![1]);
  for (const [removed, added] of runs) pairEdits(removed, added, a, b, out);
  out.removed.sort((x, y) => x - y);
  out.added.sort((x, y) => x - y);
  return out;
}

/** Removed entries whose value appears among the added ones (anywhere in the list) are moves. */
function matchMoves(runs: [number[], number[]][], aKey: (i: number) => Scalar, bKey: (j: number) => Scalar, out: ListAlignment): void {
  const addedByKey = new Map<Scalar, number[]>();
  for (const [, added] of runs) {
    for (const j of added) {
      const list = addedByKey.get(bKey(j));
      if (list) list.push(j);
      else addedByKey.set(bKey(j), [j]);
    }
  }
  if (addedByKey.size === 0) return;
  const taken = new Set<number>();
  for (const [removed] of runs) {
    for (const i of removed) {
      const j = addedByKey.get(aKey(i))?.shift();
      if (j === undefined) continue;
      out.same.push([i, j]);
      taken.add(i).add(-1 - j);
    }
  }
  for (const r of runs) {
    r[0] = r[0].filter((i) => !taken.has(i));
    r[1] = r[1].filter((j) => !taken.has(-1 - j));
  }
}

/**
 * In one run, the n-th removed map (list) and the n-th added map (list) are
 * one entry edited in place, compared field by field. A replaced scalar is a
 * removal and an addition, as dyff reports it.
 */
function pairEdits(removed: number[], added: number[], a: readonly unknown[], b: readonly unknown[], out: ListAlignment): void {
  const aBoxes = removed.filter((i) => isContainer(a[i]));
  const bBoxes = added.filter((j) => isContainer(b[j]));
  const paired = new Set<number>();
  for (let k = 0; k < Math.min(aBoxes.length, bBoxes.length); k += 1) {
    const i = aBoxes[k]!;
    const j = bBoxes[k]!;
    if (Array.isArray(a[i]) !== Array.isArray(b[j])) continue;
    out.edited.push([i, j]);
    paired.add(i).add(-1 - j);
  }
  for (const i of removed) if (!paired.has(i)) out.removed.push(i);
  for (const j of added) if (!paired.has(-1 - j)) out.added.push(j);
}

type Scalar = string | number | boolean;

/** A value `===` compares as deep equality would: not NaN (never equal to itself), not -0 (equal to 0). */
function isPlainScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v) && !Object.is(v, -0));
}

/** How many values one list has more of than the other (a lower bound on the edits between them). */
function unmatchedCount(a: readonly Scalar[], b: readonly Scalar[]): number {
  const count = new Map<Scalar, number>();
  for (const k of a) count.set(k, (count.get(k) ?? 0) + 1);
  for (const k of b) count.set(k, (count.get(k) ?? 0) - 1);
  let n = 0;
  for (const c of count.values()) n += Math.abs(c);
  return n;
}

function isContainer(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

/**
 * A text per value such that two values get the same text exactly when they
 * are deeply equal (type included: `1` and `"1"` differ; map key order does
 * not count). Every part delimits itself (strings carry their length). List
 * entries both versions share (parse-config's memo) are keyed once.
 */
class ValueKeys {
  private readonly seen = new Map<object, string>();

  of(v: unknown): string {
    if (typeof v !== 'object' || v === null) return valueKey(v);
    const known = this.seen.get(v);
    if (known !== undefined) return known;
    const key = valueKey(v);
    this.seen.set(v, key);
    return key;
  }
}

function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      return Object.is(v, -0) ? 'd-0;' : `d${v};`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'bigint':
      return `i${v};`;
    case 'object':
      return objectKey(v);
    default:
      return `?${String(v).length}:${String(v)}`;
  }
}

function objectKey(v: object): string {
  if (Array.isArray(v)) {
    let out = '[';
    for (const x of v) out += valueKey(x);
    return `${out}]`;
  }
  if (v instanceof Date) return `t${v.getTime()};`;
  if (v instanceof Set) return `e${[...v].map(valueKey).sort().join('')}]`;
  if (v instanceof Map) return `m${[...v].map(([k, x]) => valueKey(k) + valueKey(x)).sort().join('')}]`;
  if (ArrayBuffer.isView(v)) return valueKey(`x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}`);
  let out = '{';
  for (const k of Object.keys(v).sort()) out += `${k.length}:${k}${valueKey((v as Record<string, unknown>)[k])}`;
  return `${out}}`;
}
