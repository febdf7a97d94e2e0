import { isDeepStrictEqual } from 'node:util';
import type { PathSegment } from '../../../src/core/types.js';
import type { TreeChange } from '../../../src/core/diff/diff-trees.js';
import { entryMatches, RESOURCE_KEY } from '../../../src/core/diff/list-identity.js';

/**
 * Test-only replay of field changes onto a deep copy of a tree. Strict: a
 * `from` that does not match the current value, adding an existing key or
 * removing a missing one throws, so spurious changes are caught as well.
 */
export function applyChanges(tree: unknown, changes: readonly TreeChange[]): unknown {
  const root: { v: unknown } = { v: deepCopy(tree) };
  for (const c of changes) applyOne(root, c);
  return root.v;
}

/** Copy with `defineProperty`, so a `__proto__` key stays an own key. */
export function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (typeof v !== 'object' || v === null || v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) setOwn(out, k, deepCopy(val));
  return out;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyOne(root: { v: unknown }, c: TreeChange): void {
  if (c.path.length === 0) {
    checkFrom(c, root.v);
    root.v = c.kind === 'removed' ? null : deepCopy(c.to);
    return;
  }
  const parent = resolve(root.v, c.path.slice(0, -1), c);
  const last = c.path[c.path.length - 1] as PathSegment;
  if (c.reorder === true) {
    const list = resolve(root.v, c.path, c);
    if (!Array.isArray(list)) throw new Error(`${c.pathText}: reorder of a non-list`);
    reorder(list, c);
    return;
  }
  if (typeof last === 'string') applyToMap(parent, last, c);
  else applyToList(parent, last, c);
}

function applyToMap(parent: unknown, key: string, c: TreeChange): void {
  if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) throw new Error(`${c.pathText}: parent is not a map`);
  const map = parent as Record<string, unknown>;
  const exists = Object.hasOwn(map, key);
  if (c.kind === 'added') {
    if (exists) throw new Error(`${c.pathText}: added but exists`);
    setOwn(map, key, deepCopy(c.to));
    return;
  }
  if (!exists) throw new Error(`${c.pathText}: ${c.kind} but missing`);
  checkFrom(c, map[key]);
  if (c.kind === 'removed') delete map[key];
  else setOwn(map, key, deepCopy(c.to));
}

function applyToList(parent: unknown, seg: number | Record<string, string>, c: TreeChange): void {
  if (!Array.isArray(parent)) throw new Error(`${c.pathText}: parent is not a list`);
  if (c.kind === 'added') {
    const at = typeof seg === 'number' ? seg : c.index;
    if (at === undefined || at > parent.length) throw new Error(`${c.pathText}: bad insert position ${at}`);
    if (typeof seg !== 'number' && findEntry(parent, seg) >= 0) throw new Error(`${c.pathText}: added but exists`);
    parent.splice(at, 0, deepCopy(c.to));
    return;
  }
  const i = typeof seg === 'number' ? seg : findEntry(parent, seg);
  if (i < 0 || i >= parent.length) throw new Error(`${c.pathText}: ${c.kind} but missing`);
  checkFrom(c, parent[i]);
  if (c.kind === 'removed') parent.splice(i, 1);
  else parent[i] = deepCopy(c.to);
}

function reorder(list: unknown[], c: TreeChange): void {
  // a plain list: from/to are the entries themselves (all of them, once removals are replayed)
  if (isDeepStrictEqual(c.from, list)) {
    list.splice(0, list.length, ...(c.to as unknown[]).map(deepCopy));
    return;
  }
  const to = (c.to as unknown[]).map(String);
  const id = (e: unknown): string => (c.orderKey === undefined ? identityOf(e, to) : (to.find((x) => entryMatches(e, c.orderKey!, x)) ?? ''));
  if (!isDeepStrictEqual((c.from as unknown[]).map(String), list.map(id))) throw new Error(`${c.pathText}: order 'from' mismatch`);
  const byId = new Map(list.map((e) => [id(e), e]));
  list.splice(0, list.length, ...to.map((id) => byId.get(id)));
}

/** The entry's identity value: whichever of the change's ids it matches under any of its keys (a guessed one too) or its resource. */
function identityOf(entry: unknown, ids: string[]): string {
  const keys = [...Object.keys(entry as object), RESOURCE_KEY];
  return ids.find((id) => keys.some((k) => entryMatches(entry, k, id))) ?? '';
}

function findEntry(list: unknown[], seg: Record<string, string>): number {
  const [key, value] = Object.entries(seg)[0] ?? [];
  return key === undefined || value === undefined ? -1 : list.findIndex((e) => entryMatches(e, key, value));
}

function resolve(tree: unknown, path: readonly PathSegment[], c: TreeChange): unknown {
  let node = tree;
  for (const seg of path) {
    if (typeof seg === 'number' || typeof seg === 'string') {
      if (typeof node !== 'object' || node === null) throw new Error(`${c.pathText}: cannot descend into ${String(node)}`);
      node = (node as Record<string | number, unknown>)[seg];
    } else {
      if (!Array.isArray(node)) throw new Error(`${c.pathText}: key-matched segment on a non-list`);
      node = node[findEntry(node, seg)];
    }
  }
  return node;
}

function checkFrom(c: TreeChange, current: unknown): void {
  if (!isDeepStrictEqual(current, c.from)) throw new Error(`${c.pathText}: 'from' does not match the tree`);
  if (c.kind === 'changed' && isDeepStrictEqual(c.from, c.to)) throw new Error(`${c.pathText}: changed to an equal value`);
}
