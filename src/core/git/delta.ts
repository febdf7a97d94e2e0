/**
 * Git's binary delta format (pack OFS_DELTA/REF_DELTA payloads): a header of
 * two varints (base size, result size) followed by copy ops (copy a range of
 * the base) and insert ops (up to 127 literal bytes).
 */
import { CfgtrailError } from '../errors.js';

const BLOCK = 16;
const MAX_COPY = 0x10000;
const MAX_INSERT = 127;
/** Candidate base offsets kept per block hash: bounds the work on repetitive input. */
const MAX_CHAIN = 8;
const MULT = 0x01000193;

/** A hashed block index of a delta base, reusable for many targets (chained hash table in typed arrays). */
export interface DeltaIndex {
  base: Buffer;
  shift: number;
  /** First block number per bucket, -1 when empty. */
  heads: Int32Array;
  /** Next block number in the same bucket, -1 at the end. */
  next: Int32Array;
}

function hashBlock(buf: Buffer, pos: number): number {
  let h = 0;
  for (let i = 0; i < BLOCK; i++) h = (Math.imul(h, MULT) + buf[pos + i]!) | 0;
  return h;
}

/** MULT^(BLOCK-1), to drop the outgoing byte of the rolling hash. */
const OUT_FACTOR = (() => {
  let f = 1;
  for (let i = 0; i < BLOCK - 1; i++) f = Math.imul(f, MULT);
  return f;
})();

function bucketOf(h: number, shift: number): number {
  return Math.imul(h, 0x9e3779b1) >>> shift;
}

/** Indexes non-overlapping 16-byte blocks of `base` by hash. */
export function createDeltaIndex(base: Buffer): DeltaIndex {
  const n = Math.floor(base.length / BLOCK);
  let bits = 1;
  while (1 << bits < n * 2) bits++;
  const shift = 32 - bits;
  const heads = new Int32Array(1 << bits).fill(-1);
  const next = new Int32Array(n);
  // inserted last to first, so each chain lists earlier blocks first
  for (let b = n - 1; b >= 0; b--) {
    const k = bucketOf(hashBlock(base, b * BLOCK), shift);
    next[b] = heads[k]!;
    heads[k] = b;
  }
  return { base, shift, heads, next };
}

/** Output buffer that refuses to grow past `limit` (delta no longer worth it). */
class DeltaWriter {
  buf: Buffer;
  len = 0;
  constructor(private readonly limit: number) {
    this.buf = Buffer.allocUnsafe(Math.min(limit, 4096) + 32);
  }
  push(byte: number): boolean {
    if (this.len >= this.buf.length) {
      if (this.len >= this.limit) return false;
      const next = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.limit + 32));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.buf[this.len++] = byte;
    return this.len <= this.limit;
  }
  varint(n: number): boolean {
    while (n >= 0x80) {
      if (!this.push((n & 0x7f) | 0x80)) return false;
      n = Math.floor(n / 128);
    }
    return this.push(n);
  }
  insert(src: Buffer, start: number, end: number): boolean {
    for (let p = start; p < end; p += MAX_INSERT) {
      const n = Math.min(MAX_INSERT, end - p);
      if (!this.push(n)) return false;
      for (let i = 0; i < n; i++) if (!this.push(src[p + i]!)) return false;
    }
    return true;
  }
  copy(offset: number, size: number): boolean {
    while (size > 0) {
      const n = Math.min(size, MAX_COPY);
      const bytes: number[] = [];
      let cmd = 0x80;
      for (let i = 0; i < 4; i++) {
        const b = Math.floor(offset / 2 ** (8 * i)) & 0xff;
        if (b) { cmd |= 1 << i; bytes.push(b); }
      }
      // a size of 0x10000 is encoded as no size bytes at all
      const sz = n === MAX_COPY ? 0 : n;
      for (let i = 0; i < 3; i++) {
        const b = (sz >> (8 * i)) & 0xff;
        if (b) { cmd |= 0x10 << i; bytes.push(b); }
      }
      if (!this.push(cmd)) return false;
      for (const b of bytes) if (!this.push(b)) return false;
      offset += n;
      size -= n;
    }
    return true;
  }
}

/**
 * Encodes `target` as a git delta against an indexed base. Returns null when
 * the delta would exceed `maxSize` bytes.
 */
