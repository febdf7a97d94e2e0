/**
 * Pack indexes (`.idx`): version 1 and 2 read as git reads them, version 2
 * written. The layout is checked when a file is parsed (size, fanout order),
 * the trailing SHA-1 only when a lookup went wrong (it costs a hash of the
 * whole file).
 */
import crypto from 'node:crypto';
import { CfgtrailError } from '../errors.js';

/** A parsed `.idx`: sorted oids with their pack offsets. */
export interface PackIndex {
  count: number;
  /** 1 or 2. */
  version: number;
  /** The raw idx file. */
  buf: Buffer;
  fanout: Uint32Array;
  /** The pack's own trailing checksum, as the idx records it. */
  packChecksum: Buffer;
  find(oid: Buffer): number | undefined;
  oidAt(i: number): string;
  offsetAt(i: number): number;
}

const V2_MAGIC = 0xff744f63;

/**
 * The error for an idx that cannot be trusted. It names the file and says how
 * to rebuild it, since the pack itself is usually fine.
 */
export function damagedIndex(idxPath: string, detail: string, cause?: unknown): CfgtrailError {
  return new CfgtrailError(
    'CORRUPT_STORE',
    `the pack index ${idxPath} is damaged (${detail}); its pack may be intact: rebuild the index with \`git index-pack ${idxPath.replace(/\.idx$/, '.pack')}\``,
    { path: idxPath, idx: idxPath },
    { cause },
  );
}

function readFanout(buf: Buffer, at: number, idxPath: string): Uint32Array {
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    fanout[i] = buf.readUInt32BE(at + i * 4);
    if (i > 0 && fanout[i]! < fanout[i - 1]!) throw damagedIndex(idxPath, 'its fanout table is not in order');
  }
  return fanout;
}

/**
 * Parses a version-1 or version-2 pack index (v2 with its 64-bit offset
 * table). An idx without the v2 magic is version 1, as git reads it.
 */
export function parsePackIndex(buf: Buffer, idxPath: string): PackIndex {
  const v2 = buf.length >= 8 && buf.readUInt32BE(0) === V2_MAGIC;
  if (v2 && buf.readUInt32BE(4) !== 2) throw damagedIndex(idxPath, `unsupported version ${buf.readUInt32BE(4)}`);
  const fanStart = v2 ? 8 : 0;
  if (buf.length < fanStart + 1024 + 40) throw damagedIndex(idxPath, `it is only ${buf.length} bytes`);
  const fanout = readFanout(buf, fanStart, idxPath);
  const count = fanout[255]!;
  const tableStart = fanStart + 1024;
  // v1: [offset(4) oid(20)] per object; v2: oids, then CRCs, offsets, 64-bit offsets
  const minSize = tableStart + count * (v2 ? 28 : 24) + 40;
  const maxSize = v2 ? minSize + Math.max(0, count - 1) * 8 : minSize;
  if (buf.length < minSize || buf.length > maxSize || (buf.length - minSize) % 8) {
    throw damagedIndex(idxPath, `its size ${buf.length} does not fit its ${count} objects`);
  }
  const shaStart = v2 ? tableStart : tableStart + 4;
  const stride = v2 ? 20 : 24;
  const offStart = tableStart + count * 24;
  const bigStart = offStart + count * 4;
  const bigEnd = buf.length - 40;
  const offsetAt = v2
    ? (i: number): number => {
        const v = buf.readUInt32BE(offStart + i * 4);
        if (!(v & 0x80000000)) return v;
        const at = bigStart + (v & 0x7fffffff) * 8;
        if (at + 8 > bigEnd) throw damagedIndex(idxPath, `bad 64-bit offset for entry ${i}`);
        return Number(buf.readBigUInt64BE(at));
      }
    : (i: number): number => buf.readUInt32BE(tableStart + i * 24);
  const find = (oid: Buffer): number | undefined => {
    let lo = oid[0] ? fanout[oid[0] - 1]! : 0;
    let hi = fanout[oid[0]!]!;
    const head = oid.readUInt32BE(0);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = shaStart + mid * stride;
      // the first four bytes decide almost every step without a call into native code
      const word = buf.readUInt32BE(at);
      const cmp = word !== head ? (word < head ? -1 : 1) : buf.compare(oid, 0, 20, at, at + 20);
      if (cmp === 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  };
  const oidAt = (i: number): string => buf.toString('hex', shaStart + i * stride, shaStart + i * stride + 20);
  const packChecksum = buf.subarray(buf.length - 40, buf.length - 20);
  return { count, version: v2 ? 2 : 1, buf, fanout, packChecksum, find, oidAt, offsetAt };
}

/** Whether the idx's trailing SHA-1 matches its content (a full hash of the file: for failure paths). */
export function indexChecksumOk(idx: PackIndex): boolean {
  const { buf } = idx;
  const sum = crypto.createHash('sha1').update(buf.subarray(0, buf.length - 20)).digest();
  return sum.equals(buf.subarray(buf.length - 20));
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

/** Builds a version-2 .idx: fanout, sorted oids, CRC32s, 31-bit offsets, 64-bit offsets, checksums. */
export function buildIndex(items: { oid: string; crc: number; offset: number }[], packChecksum: Buffer): Buffer {
  const sorted = [...items].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const n = sorted.length;
  const big = sorted.filter((it) => it.offset >= 0x80000000).length;
  const buf = Buffer.alloc(8 + 1024 + n * 28 + big * 8 + 40);
  buf.writeUInt32BE(0xff744f63, 0);
  buf.writeUInt32BE(2, 4);
  const counts = new Uint32Array(256);
  for (const it of sorted) counts[parseInt(it.oid.slice(0, 2), 16)]!++;
  let acc = 0;
  for (let i = 0; i < 256; i++) buf.writeUInt32BE((acc += counts[i]!), 8 + i * 4);
  const sha = 1032;
  const crc = sha + n * 20;
  const off = crc + n * 4;
  const bigAt = off + n * 4;
  let bigCount = 0;
  sorted.forEach((it, i) => {
    buf.write(it.oid, sha + i * 20, 'hex');
    buf.writeUInt32BE(it.crc >>> 0, crc + i * 4);
    if (it.offset < 0x80000000) buf.writeUInt32BE(it.offset, off + i * 4);
    else {
      buf.writeUInt32BE((0x80000000 | bigCount) >>> 0, off + i * 4);
      buf.writeBigUInt64BE(BigInt(it.offset), bigAt + bigCount++ * 8);
    }
  });
  const tail = bigAt + big * 8;
  packChecksum.copy(buf, tail);
  crypto.createHash('sha1').update(buf.subarray(0, tail + 20)).digest().copy(buf, tail + 20);
  return buf;
}
