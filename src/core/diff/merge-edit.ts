/**
 * Field changes made as text edits, never by re-stringifying: each change
 * takes the text of the field (or list entry) from `theirs` and puts it in
 * place of (or beside, or instead of) the same field in `ours`, found through
 * the `yaml` package's node ranges. Comments, quoting, spacing and key order
 * everywhere else stay byte for byte. An edit that cannot be made this way
 * (a field behind an alias or merge key, an empty collection to add to, a
 * pair that shares its line with other content) is reported, not guessed.
 */
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { yamlLib } from '../lazy.js';
import type { PathSegment } from '../types.js';
import { COMPOUND_JOIN } from './identifier-rules.js';
import { entryMatches, IDENTITY_KEYS, RESOURCE_KEY } from './list-identity.js';
import type { YamlSchema } from './parse-config.js';

/** Replace text[start, end) with `text`; `order` keeps inserts at one place in theirs' order. */
interface Edit {
  start: number;
  end: number;
  text: string;
  order: number;
}

/** What one side offers: its text and parsed document. */
interface Side {
  text: string;
  doc: Document.Parsed;
}

type Coll = YAMLMap<unknown, unknown> | YAMLSeq<unknown>;

/** A field to make in `ours` as `theirs` has it: there in both (`changed`), only in ours (`removed`), only in theirs (`added`). */
export interface FieldEdit {
  path: PathSegment[];
  kind: 'added' | 'removed' | 'changed';
}

/**
 * `ours` with every field of `edits` made as `theirs` has it, or the index
 * of the first edit that has no exact text form.
 * @example editFields('a: 1 # keep\nb: 2\n', 'a: 1\nb: 3\n', [{ path: ['b'], kind: 'changed' }], 'core') // { ok: true, text: 'a: 1 # keep\nb: 3\n' }
 */
export function editFields(ours: string, theirs: string, edits: FieldEdit[], schema: YamlSchema): { ok: true; text: string } | { ok: false; failed: number } {
  const o = sideOf(ours, schema);
  const t = sideOf(theirs, schema);
  const out: Edit[] = [];
  for (let i = 0; i < edits.length; i += 1) {
    const e = editFor(o, t, edits[i]!, i);
    if (!e) return { ok: false, failed: i };
    out.push(e);
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  for (let i = 1; i < out.length; i += 1) {
    if (out[i]!.start < out[i - 1]!.end) return { ok: false, failed: out[i]!.order };
  }
  let text = ours;
  for (const e of [...out].reverse()) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return { ok: true, text };
}

function sideOf(text: string, schema: YamlSchema): Side {
  return { text, doc: yamlLib().parseDocument(text, { schema, keepSourceTokens: false, uniqueKeys: false }) as Document.Parsed };
}

function editFor(o: Side, t: Side, e: FieldEdit, order: number): Edit | null {
  if (e.path.length === 0) return null;
  const parentPath = e.path.slice(0, -1);
  const seg = e.path[e.path.length - 1]!;
  const oColl = collectionAt(o.doc.contents, parentPath);
  const tColl = collectionAt(t.doc.contents, parentPath);
  if (!oColl) return null;
  const oi = indexIn(oColl, seg);
  const ti = tColl ? indexIn(tColl, seg) : -1;
  if (e.kind === 'removed') return oi < 0 ? null : deleteItem(o.text, oColl, oi, order);
  if (!tColl || ti < 0) return null;
  if (e.kind === 'added') return oi >= 0 ? replaceItem(o, t, oColl, oi, tColl, ti, order) : insertItem(o, t, oColl, tColl, ti, order);
  return oi < 0 ? null : replaceItem(o, t, oColl, oi, tColl, ti, order);
}

/** The collection node at `path`, or null (missing, a scalar, an alias). */
function collectionAt(node: unknown, path: PathSegment[]): Coll | null {
  const { isMap, isSeq, isPair } = yamlLib();
  let at = node;
  for (const seg of path) {
    if (!isMap(at) && !isSeq(at)) return null;
    const i = indexIn(at, seg);
    if (i < 0) return null;
    const item = at.items[i];
    at = isPair(item) ? item.value : item;
  }
  return isMap(at) || isSeq(at) ? at : null;
}

/** Where `seg` sits in `coll`: a map key, a list position, or the list entry whose `name`/`key`/`id` matches. */
function indexIn(coll: Coll, seg: PathSegment): number {
  const { isMap, isScalar, isPair } = yamlLib();
  if (typeof seg === 'number') return isMap(coll) || seg >= coll.items.length ? -1 : seg;
  if (typeof seg === 'string') {
    if (!isMap(coll)) return -1;
    return coll.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === seg);
  }
  const [key, id] = Object.entries(seg)[0]!;
  if (isMap(coll)) return -1;
  // a Kubernetes List's entry is named by its metadata, a compound identity by several keys: read it as plain data
  if (key === RESOURCE_KEY || key.includes(COMPOUND_JOIN)) return coll.items.findIndex((item) => isMap(item) && entryMatches(item.toJSON(), key, id));
  return coll.items.findIndex((item) => isMap(item) && item.items.some((p) => isPair(p) && isScalar(p.key) && p.key.value === key && isScalar(p.value) && String(p.value.value) === id));
}

/** Text range of an item: a pair from its key to the end of its value, a list entry as its node. */
function rangeOf(coll: Coll, i: number): [number, number] | null {
  const { isPair } = yamlLib();
  const item = coll.items[i];
  if (isPair(item)) {
    const pair = item as Pair<Node | null, Node | null>;
    const start = pair.key?.range?.[0];
    const end = (pair.value ?? pair.key)?.range?.[1];
    return start === undefined || end === undefined ? null : [start, end];
  }
  const r = (item as Node | null)?.range;
  return r ? [r[0], r[1]] : null;
}

