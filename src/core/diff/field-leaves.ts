import type { PathSegment } from '../types.js';
import { isPlainObject } from './diff-trees.js';
import { documentSegment, identityText, kubernetesIdentity, resourceIdentities, DOCUMENT_KEY } from './k8s-identity.js';
import { entryMatches, isListKind, listIdentity, IDENTITY_KEYS } from './list-identity.js';
import { formatPathText } from './path-text.js';

/**
 * One step of a leaf's path: the segment the diff would name it by, and what
 * it stands for (a map key, or a list entry / document with its position), so
 * a recorded change named another way (`[3]`, `[job_name=x]`) still finds it.
 */
export interface LeafStep {
  seg: PathSegment;
  /** The list entry or document this step enters (not set for map keys). */
  entry?: unknown;
  /** Its position in the list or file. */
  index?: number;
  /** The step names a document of a multi-document file. */
  doc?: true;
}

/** A leaf field of a parsed file: a scalar, or an empty map or list. */
export interface Leaf {
  steps: LeafStep[];
  path: PathSegment[];
  pathText: string;
  value: unknown;
}

/**
 * Every leaf of a parsed file, in document and key order, named as the field
 * diff names them: maps by key, lists of maps by the identity the list has on
 * its own (a unique `name`/`key`/`id`, Kubernetes `items` by resource, a
 * guessed unique key), other lists by position; the documents of a
 * multi-document Kubernetes file as `[doc=Kind/ns/name]`, others by index.
 * @example fieldLeaves([{ db: { max: 20 } }]).map((l) => l.pathText) // ['db.max']
 */
export function fieldLeaves(docs: readonly unknown[]): Leaf[] {
  const out: Leaf[] = [];
  if (docs.length <= 1) {
    walk(out, [], docs[0] ?? null);
    return out;
  }
  const present = docs.filter((d) => d !== null && d !== undefined);
  const ids = resourceIdentities(present);
  if (ids) present.forEach((doc, i) => walk(out, [{ seg: documentSegment(ids[i]!), entry: doc, index: i, doc: true }], doc));
  else docs.forEach((doc, i) => walk(out, [{ seg: i, entry: doc, index: i, doc: true }], doc));
  return out;
}

function walk(out: Leaf[], steps: LeafStep[], v: unknown): void {
  if (isPlainObject(v) && Object.keys(v).length > 0) {
    for (const key of Object.keys(v)) {
      const child = v[key];
      if (key === 'items' && isListKind(v.kind) && Array.isArray(child)) walkList(out, [...steps, { seg: key }], child, true);
      else walk(out, [...steps, { seg: key }], child);
    }
  } else if (Array.isArray(v) && v.length > 0) walkList(out, steps, v, false);
  else {
    const path = steps.map((s) => s.seg);
    out.push({ steps, path, pathText: formatPathText(path), value: v });
  }
}

function walkList(out: Leaf[], steps: LeafStep[], list: unknown[], resourceList: boolean): void {
  if (list.length === 0) return walk(out, steps, []);
  const id = listIdentity(list, list, resourceList);
  list.forEach((entry, i) => walk(out, [...steps, { seg: id ? { [id.key]: id.aIds[i]! } : i, entry, index: i }], entry));
}

/**
 * Whether a recorded change path touches `leaf`: one is a prefix of the
 * other, step by step. A key-matched segment matches the entry that has that
 * value under that key, whichever identity the leaf is named by; a position
 * matches the entry at that position; a document segment the document with
 * that identity. A change path without the document part of a
 * multi-document file is compared below it, as `log --field` does.
 */
export function changeTouchesLeaf(change: readonly PathSegment[], leaf: Leaf): boolean {
  if (prefixMatch(change, leaf.steps)) return true;
  const changeHasDoc = typeof change[0] === 'number' || isDocSeg(change[0]);
  return leaf.steps[0]?.doc === true && !changeHasDoc && prefixMatch(change, leaf.steps.slice(1));
}

function isDocSeg(seg: PathSegment | undefined): boolean {
  return typeof seg === 'object' && Object.hasOwn(seg, DOCUMENT_KEY);
}

function prefixMatch(change: readonly PathSegment[], steps: readonly LeafStep[]): boolean {
  const n = Math.min(change.length, steps.length);
  for (let i = 0; i < n; i += 1) if (!stepMatches(change[i]!, steps[i]!)) return false;
  return true;
}

function stepMatches(seg: PathSegment, step: LeafStep): boolean {
  if (step.entry === undefined) return typeof seg === 'string' && seg === step.seg;
  if (typeof seg === 'number') return seg === step.index;
  if (typeof seg !== 'object') return false;
  const [key, value] = Object.entries(seg)[0] ?? [];
  if (key === undefined || value === undefined) return false;
  if (key === DOCUMENT_KEY) {
    const id = kubernetesIdentity(step.entry);
    return id !== null && identityText(id) === value;
  }
  return entryMatches(step.entry, key, value);
}

/**
 * The value at a field path in a parsed file, or `{ found: false }`. A plain
 * segment on a list picks the entry whose `name`/`key`/`id` (or, failing
 * those, any string field) has that value, or the position it spells; a
 * path without the document part is looked up in each document in turn.
 * @example valueAtPath([{ upstreams: [{ name: 'auth', timeout: '2s' }] }], ['upstreams', 'auth', 'timeout'])
 * // { found: true, value: '2s' }
 */
export function valueAtPath(docs: readonly unknown[], path: readonly PathSegment[]): { found: boolean; value?: unknown } {
  if (docs.length <= 1) return lookup(docs[0] ?? null, path);
  const first = path[0];
  if (typeof first === 'number') return first < docs.length ? lookup(docs[first], path.slice(1)) : { found: false };
  if (isDocSeg(first)) {
    const text = (first as Record<string, string>)[DOCUMENT_KEY];
    const doc = docs.find((d) => {
      const id = kubernetesIdentity(d);
      return id !== null && identityText(id) === text;
    });
    return doc === undefined ? { found: false } : lookup(doc, path.slice(1));
  }
  for (const doc of docs) {
    const hit = lookup(doc, path);
    if (hit.found) return hit;
  }
  return { found: false };
}

function lookup(root: unknown, path: readonly PathSegment[]): { found: boolean; value?: unknown } {
  let v = root;
  for (const seg of path) {
    const next = child(v, seg);
    if (!next.found) return next;
    v = next.value;
  }
  return { found: true, value: v };
}

function child(v: unknown, seg: PathSegment): { found: boolean; value?: unknown } {
  if (isPlainObject(v)) return typeof seg === 'string' && Object.hasOwn(v, seg) ? { found: true, value: v[seg] } : { found: false };
  if (!Array.isArray(v)) return { found: false };
  if (typeof seg === 'number') return seg < v.length ? { found: true, value: v[seg] } : { found: false };
  if (typeof seg === 'object') {
    const [key, value] = Object.entries(seg)[0] ?? [];
    const hit = key === undefined ? undefined : v.find((e) => entryMatches(e, key, value!));
    return hit === undefined ? { found: false } : { found: true, value: hit };
  }
  if (/^\d+$/.test(seg) && Number(seg) < v.length) return { found: true, value: v[Number(seg)] };
  for (const key of IDENTITY_KEYS) {
    const hit = v.find((e) => entryMatches(e, key, seg));
    if (hit !== undefined) return { found: true, value: hit };
  }
  const guessed = v.find((e) => isPlainObject(e) && Object.values(e).some((x) => x === seg));
  return guessed === undefined ? { found: false } : { found: true, value: guessed };
}
