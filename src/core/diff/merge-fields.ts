/**
 * Three-way merge of a YAML/JSON file field by field, as a revert needs it:
 * the changes base → theirs are made in ours, unless a later change (base →
 * ours) touched the same field, which is a conflict. Pure: text in, text out.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PathSegment } from '../types.js';
import { diffTrees, isPlainObject, type TreeChange, type TreeDiffOptions } from './diff-trees.js';
import type { IdentifierRule } from './identifier-rules.js';
import { editFields } from './merge-edit.js';
import { parseConfig, type YamlSchema } from './parse-config.js';
import { entryMatches } from './list-identity.js';

/** A field the merge could not settle: changed on both sides, or with no exact text edit. */
export interface FieldConflict {
  /** `spec.containers[name=web].image` */
  path: string;
  reason: 'changed-later' | 'not-exact';
}

/**
 * `applied`: fields made as theirs has them; `kept`: fields both sides changed
 * where ours was kept (`pick: 'ours'`); `forced`: those where theirs won.
 */
export type FieldMerge =
  | { ok: true; text: string; applied: string[]; kept: string[]; forced: string[] }
  | { ok: false; conflicts: FieldConflict[] };

export interface FieldMergeOptions {
  /** @default 'core' */
  schema?: YamlSchema;
  /** Settle fields both sides changed: keep ours, or take theirs. Without it they are conflicts. */
  pick?: 'ours' | 'theirs';
  /** Identifier keys named per list (settings' `list_identifiers`), as the diff uses them. */
  identifiers?: readonly IdentifierRule[];
}

/**
 * Merges one YAML/JSON file. Null when the file is not YAML/JSON, a version
 * does not parse or has several documents: merge it as text instead.
 * @example mergeFields('a.yaml', 'a: 1\nb: 1\n', 'a: 2\nb: 1\n', 'a: 1\nb: 0\n') // ok, text 'a: 2\nb: 0\n'
 */
export function mergeFields(file: string, base: string, ours: string, theirs: string, opts: FieldMergeOptions = {}): FieldMerge | null {
  const schema = opts.schema ?? 'core';
  const trees = [base, ours, theirs].map((t) => parseConfig(file, Buffer.from(t), { schema }));
  if (trees.some((t) => !t || !t.ok || t.docs.length !== 1)) return null;
  const [b, o, t] = trees.map((x) => (x as { docs: unknown[] }).docs[0]);
  const ids = { identifiers: opts.identifiers };
  const later = diffTrees(file, b, o, ids);
  const conflicts: FieldConflict[] = [];
  const todo: TreeChange[] = [];
  const kept: string[] = [];
  const forced: string[] = [];
  for (const r of wholeReorderedLists(diffTrees(file, b, t, ids), b, t)) {
    if (r.reorder) conflicts.push({ path: r.pathText, reason: 'not-exact' });
    else if (sameAt(o, t, r.path)) continue; // ours already has it as theirs does
    else if (!later.some((l) => overlaps(l.path, r.path))) todo.push(r);
    else if (opts.pick === 'ours') kept.push(r.pathText);
    else if (opts.pick === 'theirs') {
      forced.push(r.pathText);
      todo.push(r);
    } else conflicts.push({ path: r.pathText, reason: 'changed-later' });
  }
  if (conflicts.length > 0) return { ok: false, conflicts };
  const text = editAndCheck(file, ours, theirs, o, t, todo, schema, ids);
  if (typeof text !== 'string') return { ok: false, conflicts: text.map((r) => ({ path: r.pathText, reason: 'not-exact' })) };
  return { ok: true, text, applied: todo.map((r) => r.pathText), kept, forced };
}

/**
 * A plain list whose entries moved is reverted as one value: its changes
 * (positions shift with the moves) become one change of the whole list.
 */
function wholeReorderedLists(changes: TreeChange[], b: unknown, t: unknown): TreeChange[] {
  const lists = changes.filter((c) => c.reorder && c.byValue);
  if (lists.length === 0) return changes;
  const out = changes.filter((c) => !lists.some((l) => isPrefix(l.path, c.path)));
  for (const l of lists) out.push({ ...l, reorder: undefined, byValue: undefined, from: valueAt(b, l.path).value, to: valueAt(t, l.path).value });
  return out;
}

/**
 * Makes the edits and checks the result: it must parse to ours with exactly
 * those fields as theirs has them. Otherwise the changes that have no exact
 * edit (tried one by one) are returned.
 */
function editAndCheck(file: string, ours: string, theirs: string, o: unknown, t: unknown, todo: TreeChange[], schema: YamlSchema, ids: TreeDiffOptions): string | TreeChange[] {
  const attempt = (changes: TreeChange[]): string | null => {
    const bom = ours.startsWith('\uFEFF') ? '\uFEFF' : '';
    const r = editFields(ours.slice(bom.length), theirs.replace(/^\uFEFF/, ''), changes.map((c) => ({ path: c.path, kind: c.kind })), schema);
    if (!r.ok) return null;
    const parsed = parseConfig(file, Buffer.from(r.text), { schema });
    if (!parsed?.ok || parsed.docs.length !== 1) return null;
    const m = parsed.docs[0];
    if (!changes.every((c) => sameAt(m, t, c.path))) return null;
    const touched = diffTrees(file, o, m, ids);
    return touched.every((d) => changes.some((c) => isPrefix(c.path, d.path))) ? bom + r.text : null;
  };
  if (todo.length === 0) return ours;
  const text = attempt(todo);
  if (text !== null) return text;
  const failing = todo.filter((c) => attempt([c]) === null);
  return failing.length > 0 ? failing : todo;
}

/** Whether `a` and `b` have the same value (or both nothing) at `path`. */
export function sameAt(a: unknown, b: unknown, path: PathSegment[]): boolean {
  const x = valueAt(a, path);
  const y = valueAt(b, path);
  return x.found === y.found && (!x.found || isDeepStrictEqual(x.value, y.value));
}

/** The value at `path` (keys, positions, `{ name: id }` and `{ resource: ns/name }` list entries). */
export function valueAt(tree: unknown, path: PathSegment[]): { found: boolean; value?: unknown } {
  let at = tree;
  for (const seg of path) {
    if (typeof seg === 'string') {
      if (!isPlainObject(at) || !Object.hasOwn(at, seg)) return { found: false };
      at = at[seg];
    } else if (typeof seg === 'number') {
      if (!Array.isArray(at) || seg >= at.length) return { found: false };
      at = at[seg];
    } else {
      const [key, id] = Object.entries(seg)[0]!;
      const hit = Array.isArray(at) ? at.find((e) => entryMatches(e, key, id)) : undefined;
      if (hit === undefined) return { found: false };
      at = hit;
    }
  }
  return { found: true, value: at };
}

/** One path lies on the other (a field and a field inside it, or the same field). */
export function overlaps(a: PathSegment[], b: PathSegment[]): boolean {
  return a.length <= b.length ? isPrefix(a, b) : isPrefix(b, a);
}

function isPrefix(p: PathSegment[], q: PathSegment[]): boolean {
  return p.length <= q.length && p.every((s, i) => sameSegment(s, q[i]!));
}

function sameSegment(a: PathSegment, b: PathSegment): boolean {
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return isDeepStrictEqual(a, b);
}
