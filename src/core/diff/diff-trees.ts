import { isDeepStrictEqual } from 'node:util';
import type { ChangeKind, FieldChange, PathSegment } from '../types.js';
import { formatPathText } from './path-text.js';
import { documentSegment, identityKey, resourceIdentities, textsCollide, type DocumentIdentity } from './k8s-identity.js';
import { isListKind, listIdentity } from './list-identity.js';
import { alignLists } from './list-align.js';
import { identifierKeysFor, type IdentifierRule } from './identifier-rules.js';

/** A field change, plus what a key-matched list needs to be replayed exactly. */
export interface TreeChange extends FieldChange {
  /** Added key-matched list entry: its position in the new list. */
  index?: number;
  /**
   * The common entries of a list changed order; from/to are their identity values (a key-matched list)
   * or the entries themselves (a plain list), old and new order.
   */
  reorder?: boolean;
  /** On a reorder: the list has no identity, from/to are its entries' values. */
  byValue?: boolean;
  /** On a reorder of a key-matched list: the identity key (`name`, `resource`, `job_name`…). */
  orderKey?: string;
  /** In a multi-document file whose documents are matched as Kubernetes resources: the resource changed. */
  document?: DocumentIdentity;
}

/**
 * Field-level changes between two parsed trees. Maps are compared by key (order
 * ignored), lists of maps that all carry a unique `name`/`key`/`id` (tried in that order) by that
 * identity, the `items` of a Kubernetes `List`/`*List` by metadata namespace/name, other lists by position. An added or removed subtree is one change.
 * @example diffTrees('a.yaml', { db: { max: 20 } }, { db: { max: 50 } })
 * // [{ path: ['db', 'max'], pathText: 'db.max', kind: 'changed', from: 20, to: 50, ... }]
 */
export function diffTrees(file: string, a: unknown, b: unknown, opts: TreeDiffOptions = {}): TreeChange[] {
  const out: TreeChange[] = [];
  walk({ file, out, rules: opts.identifiers }, [], a, b);
  return out;
}

export interface TreeDiffOptions {
  /** Identifier keys named per list (settings' `list_identifiers`), tried before name/key/id. */
  identifiers?: readonly IdentifierRule[];
}

/**
 * Changes between the documents of two multi-document files. A single document
 * on each side is compared as it is, with no document segment. Otherwise, when
 * every (non-empty) document on both sides is a Kubernetes resource with a
 * unique identity, documents are matched by apiVersion/kind/namespace/name and
 * named by it (`[doc=Deployment/default/web].spec.replicas`); their order does
 * not matter. Else the document index is the first path segment.
 */
export function diffDocuments(file: string, a: readonly unknown[], b: readonly unknown[], opts: TreeDiffOptions = {}): TreeChange[] {
  if (a.length <= 1 && b.length <= 1) return diffTrees(file, a[0] ?? null, b[0] ?? null, opts);
  const ctx: Ctx = { file, out: [], rules: opts.identifiers };
  const aRes = resources(a);
  const bRes = aRes && resources(b);
  if (aRes && bRes) walkResources(ctx, aRes, bRes, collides(aRes) || collides(bRes));
  else walkPositional(ctx, [], a, b);
  return ctx.out;
}

/**
 * Changes for a file that exists on one side only: one change per top-level key
 * (per document when there are several), so a new file lists its sections.
 */
export function diffWholeFile(file: string, docs: readonly unknown[], kind: 'added' | 'removed'): TreeChange[] {
  const ctx: Ctx = { file, out: [] };
  const multi = docs.length > 1;
  const res = multi ? resources(docs) : null;
  const qualified = res !== null && collides(res);
  const entries: [PathSegment[], unknown, DocumentIdentity | undefined][] = res
    ? res.map((r) => [[documentSegment(r.id, qualified)], r.doc, r.id])
    : docs.map((doc, i) => [multi ? [i] : [], doc, undefined]);
  for (const [base, doc, document] of entries) {
    if (doc === null && !multi) continue;
    const c: Ctx = { ...ctx, document };
    if (!isPlainObject(doc)) {
      ctx.out.push(change(c, base, kind, doc));
      continue;
    }
    for (const key of Object.keys(doc)) ctx.out.push(change(c, [...base, key], kind, doc[key]));
  }
  return ctx.out;
}

