/**
 * Random access to one packfile through its `.idx` (version 1 or 2): the idx
 * is read once, the pack only at the offsets asked for (positioned reads, no
 * full load).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { CfgtrailError } from '../errors.js';
import { parsePackIndex, type PackIndex } from './pack-index.js';

export { findPrefix, parsePackIndex, type PackIndex } from './pack-index.js';

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

/** Size of one window of a pack kept in memory, and how many are kept (32 MiB per open pack at most). */
const WINDOW_BYTES = 256 * 1024;
const MAX_WINDOWS = 128;

function badPack(path: string, msg: string, cause?: unknown): CfgtrailError {
  return new CfgtrailError('CORRUPT_STORE', `${path}: ${msg}`, { path }, { cause });
}

/** An open packfile. Call `close()` when done (the store does). */
export class PackFile {
  private fd: number;
  private readonly size: number;
  /** Windows of the pack by number (see readAt), least recently used first. */
  private readonly windows = new Map<number, Buffer>();

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

  /**
   * Bytes `pos..pos+len` (fewer at the end of the file). Served from a window
   * of the pack kept in memory when it lies inside one: a history walk reads
   * tens of thousands of small entries, which cost two system calls each when
   * read one by one.
   */
  private readAt(pos: number, len: number): Buffer {
    const n = Math.max(0, Math.min(len, this.size - pos));
    const w = Math.floor(pos / WINDOW_BYTES);
    if (n > 0 && Math.floor((pos + n - 1) / WINDOW_BYTES) === w) {
      const start = pos - w * WINDOW_BYTES;
      return this.window(w).subarray(start, start + n);
    }
    return this.readDirect(pos, n);
  }

  /** Window `w` of the pack, read on first use; the least recently used is dropped beyond MAX_WINDOWS. */
  private window(w: number): Buffer {
    let buf = this.windows.get(w);
    if (buf) this.windows.delete(w);
    else {
      buf = this.readDirect(w * WINDOW_BYTES, Math.min(WINDOW_BYTES, this.size - w * WINDOW_BYTES));
      if (this.windows.size >= MAX_WINDOWS) this.windows.delete(this.windows.keys().next().value!);
    }
    this.windows.set(w, buf);
    return buf;
  }

  private readDirect(pos: number, n: number): Buffer {
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
      // An output chunk of the known size (+1, so zlib sees room left and stops) instead of
      // zlib's 16 KiB default: that was allocated per entry and then copied out of.
      data = zlib.inflateSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: Math.max(64, size + 1) });
    } catch (e) {
      throw badPack(this.packPath, `damaged zlib data at ${pos}`, e);
    }
    if (data.length !== size) throw badPack(this.packPath, `entry at ${pos} inflates to ${data.length} bytes, expected ${size}`);
    return data;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.windows.clear();
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
