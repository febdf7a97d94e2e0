import type { PathSegment } from '../types.js';
import { parsePathText } from './path-text.js';
import { DOCUMENT_KEY } from './k8s-identity.js';

/**
 * Whether a change touches the field a query names (`log --field database.pool.max`):
 * the paths are equal or one is a prefix of the other, segment-wise. A change that
 * added all of `database` matches `database.pool.max`, and the query `database.pool`
 * matches a change to `database.pool.max`. A plain query segment also matches a
 * key-matched entry by its identity value (`spec.containers.nginx` ~
 * `spec.containers[name=nginx]`) and a list position by its digits. In
 * multi-document files the leading document index, or the resource segment
 * (`[doc=Deployment/default/web]`, also matched by a plain `Deployment/default/web`),
 * may be left out of the query.
 * @param changePath segments, or pathText
 * @throws CfgtrailError BAD_INPUT when the query (or a text changePath) is not valid path syntax.
 */
export function fieldMatches(changePath: readonly PathSegment[] | string, query: string): boolean {
  const change = typeof changePath === 'string' ? parsePathText(changePath) : changePath;
  return segmentsMatch(change, parsePathText(query));
}

/** `fieldMatches` on paths already parsed (a query checked against many changes parses once). */
export function segmentsMatch(change: readonly PathSegment[], q: readonly PathSegment[]): boolean {
  if (prefixMatch(change, q)) return true;
  if (typeof change[0] === 'number') return typeof q[0] !== 'number' && prefixMatch(change.slice(1), q);
  return isDocumentSegment(change[0]) && !isDocumentSegment(q[0]) && prefixMatch(change.slice(1), q);
}

/**
 * An order change of a list touches the list, not its entries: it matches a
 * query for the list or a parent of it (`spec.containers`, `spec`), never one
 * for a field inside an entry (`spec.containers[name=app].image`).
 */
export function orderChangeMatches(change: readonly PathSegment[], q: readonly PathSegment[]): boolean {
  if (!segmentsMatch(change, q)) return false;
  const dropped = !prefixMatch(change, q) ? 1 : 0; // the query left out the document segment
  return q.length <= change.length - dropped;
}

function isDocumentSegment(seg: PathSegment | undefined): boolean {
  return typeof seg === 'object' && Object.hasOwn(seg, DOCUMENT_KEY);
}

function prefixMatch(change: readonly PathSegment[], query: readonly PathSegment[]): boolean {
  const n = Math.min(change.length, query.length);
  for (let i = 0; i < n; i += 1) {
    if (!segmentMatches(change[i], query[i])) return false;
  }
  return true;
}

function segmentMatches(change: PathSegment | undefined, query: PathSegment | undefined): boolean {
  if (change === undefined || query === undefined) return false;
  if (typeof query === 'string') {
    if (typeof change === 'string') return change === query;
    if (typeof change === 'number') return String(change) === query;
    return Object.values(change).includes(query);
  }
  if (typeof query === 'number') return change === query;
  if (typeof change !== 'object') return false;
  const [key, value] = Object.entries(query)[0] ?? [];
  return key !== undefined && Object.hasOwn(change, key) && change[key] === value;
}