interface Resource {
  id: DocumentIdentity;
  doc: unknown;
}

function collides(res: readonly Resource[]): boolean {
  return textsCollide(res.map((r) => r.id));
}

/** The non-empty documents with their identities, when all are resources with unique identities. */
function resources(docs: readonly unknown[]): Resource[] | null {
  const present = docs.filter((d) => d !== null && d !== undefined);
  const ids = resourceIdentities(present);
  return ids && ids.map((id, i) => ({ id, doc: present[i] }));
}

/** @param qualified name documents with their apiVersion: some share kind, namespace and name */
function walkResources(ctx: Ctx, a: Resource[], b: Resource[], qualified: boolean): void {
  const seg = (id: DocumentIdentity): PathSegment[] => [documentSegment(id, qualified)];
  const bByKey = new Map(b.map((r) => [identityKey(r.id), r]));
  const aKeys = new Set(a.map((r) => identityKey(r.id)));
  for (const r of a) {
    const other = bByKey.get(identityKey(r.id));
    const c: Ctx = { ...ctx, document: r.id };
    if (other === undefined) ctx.out.push(change(c, seg(r.id), 'removed', r.doc));
    else if (!Object.is(r.doc, other.doc)) walk(c, seg(r.id), r.doc, other.doc);
  }
  for (const r of b) {
    if (!aKeys.has(identityKey(r.id))) ctx.out.push(change({ ...ctx, document: r.id }, seg(r.id), 'added', r.doc));
  }
}

interface Ctx {
  file: string;
  out: TreeChange[];
  /** The resource being walked, in a multi-document file matched by identity. */
  document?: DocumentIdentity;
  rules?: readonly IdentifierRule[] | undefined;
}

function walk(ctx: Ctx, path: PathSegment[], a: unknown, b: unknown): void {
  // the same object on both sides: a piece of a large file both versions share (parse-config's memo)
  if (Object.is(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) walkMaps(ctx, path, a, b);
  else if (Array.isArray(a) && Array.isArray(b)) walkLists(ctx, path, a, b);
  else if (!sameLeaf(a, b)) ctx.out.push({ ...change(ctx, path, 'changed', a), to: b });
}

function walkMaps(ctx: Ctx, path: PathSegment[], a: Record<string, unknown>, b: Record<string, unknown>): void {
  for (const key of Object.keys(a)) {
    // Object.is first: no path is built for the (often millions of) unchanged keys
    if (!Object.hasOwn(b, key)) ctx.out.push(change(ctx, [...path, key], 'removed', a[key]));
    else if (Object.is(a[key], b[key])) continue;
    // the items of a Kubernetes List are resources: matched by namespace/name
    else if (key === 'items' && isListKind(a.kind) && isListKind(b.kind) && Array.isArray(a[key]) && Array.isArray(b[key])) {
      walkLists(ctx, [...path, key], a[key], b[key], true);
    } else walk(ctx, [...path, key], a[key], b[key]);
  }
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key)) ctx.out.push(change(ctx, [...path, key], 'added', b[key]));
  }
}

function walkLists(ctx: Ctx, path: PathSegment[], a: unknown[], b: unknown[], resourceList = false): void {
  if (a.length === 0 && b.length === 0) return;
  const id = listIdentity(a, b, resourceList, ctx.rules && identifierKeysFor(ctx.rules, path));
  if (id) walkKeyed(ctx, path, id.key, a, b, id.aIds, id.bIds);
  else walkAligned(ctx, path, a, b);
}

