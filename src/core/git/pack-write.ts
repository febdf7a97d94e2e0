/**
 * Writes a version-2 pack with OFS_DELTA deltas and its version-2 index.
 * Deltas of the packs being replaced are reused when their base is in the new
 * pack too (a base is then written before its delta). Other delta bases are
 * chosen like git does, simplified: objects sorted by type, path and size
 * (largest first), each tried against the previous few.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createDeltaFromIndex, createDeltaIndex, type DeltaIndex } from './delta.js';
import type { ObjectStore, ObjectType } from './objects.js';
import { OFS_DELTA, TYPE_CODES } from './pack-read.js';
import { buildIndex } from './pack-index.js';
import type { DeltaSource } from './pack-reuse.js';

export { buildIndex } from './pack-index.js';

export interface WritePackOptions {
  /** Path each blob/tree appears at; objects at the same path delta well against each other. */
  pathHints?: Map<string, string>;
  /** How many preceding objects to try as a delta base. @default 10 */
  window?: number;
  /** Longest delta chain made by the search (reused chains keep their depth). @default 50 */
  maxDepth?: number;
  /** Deltas stored in the packs being replaced, reused instead of searching (git's default). */
  reuseDeltas?: DeltaSource;
}

export interface WritePackResult {
  packPath: string;
  idxPath: string;
  count: number;
}

interface Item {
  oid: string;
  type: ObjectType;
  content: Buffer;
  path: string;
  depth: number;
  /** Where the entry starts in the pack; 0 until written. */
  offset: number;
  crc: number;
  index?: DeltaIndex;
  /** Place in `search` (the delta search window). */
  pos: number;
  /** The old pack's delta of this object, when its base is in the new pack. */
  reused?: { base: Item; delta: Buffer };
  /**
   * Height of the reused chains resting on this object (0: none). A delta
   * found for it lengthens each of them, so its search depth is reduced by
   * this much (git's check_delta_limit).
   */
  above: number;
  /** On the chain of bases being written (a cycle of reused deltas stops here). */
  visiting?: boolean;
}

interface Writer {
  items: Item[];
  /**
   * The objects whose delta is searched for, in sorted order: the window
   * slides over these only (as in git), so objects that keep an old delta do
   * not crowd out the candidates, e.g. the chain roots of several old packs.
   */
  search: Item[];
  byOid: Map<string, Item>;
  window: number;
  maxDepth: number;
  /** Bytes written so far (the next entry's offset). */
  offset(): number;
  emit(chunk: Buffer): void;
}

const TYPE_ORDER: Record<ObjectType, number> = { commit: 0, tag: 1, tree: 2, blob: 3 };

function sortItems(items: Item[]): void {
  items.sort((a, b) =>
    TYPE_ORDER[a.type] - TYPE_ORDER[b.type] ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    b.content.length - a.content.length ||
    (a.oid < b.oid ? -1 : 1));
}

function entryHeader(code: number, size: number): number[] {
  const bytes: number[] = [];
  let byte = (code << 4) | (size & 15);
  size = Math.floor(size / 16);
  while (size > 0) {
    bytes.push(byte | 0x80);
    byte = size & 0x7f;
    size = Math.floor(size / 128);
  }
  bytes.push(byte);
  return bytes;
}

/** git's OFS_DELTA offset encoding: big-endian base-128 with a +1 bias per continuation. */
function ofsBytes(distance: number): number[] {
  const bytes = [distance & 0x7f];
  distance = Math.floor(distance / 128);
  while (distance > 0) {
    distance -= 1;
    bytes.unshift(0x80 | (distance & 0x7f));
    distance = Math.floor(distance / 128);
  }
  return bytes;
}

/**
 * Best delta of `item` against the previous `window` items, or undefined.
 * Like git's try_delta, the size allowed shrinks with the base's chain depth,
 * so a shallow base wins over a deep one that saves only a few bytes.
 */
function findDelta(items: Item[], i: number, window: number, maxDepth: number): { base: Item; delta: Buffer } | undefined {
  const item = items[i]!;
  let best: { base: Item; delta: Buffer } | undefined;
  let bestSize = Math.floor(item.content.length / 2) - 20;
  let refDepth = 1;
  if (bestSize <= 0 || maxDepth <= 0) return undefined;
  for (let j = i - 1; j >= Math.max(0, i - window); j--) {
    const base = items[j]!;
    if (base.type !== item.type) break;
    // a base written out of order (for a reused delta) may be ahead; one not yet written cannot be used
    if (!base.offset || base.depth >= maxDepth || base.content.length === 0) continue;
    // a base much smaller than the target cannot give a delta under half its size
    if (base.content.length < item.content.length / 4) continue;
    const max = Math.floor((bestSize * (maxDepth - base.depth)) / (maxDepth - refDepth + 1));
    if (max <= 0) continue;
    base.index ??= createDeltaIndex(base.content);
    const delta = createDeltaFromIndex(base.index, item.content, max - 1);
    if (delta && delta.length < max) {
      best = { base, delta };
      bestSize = delta.length;
      refDepth = base.depth + 1;
    }
  }
  return best;
}

/**
 * Writes `oids` (read from `store`) as one pack plus index into
 * `<gitdir>/objects/pack/`, named after the pack checksum as git does.
 */