export function createDeltaFromIndex(index: DeltaIndex, target: Buffer, maxSize = Infinity): Buffer | null {
  const { base } = index;
  const out = new DeltaWriter(Math.min(maxSize, target.length * 2 + 64));
  if (!out.varint(base.length) || !out.varint(target.length)) return null;
  let pending = 0; // start of literal bytes not yet emitted
  let pos = 0;
  let h = target.length >= BLOCK ? hashBlock(target, 0) : 0;
  while (pos + BLOCK <= target.length) {
    const match = findMatch(index, bucketOf(h, index.shift), target, pos);
    if (match) {
      let [bpos, tpos, len] = match;
      // extend backwards over bytes we would otherwise insert literally
      while (tpos > pending && bpos > 0 && base[bpos - 1] === target[tpos - 1]) { bpos--; tpos--; len++; }
      if (!out.insert(target, pending, tpos) || !out.copy(bpos, len)) return null;
      pos = pending = tpos + len;
      if (pos + BLOCK <= target.length) h = hashBlock(target, pos);
      continue;
    }
    if (pos + BLOCK < target.length) {
      h = (Math.imul(h - Math.imul(target[pos]!, OUT_FACTOR), MULT) + target[pos + BLOCK]!) | 0;
    }
    pos++;
  }
  if (!out.insert(target, pending, target.length)) return null;
  return Buffer.from(out.buf.subarray(0, out.len));
}

/** Length of the common run of `a` from `ai` and `b` from `bi`; long runs are compared natively in chunks. */
function matchLength(a: Buffer, ai: number, b: Buffer, bi: number): number {
  const max = Math.min(a.length - ai, b.length - bi);
  let len = 0;
  while (len < max && len < 32 && a[ai + len] === b[bi + len]) len++;
  if (len < 32) return len;
  while (len + 512 <= max && a.compare(b, bi + len, bi + len + 512, ai + len, ai + len + 512) === 0) len += 512;
  while (len < max && a[ai + len] === b[bi + len]) len++;
  return len;
}

/** Longest verified match among the bucket's first candidates: [basePos, targetPos, length]. */
function findMatch(index: DeltaIndex, bucket: number, target: Buffer, pos: number): [number, number, number] | null {
  const { base, heads, next } = index;
  let best: [number, number, number] | null = null;
  let tries = 0;
  for (let b = heads[bucket]!; b >= 0 && tries < MAX_CHAIN; b = next[b]!, tries++) {
    const c = b * BLOCK;
    const len = matchLength(base, c, target, pos);
    if (len >= BLOCK && (!best || len > best[2])) best = [c, pos, len];
  }
  return best;
}

/**
 * Encodes `target` as a git delta against `base`.
 * @example applyDelta(base, createDelta(base, target)).equals(target) // true
 */
export function createDelta(base: Buffer, target: Buffer): Buffer {
  const delta = createDeltaFromIndex(createDeltaIndex(base), target);
  if (!delta) throw new Error('unreachable: unbounded delta');
  return delta;
}

function readVarint(delta: Buffer, state: { pos: number }): number {
  let result = 0;
  let shift = 0;
  let byte: number;
  do {
    if (state.pos >= delta.length) throw corrupt('delta header is truncated');
    byte = delta[state.pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
}

function corrupt(msg: string): CfgtrailError {
  return new CfgtrailError('CORRUPT_STORE', `bad delta: ${msg}`);
}

/** Applies a git delta to `base`; throws CORRUPT_STORE if the delta does not fit. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const state = { pos: 0 };
  const baseSize = readVarint(delta, state);
  const size = readVarint(delta, state);
  if (baseSize !== base.length) throw corrupt(`base size ${base.length}, delta expects ${baseSize}`);
  // a damaged header can claim any size: a 4-byte copy op yields at most 16 MiB
  if (size > delta.length * 0x400000) throw corrupt(`result size ${size} is impossible for a ${delta.length}-byte delta`);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  let p = state.pos;
  while (p < delta.length) {
    const cmd = delta[p++]!;
    if (cmd & 0x80) {
      let off = 0;
      let n = 0;
      for (let i = 0; i < 4; i++) if (cmd & (1 << i)) off += (delta[p++] ?? 0) * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (cmd & (0x10 << i)) n |= (delta[p++] ?? 0) << (8 * i);
      if (n === 0) n = MAX_COPY;
      if (p > delta.length || off + n > base.length || o + n > size) throw corrupt('copy out of range');
      base.copy(out, o, off, off + n);
      o += n;
    } else if (cmd) {
      if (p + cmd > delta.length || o + cmd > size) throw corrupt('insert out of range');
      delta.copy(out, o, p, p + cmd);
      o += cmd;
      p += cmd;
    } else {
      throw corrupt('reserved opcode 0');
    }
  }
  if (o !== size) throw corrupt(`result is ${o} bytes, expected ${size}`);
  return out;
}