/**
 * A plain list (scalars, or maps with no identity), aligned by value (see
 * list-align.ts). Replay order: entries edited in place (old positions),
 * removals from the end, the order change, additions (new positions).
 */
function walkAligned(ctx: Ctx, path: PathSegment[], a: readonly unknown[], b: readonly unknown[]): void {
  const al = alignLists(a, b);
  if (al === null) return walkPositional(ctx, path, a, b);
  for (const [i, j] of al.edited) walk(ctx, [...path, i], a[i], b[j]);
  for (let k = al.removed.length - 1; k >= 0; k -= 1) ctx.out.push(change(ctx, [...path, al.removed[k]!], 'removed', a[al.removed[k]!]));
  if (al.moved) {
    const oldOrder = al.same.map(([i]) => a[i]);
    const newOrder = [...al.same].sort((x, y) => x[1] - y[1]).map(([, j]) => b[j]);
    ctx.out.push({ ...change(ctx, path, 'changed', oldOrder), to: newOrder, reorder: true, byValue: true });
  }
  for (const j of al.added) ctx.out.push(change(ctx, [...path, j], 'added', b[j]));
}

function walkPositional(ctx: Ctx, path: PathSegment[], a: readonly unknown[], b: readonly unknown[]): void {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i += 1) if (!Object.is(a[i], b[i])) walk(ctx, [...path, i], a[i], b[i]);
  // removals from the end first, so replaying them in order keeps positions valid
  for (let i = a.length - 1; i >= common; i -= 1) ctx.out.push(change(ctx, [...path, i], 'removed', a[i]));
  for (let i = common; i < b.length; i += 1) ctx.out.push(change(ctx, [...path, i], 'added', b[i]));
}

function walkKeyed(ctx: Ctx, path: PathSegment[], key: string, a: unknown[], b: unknown[], aIds: string[], bIds: string[]): void {
  const aIndex = new Map(aIds.map((id, i) => [id, i]));
  const bIndex = new Map(bIds.map((id, i) => [id, i]));
  const at = (id: string): PathSegment[] => [...path, { [key]: id }];
  aIds.forEach((id, i) => {
    if (!bIndex.has(id)) ctx.out.push(change(ctx, at(id), 'removed', a[i]));
  });
  bIds.forEach((id, i) => {
    const j = aIndex.get(id);
    // a[j] === b[i]: an entry both versions share (parse-config's memo), unchanged
    if (j !== undefined && a[j] !== b[i]) walk(ctx, at(id), a[j], b[i]);
  });
  const oldOrder = aIds.filter((id) => bIndex.has(id));
  const newOrder = bIds.filter((id) => aIndex.has(id));
  if (oldOrder.some((id, i) => id !== newOrder[i])) {
    // the identities as the entries hold them: `id: 1` stays the number 1
    const value = (id: string): unknown => {
      const v = (a[aIndex.get(id)!] as Record<string, unknown>)[key];
      return typeof v === 'number' || typeof v === 'boolean' ? v : id;
    };
    ctx.out.push({ ...change(ctx, path, 'changed', oldOrder.map(value)), to: newOrder.map(value), reorder: true, orderKey: key });
  }
  bIds.forEach((id, i) => {
    if (!aIndex.has(id)) ctx.out.push({ ...change(ctx, at(id), 'added', b[i]), index: i });
  });
}

function change(ctx: Ctx, path: PathSegment[], kind: ChangeKind, value: unknown): TreeChange {
  const base: TreeChange = { file: ctx.file, path, pathText: formatPathText(path), kind };
  if (ctx.document) base.document = ctx.document;
  return kind === 'added' ? { ...base, to: value } : { ...base, from: value };
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  // Dates, binary and sets from YAML 1.1 tags: compare by content
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && isDeepStrictEqual(a, b);
}

/** A map from a parsed config: a plain (or null-prototype) object. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