export function writePack(gitdir: string, oids: string[], store: ObjectStore, opts: WritePackOptions = {}): WritePackResult {
  const window = opts.window ?? 10;
  const maxDepth = opts.maxDepth ?? 50;
  const items: Item[] = [...new Set(oids)].map((oid) => {
    const { type, content } = store.read(oid);
    return { oid, type, content, path: opts.pathHints?.get(oid) ?? '', depth: 0, offset: 0, crc: 0, pos: 0, above: 0 };
  });
  sortItems(items);
  const dir = path.join(gitdir, 'objects', 'pack');
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `tmp_pack_${process.pid}_${crypto.randomBytes(4).toString('hex')}`);
  const fd = fs.openSync(tmp, 'w', 0o444);
  const hash = crypto.createHash('sha1');
  let offset = 0;
  const emit = (chunk: Buffer): void => {
    fs.writeSync(fd, chunk);
    hash.update(chunk);
    offset += chunk.length;
  };
  try {
    const head = Buffer.alloc(12);
    head.write('PACK', 0, 'latin1');
    head.writeUInt32BE(2, 4);
    head.writeUInt32BE(items.length, 8);
    emit(head);
    const w: Writer = { items, search: items, byOid: new Map(items.map((it) => [it.oid, it])), window, maxDepth, offset: () => offset, emit };
    if (opts.reuseDeltas) markReused(w, opts.reuseDeltas);
    w.search = items.filter((it) => !it.reused);
    w.search.forEach((it, p) => { it.pos = p; });
    for (let i = 0; i < items.length; i++) writeWithBases(w, i);
    const checksum = hash.digest();
    fs.writeSync(fd, checksum);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return finish(dir, tmp, checksum, items);
  } catch (e) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes item `i` unless it is written already. When an old pack stores it as
 * a delta whose base is in this pack, that delta is reused, and the chain of
 * such bases is written first, deepest first (OFS_DELTA points backwards).
 */
function writeWithBases(w: Writer, i: number): void {
  const chain: Item[] = [];
  for (let item: Item | undefined = w.items[i]; item && !item.offset && !item.visiting; item = item.reused?.base) {
    item.visiting = true;
    chain.push(item);
  }
  for (let k = chain.length - 1; k >= 0; k--) {
    const item = chain[k]!;
    item.visiting = false;
    // a base still unwritten here closes a cycle of reused deltas: this one is written without it
    writeEntry(w, item, item.reused?.base.offset ? item.reused : undefined);
  }
}

/** Finds which objects keep their old delta (its base is in this pack too). */
function markReused(w: Writer, source: DeltaSource): void {
  for (const item of w.items) {
    const r = source(item.oid);
    const base = r ? w.byOid.get(r.baseOid) : undefined;
    if (!base || base.type !== item.type || base === item) continue;
    item.reused = { base, delta: r!.delta };
  }
  // each object's height over its reused chain's root, then the heights above each base, tips first
  const level = new Map<Item, number>();
  const levelOf = (item: Item): number => {
    const path: Item[] = [];
    const onPath = new Set<Item>();
    let at: Item | undefined = item;
    while (at && !level.has(at) && !onPath.has(at)) {
      path.push(at);
      onPath.add(at);
      at = at.reused?.base;
    }
    let n = at && level.has(at) ? level.get(at)! : -1;
    for (let k = path.length - 1; k >= 0; k--) level.set(path[k]!, ++n);
    return level.get(item)!;
  };
  const chained = w.items.filter((it) => it.reused).sort((a, b) => levelOf(b) - levelOf(a));
  for (const it of chained) it.reused!.base.above = Math.max(it.reused!.base.above, it.above + 1);
}

function writeEntry(w: Writer, item: Item, reused: { base: Item; delta: Buffer } | undefined): void {
  // (an object whose reused delta closed a cycle is written whole: it is in no search window)
  const found = reused ?? (item.reused ? undefined : findDelta(w.search, item.pos, w.window, w.maxDepth - item.above));
  // bases further back than the window are never used again
  if (!item.reused) {
    const old = w.search[item.pos - w.window];
    if (old) old.index = undefined;
  }
  const offset = w.offset();
  item.offset = offset;
  let header: number[];
  let body: Buffer;
  if (found) {
    item.depth = found.base.depth + 1;
    header = [...entryHeader(OFS_DELTA, found.delta.length), ...ofsBytes(offset - found.base.offset)];
    body = zlib.deflateSync(found.delta);
  } else {
    header = entryHeader(TYPE_CODES[item.type], item.content.length);
    body = zlib.deflateSync(item.content);
  }
  const headBuf = Buffer.from(header);
  item.crc = zlib.crc32(body, zlib.crc32(headBuf));
  w.emit(headBuf);
  w.emit(body);
}

/** Writes the index next to the pack and moves both into place (pack first: readers look for the idx). */
function finish(dir: string, tmp: string, checksum: Buffer, items: Item[]): WritePackResult {
  const name = `pack-${checksum.toString('hex')}`;
  const packPath = path.join(dir, `${name}.pack`);
  const idxPath = path.join(dir, `${name}.idx`);
  const idx = buildIndex(items, checksum);
  const tmpIdx = `${tmp}.idx`;
  fs.writeFileSync(tmpIdx, idx, { mode: 0o444 });
  const fd = fs.openSync(tmpIdx, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, packPath);
  fs.renameSync(tmpIdx, idxPath);
  syncDir(dir);
  return { packPath, idxPath, count: items.length };
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}