/** The whole lines a block item spans (its dash included for a list entry), or null when it shares them. */
function linesOf(text: string, coll: Coll, i: number): [number, number] | null {
  const r = rangeOf(coll, i);
  if (!r) return null;
  const lineStart = text.lastIndexOf('\n', r[0] - 1) + 1;
  const prefix = text.slice(lineStart, r[0]);
  const isSeq = yamlLib().isSeq(coll);
  if (!(isSeq ? /^[ \t]*-[ \t]+$/ : /^[ \t]*$/).test(prefix)) return null;
  let end = r[1];
  if (end === 0 || text[end - 1] !== '\n') {
    const nl = text.indexOf('\n', end);
    const lineEnd = nl < 0 ? text.length : nl + 1;
    if (!/^[ \t]*(#.*)?\r?\n?$/.test(text.slice(end, lineEnd))) return null;
    end = lineEnd;
  }
  return [lineStart, end];
}

function deleteItem(text: string, coll: Coll, i: number, order: number): Edit | null {
  if (!coll.flow) {
    const lines = linesOf(text, coll, i);
    return lines && { start: lines[0], end: lines[1], text: '', order };
  }
  const r = rangeOf(coll, i);
  if (!r) return null;
  // In a flow collection (JSON) the comma goes too: the one after the item, or before the last one.
  const next = i + 1 < coll.items.length ? rangeOf(coll, i + 1) : null;
  const prev = i > 0 ? rangeOf(coll, i - 1) : null;
  if (next) return { start: r[0], end: next[0], text: '', order };
  if (prev) return { start: prev[1], end: r[1], text: '', order };
  return { start: r[0], end: r[1], text: '', order };
}

function replaceItem(o: Side, t: Side, oColl: Coll, oi: number, tColl: Coll, ti: number, order: number): Edit | null {
  const { isPair } = yamlLib();
  const oItem = oColl.items[oi];
  const tItem = tColl.items[ti];
  const oNode = (isPair(oItem) ? oItem.value : oItem) as Node | null;
  const tNode = (isPair(tItem) ? tItem.value : tItem) as Node | null;
  // A value on one line on both sides: only the value's text changes.
  if (oNode?.range && tNode?.range) {
    const oText = o.text.slice(oNode.range[0], oNode.range[1]);
    const tText = t.text.slice(tNode.range[0], tNode.range[1]);
    if (!oText.includes('\n') && !tText.includes('\n')) return { start: oNode.range[0], end: oNode.range[1], text: tText, order };
  }
  if (oColl.flow || tColl.flow) {
    const a = rangeOf(oColl, oi);
    const b = rangeOf(tColl, ti);
    return a && b && { start: a[0], end: a[1], text: t.text.slice(b[0], b[1]), order };
  }
  const a = linesOf(o.text, oColl, oi);
  const b = linesOf(t.text, tColl, ti);
  return a && b && { start: a[0], end: a[1], text: withNewline(t.text.slice(b[0], b[1])), order };
}

/** An added item goes after the nearest earlier item of theirs that ours has too (else before ours' first). */
function insertItem(o: Side, t: Side, oColl: Coll, tColl: Coll, ti: number, order: number): Edit | null {
  if (oColl.items.length === 0) return null;
  let anchor = -1;
  for (let k = ti - 1; k >= 0 && anchor < 0; k -= 1) anchor = indexIn(oColl, segmentOf(tColl, k));
  if (tColl.flow || oColl.flow) {
    if (!tColl.flow || !oColl.flow) return null;
    const b = rangeOf(tColl, ti);
    if (!b) return null;
    const item = t.text.slice(b[0], b[1]);
    if (anchor >= 0) {
      const a = rangeOf(oColl, anchor);
      const prevT = ti > 0 ? rangeOf(tColl, ti - 1) : null;
      return a && { start: a[1], end: a[1], text: `${prevT ? t.text.slice(prevT[1], b[0]) : ', '}${item}`, order };
    }
    const first = rangeOf(oColl, 0);
    const nextT = ti + 1 < tColl.items.length ? rangeOf(tColl, ti + 1) : null;
    return first && { start: first[0], end: first[0], text: `${item}${nextT ? t.text.slice(b[1], nextT[0]) : ', '}`, order };
  }
  const b = linesOf(t.text, tColl, ti);
  const a = linesOf(o.text, oColl, anchor >= 0 ? anchor : 0);
  if (!a || !b) return null;
  const at = anchor >= 0 ? a[1] : a[0];
  const before = at > 0 && o.text[at - 1] !== '\n' ? '\n' : '';
  return { start: at, end: at, text: before + withNewline(t.text.slice(b[0], b[1])), order };
}

/** How item `k` of `coll` is named in a path: its key, its position, or (in a list of named maps) its identity. */
function segmentOf(coll: Coll, k: number): PathSegment {
  const { isMap, isPair, isScalar } = yamlLib();
  const item = coll.items[k];
  if (isPair(item)) return isScalar(item.key) ? String(item.key.value) : `\u0000`;
  if (isMap(item)) {
    // the keys, in the order, list-identity tries (dyff's)
    for (const key of IDENTITY_KEYS) {
      const p = item.items.find((x) => isScalar(x.key) && x.key.value === key);
      if (p && isScalar(p.value)) return { [key]: String(p.value.value) };
    }
  }
  return k;
}

function withNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}
