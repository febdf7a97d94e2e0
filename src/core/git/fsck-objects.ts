/**
 * The object half of `cfgtrail fsck`: every loose object and every pack, read
 * with the same code the commands use (objects.ts, pack-read.ts), each object
 * checked against its SHA-1 and parsed as its type.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseCommit } from './commit.js';
import { listLooseOids, openObjectStore, type GitObject, type ObjectStore, type ObjectType } from './objects.js';
import { openPack, readIdxOids } from './pack-read.js';
import { PACK_IDX_NAME } from './pack-files.js';
import { parseTree } from './tree.js';
import { treeProblems } from './tree-check.js';

/** One thing fsck found wrong. `subject` is an object id, a file under the store, or a ref. */
export interface FsckProblem {
  kind: 'object' | 'pack' | 'ref' | 'missing' | 'index' | 'store';
  subject: string;
  message: string;
}

/** What the object pass saw: the type of every object that reads, and the problems. */
export interface ObjectScan {
  types: Map<string, ObjectType>;
  /** Objects that exist but do not read (already reported, with their pack when it is the pack). */
  damaged: Set<string>;
  problems: FsckProblem[];
  /** What git's fsck only warns of (a tree entry with mode 100664). */
  warnings: FsckProblem[];
  loose: number;
  packs: number;
  packed: number;
}

const HASH_CHUNK = 1 << 20;

/** Checks every loose object and every pack of `gitdir`. */
export function scanObjects(gitdir: string): ObjectScan {
  const scan: ObjectScan = { types: new Map(), damaged: new Set(), problems: [], warnings: [], loose: 0, packs: 0, packed: 0 };
  const store = openObjectStore(gitdir);
  try {
    for (const oid of listLooseOids(gitdir)) {
      scan.loose++;
      checkObject(store, oid, `objects/${oid.slice(0, 2)}/${oid.slice(2)}`, scan);
    }
  } finally {
    store.close();
  }
  const packDir = path.join(gitdir, 'objects', 'pack');
  const names = safeReaddir(packDir);
  for (const f of names.filter((n) => /^pack-[0-9a-f]+\.pack$/.test(n))) {
    if (!names.includes(f.replace(/\.pack$/, '.idx'))) problem(scan, 'pack', `objects/pack/${f}`, 'pack has no .idx (git cannot read it)');
  }
  for (const f of names.filter((n) => PACK_IDX_NAME.test(n))) {
    scan.packs++;
    checkPack(gitdir, path.join(packDir, f), scan);
  }
  return scan;
}

/** Reads one object (hash-checked by the store) and parses it as its type. */
function checkObject(store: ObjectStore, oid: string, where: string, scan: ObjectScan): void {
  let obj: GitObject;
  try {
    obj = store.read(oid);
  } catch (e) {
    problem(scan, 'object', oid, `${where}: ${messageOf(e).replace(`object ${oid}: `, '').replace(/^\/\S+: /, '')}`);
    scan.damaged.add(oid);
    return;
  }
  const bad = parseError(obj);
  if (!bad) scan.types.set(oid, obj.type);
  else {
    problem(scan, 'object', oid, `${where}: ${obj.type} does not parse: ${bad}`);
    scan.damaged.add(oid);
    return;
  }
  // A tree that parses can still be one git refuses (duplicate names, wrong order, `..`): still walked.
  if (obj.type !== 'tree') return;
  for (const t of treeProblems(obj.content)) {
    (t.severity === 'error' ? scan.problems : scan.warnings).push({ kind: 'object', subject: oid, message: `${where}: tree ${t.message} (${t.id})` });
  }
}

function parseError(obj: GitObject): string | null {
  try {
    if (obj.type === 'commit') parseCommit(obj.content);
    else if (obj.type === 'tree') parseTree(obj.content);
    return null;
  } catch (e) {
    return messageOf(e);
  }
}

/**
 * A pack: its trailing checksum, the .idx's own checksum and its copy of the
 * pack's, the object count, then every object it lists (read from this pack
 * alone, deltas resolved, SHA-1 checked).
 */
function checkPack(gitdir: string, idxPath: string, scan: ObjectScan): void {
  const rel = path.relative(gitdir, idxPath);
  const packRel = rel.replace(/\.idx$/, '.pack');
  let idxBuf: Buffer;
  let count: number;
  let oids: string[];
  try {
    const pack = openPack(idxPath);
    idxBuf = pack.index.buf;
    count = pack.index.count;
    oids = Array.from({ length: count }, (_, i) => pack.index.oidAt(i));
    pack.close();
  } catch (e) {
    problem(scan, 'pack', rel, messageOf(e).replace(/^\/\S+: /, ''));
    for (const oid of idxOids(idxPath)) scan.damaged.add(oid);
    return;
  }
  if (!sha1(idxBuf.subarray(0, idxBuf.length - 20)).equals(idxBuf.subarray(idxBuf.length - 20))) problem(scan, 'pack', rel, 'index checksum mismatch');
  const trailer = packTrailer(idxPath.replace(/\.idx$/, '.pack'));
  if (typeof trailer === 'string') problem(scan, 'pack', packRel, trailer);
  else {
    if (!trailer.computed.equals(trailer.stored)) problem(scan, 'pack', packRel, 'pack checksum mismatch (truncated or damaged)');
    if (!trailer.stored.equals(idxBuf.subarray(idxBuf.length - 40, idxBuf.length - 20))) problem(scan, 'pack', packRel, 'pack checksum does not match its .idx');
    if (trailer.count !== count) problem(scan, 'pack', packRel, `pack holds ${trailer.count} objects, its .idx lists ${count}`);
  }
  const store = openObjectStore(gitdir, { onlyPacks: [idxPath] });
  try {
    for (const oid of oids) {
      scan.packed++;
      checkObject(store, oid, packRel, scan);
    }
  } finally {
    store.close();
  }
}

/** The pack's stored and computed checksums and its header's object count, or what is wrong. */
function packTrailer(packPath: string): { stored: Buffer; computed: Buffer; count: number } | string {
  let fd: number;
  try {
    fd = fs.openSync(packPath, 'r');
  } catch (e) {
    return `cannot open pack: ${messageOf(e)}`;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < 32) return 'pack is truncated';
    const hash = crypto.createHash('sha1');
    const buf = Buffer.allocUnsafe(HASH_CHUNK);
    const head = Buffer.alloc(12);
    fs.readSync(fd, head, 0, 12, 0);
    for (let pos = 0; pos < size - 20; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(HASH_CHUNK, size - 20 - pos), pos);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      pos += n;
    }
    const stored = Buffer.alloc(20);
    fs.readSync(fd, stored, 0, 20, size - 20);
    if (head.toString('latin1', 0, 4) !== 'PACK') return 'not a pack file';
    return { stored, computed: hash.digest(), count: head.readUInt32BE(8) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The oids an .idx lists, or none when it does not parse. */
function idxOids(idxPath: string): string[] {
  try {
    return readIdxOids(idxPath);
  } catch {
    return []; // the .idx itself is damaged: already reported
  }
}

function sha1(buf: Buffer): Buffer {
  return crypto.createHash('sha1').update(buf).digest();
}

function problem(scan: { problems: FsckProblem[] }, kind: FsckProblem['kind'], subject: string, message: string): void {
  scan.problems.push({ kind, subject, message });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return []; // no pack directory: no packs
  }
}
