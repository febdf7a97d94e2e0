/**
 * Random access to one packfile through its version-2 `.idx`: the idx is read
 * once, the pack only at the offsets asked for (positioned reads, no full load).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { CfgtrailError } from '../errors.js';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

/** Pack entry type codes (git's `enum object_type`). */
export const TYPE_CODES: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
export const OFS_DELTA = 6;
export const REF_DELTA = 7;
const TYPE_NAMES: (ObjectType | undefined)[] = [undefined, 'commit', 'tree', 'blob', 'tag'];

/** A raw pack entry: a whole object, or a delta with where to find its base. */
export type PackEntry =
  | { kind: 'full'; type: ObjectType; data: Buffer }
  | { kind: 'ofs'; baseOffset: number; data: Buffer }
  | { kind: 'ref'; baseOid: string; data: Buffer };

/** A parsed `.idx`: sorted oids with their pack offsets. */
export interface PackIndex {
  count: number;
  /** The raw idx file; oids are 20-byte records from `shaStart`. */
  buf: Buffer;
  fanout: Uint32Array;
  find(oid: Buffer): number | undefined;
  oidAt(i: number): string;
  offsetAt(i: number): number;
}

function badPack(path: string, msg: string, cause?: unknown): CfgtrailError {
  return new CfgtrailError('CORRUPT_STORE', `${path}: ${msg}`, { path }, { cause });
}

/** Parses a version-2 pack index (including the 64-bit offset table). */
export function parsePackIndex(buf: Buffer, path: string): PackIndex {
  if (buf.length < 8 + 1024 + 40 || buf.readUInt32BE(0) !== 0xff744f63 || buf.readUInt32BE(4) !== 2) {
    throw badPack(path, 'not a version-2 pack index');
  }
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) fanout[i] = buf.readUInt32BE(8 + i * 4);
  const count = fanout[255]!;
  const shaStart = 8 + 1024;
  const offStart = shaStart + count * 24;
  const bigStart = offStart + count * 4;
  if (bigStart + 40 > buf.length) throw badPack(path, 'index is truncated');
  const offsetAt = (i: number): number => {
    const v = buf.readUInt32BE(offStart + i * 4);
    if (!(v & 0x80000000)) return v;
    const at = bigStart + (v & 0x7fffffff) * 8;
    if (at + 8 > buf.length - 40) throw badPack(path, 'bad 64-bit offset');
    return Number(buf.readBigUInt64BE(at));
  };
  const find = (oid: Buffer): number | undefined => {
    let lo = oid[0] ? fanout[oid[0] - 1]! : 0;
    let hi = fanout[oid[0]!]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = buf.compare(oid, 0, 20, shaStart + mid * 20, shaStart + mid * 20 + 20);
      if (cmp === 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  };
  const oidAt = (i: number): string => buf.toString('hex', shaStart + i * 20, shaStart + i * 20 + 20);
  return { count, buf, fanout, find, oidAt, offsetAt };
}

/** All oids in an index that start with a hex prefix (binary search on the sorted table). */
export function findPrefix(idx: PackIndex, prefix: string): string[] {
  const first = parseInt(prefix.slice(0, 2), 16);
  let i = first ? idx.fanout[first - 1]! : 0;
  const end = idx.fanout[first]!;
  const found: string[] = [];
  for (; i < end; i++) {
    const oid = idx.oidAt(i);
    if (oid.startsWith(prefix)) found.push(oid);
    else if (oid > prefix) break;
  }
  return found;
}

/** An open packfile. Call `close()` when done (the store does). */
export class PackFile {
  private fd: number;
  private readonly size: number;

  constructor(readonly packPath: string, readonly index: PackIndex) {
    try {
      this.fd = fs.openSync(packPath, 'r');
    } catch (e) {
      throw badPack(packPath, 'cannot open pack', e);
    }
    this.size = fs.fstatSync(this.fd).size;
    const head = this.readAt(0, 12);
    if (head.toString('latin1', 0, 4) !== 'PACK' || ![2, 3].includes(head.readUInt32BE(4))) {
      this.close();
      throw badPack(packPath, 'not a pack file');
    }
  }

  private readAt(pos: number, len: number): Buffer {
    const n = Math.max(0, Math.min(len, this.size - pos));
    const buf = Buffer.allocUnsafe(n);
    let done = 0;
    while (done < n) {
      const got = fs.readSync(this.fd, buf, done, n - done, pos + done);
      if (got === 0) break;
      done += got;
    }
    return buf.subarray(0, done);
  }

  /** Reads and inflates the entry at `offset`; throws CORRUPT_STORE on a damaged entry. */
  readEntry(offset: number): PackEntry {
    if (offset < 12 || offset >= this.size - 20) throw badPack(this.packPath, `offset ${offset} out of range`);
    const head = this.readAt(offset, 32);
    let p = 0;
    let byte = head[p++]!;
    const code = (byte >> 4) & 7;
    let size = byte & 15;
    let shift = 4;
    while (byte & 0x80) {
      if (p >= head.length) throw badPack(this.packPath, `bad entry header at ${offset}`);
      byte = head[p++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let baseOffset = 0;
    let baseOid = '';
    if (code === OFS_DELTA) {
      byte = head[p++]!;
      let neg = byte & 0x7f;
      while (byte & 0x80) {
        if (p >= head.length) throw badPack(this.packPath, `bad delta offset at ${offset}`);
        byte = head[p++]!;
        neg = (neg + 1) * 128 + (byte & 0x7f);
      }
      baseOffset = offset - neg;
      if (baseOffset < 12) throw badPack(this.packPath, `bad delta base offset at ${offset}`);
    } else if (code === REF_DELTA) {
      if (p + 20 > head.length) throw badPack(this.packPath, `truncated entry at ${offset}`);
      baseOid = head.toString('hex', p, p + 20);
      p += 20;
    } else if (!TYPE_NAMES[code]) {
      throw badPack(this.packPath, `unknown entry type ${code} at ${offset}`);
    }
    const data = this.inflateAt(offset + p, size);
    if (code === OFS_DELTA) return { kind: 'ofs', baseOffset, data };
    if (code === REF_DELTA) return { kind: 'ref', baseOid, data };
    return { kind: 'full', type: TYPE_NAMES[code]!, data };
  }

  private inflateAt(pos: number, size: number): Buffer {
    // deflate never grows data by more than ~5 bytes per 16 KiB block plus a small header
    const bound = size + Math.ceil(size / 16000) * 5 + 64;
    const raw = this.readAt(pos, Math.min(bound, this.size - 20 - pos));
    let data: Buffer;
    try {
      data = zlib.inflateSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw badPack(this.packPath, `damaged zlib data at ${pos}`, e);
    }
    if (data.length !== size) throw badPack(this.packPath, `entry at ${pos} inflates to ${data.length} bytes, expected ${size}`);
    return data;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

/** Loads `<name>.idx` and opens `<name>.pack`. */
export function openPack(idxPath: string): PackFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(idxPath);
  } catch (e) {
    throw badPack(idxPath, 'cannot read pack index', e);
  }
  return new PackFile(idxPath.replace(/\.idx$/, '.pack'), parsePackIndex(buf, idxPath));
}

/** Every oid listed in a pack index. */
export function readIdxOids(idxPath: string): string[] {
  const idx = parsePackIndex(fs.readFileSync(idxPath), idxPath);
  const oids: string[] = [];
  for (let i = 0; i < idx.count; i++) oids.push(idx.oidAt(i));
  return oids;
}
