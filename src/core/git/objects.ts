/**
 * Synchronous reading of a git object database (loose objects and packs) and
 * writing of loose objects. Built for a one-shot CLI: nothing is read before
 * it is needed, and every object read is checked against its SHA-1.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { CfgtrailError } from '../errors.js';
import { readAlternates } from './alternates.js';
import { applyDelta } from './delta.js';
import { ObjectCache } from './object-cache.js';
import type { GitObject } from './git-object.js';
import { damagedIndex, indexChecksumOk } from './pack-index.js';
import { PACK_IDX_NAME } from './pack-files.js';
import { findPrefix, openPack, PackFile, type ObjectType } from './pack-read.js';
import { OID_RE } from './oid.js';

export type { ObjectType } from './pack-read.js';

/** An object's type and (inflated, header-less) content. */
export type { GitObject } from './git-object.js';

/** Read access to one gitdir's objects. */
export interface ObjectStore {
  /** Throws CORRUPT_STORE when the object is missing or damaged. */
  read(oid: string): GitObject;
  has(oid: string): boolean;
  /**
   * Notes that `content` is blob `oid` (the caller hashed it, as a scan of the
   * live files does), so a later read of that blob needs no disk. has() is not
   * affected: it still reports only what the store holds.
   */
  rememberBlob(oid: string, content: Buffer): void;
  /** All oids (loose and packed) starting with `prefix` (≥ 4 hex chars). */
  resolvePrefix(prefix: string): string[];
  /** Closes pack file descriptors; the store reopens them if used again. */
  close(): void;
}

const TYPES = new Set(['blob', 'tree', 'commit', 'tag']);
/** Delta bases kept per store, by total size. */
const BASE_CACHE_BYTES = 64 * 1024 * 1024;
/** Checked objects kept per store by id, by total size. */
const RECENT_CACHE_BYTES = 16 * 1024 * 1024;

/** Whether `oid` is a full object id naming a commit the store holds. */
export function isCommit(objects: ObjectStore, oid: string): boolean {
  return OID_RE.test(oid) && objects.has(oid) && objects.read(oid).type === 'commit';
}

/** The git object id of `content` stored as `type`. */
export function hashObject(type: ObjectType, content: Buffer): string {
  return crypto.createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

function loosePath(gitdir: string, oid: string): string {
  return looseIn(path.join(gitdir, 'objects'), oid);
}

function looseIn(objectsDir: string, oid: string): string {
  return path.join(objectsDir, oid.slice(0, 2), oid.slice(2));
}

/**
 * Writes a zlib-deflated loose object (temp file + rename) unless it exists.
 * @returns the object id
 */
export function writeLooseObject(gitdir: string, type: ObjectType, content: Buffer): string {
  const oid = hashObject(type, content);
  const file = loosePath(gitdir, oid);
  if (fs.existsSync(file)) return oid;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // git's own temp-file name: `git fsck` skips leftovers of a killed writer.
  const tmp = path.join(path.dirname(file), `tmp_obj_${process.pid}_${crypto.randomBytes(4).toString('hex')}`);
  const data = zlib.deflateSync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]));
  try {
    fs.writeFileSync(tmp, data, { mode: 0o444 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return oid;
}

function corrupt(oid: string, msg: string, cause?: unknown): CfgtrailError {
  return new CfgtrailError('CORRUPT_STORE', `object ${oid}: ${msg}`, { oid }, { cause });
}

/** Parses an inflated loose object (`type size\0content`). */
function parseLoose(oid: string, raw: Buffer): GitObject {
  const nul = raw.indexOf(0);
  const header = nul > 0 ? raw.toString('latin1', 0, nul) : '';
  const m = /^(\w+) (\d+)$/.exec(header);
  if (!m || !TYPES.has(m[1]!) || Number(m[2]) !== raw.length - nul - 1) throw corrupt(oid, 'bad loose object header');
  return { type: m[1] as ObjectType, content: raw.subarray(nul + 1) };
}

/** Lists every loose object id in a gitdir. */
export function listLooseOids(gitdir: string): string[] {
  const dir = path.join(gitdir, 'objects');
  const oids: string[] = [];
  for (const sub of safeReaddir(dir)) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue;
    for (const f of safeReaddir(path.join(dir, sub))) if (/^[0-9a-f]{38}$/.test(f)) oids.push(sub + f);
  }
  return oids;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return []; // a missing directory holds no objects
  }
}

export interface OpenStoreOptions {
  /** Read only these pack indexes (no loose objects, no pack dir scan, no alternates): to check a new pack on its own. */
  onlyPacks?: string[];
}

/**
 * Opens the object database of `gitdir` (e.g. `/x/.git`), with the object
 * directories listed in `objects/info/alternates`. Cheap: indexes, packs and
 * the alternates list are read on first use.
 * @example openObjectStore(gitdir).read(oid).content.toString()
 */
export function openObjectStore(gitdir: string, opts: OpenStoreOptions = {}): ObjectStore {
  return new PackedStore(path.join(gitdir, 'objects'), opts.onlyPacks, !opts.onlyPacks);
}

interface PackSlot {
  idxPath: string;
  pack?: PackFile;
  /** The index was gone when first needed (a concurrent gc replaced the pack). */
  gone?: boolean;
  /** What checking the idx's trailing SHA-1 found (null: sound); checked only after a lookup went wrong. */
  damage?: CfgtrailError | null;
}

class PackedStore implements ObjectStore {
  private slots: PackSlot[] | undefined;
  /** Delta bases by pack and offset (see baseKey): a number, which a history walk hashes far faster than a path. */
  private readonly bases = new ObjectCache<number>(BASE_CACHE_BYTES);
  /** Numbers given to packs as they are opened, for baseKey. */
  private readonly packNumbers = new Map<PackFile, number>();
  /** Objects read and checked, by id: a rollback reads each target blob to write it, then again to record it. */
  private readonly recent = new ObjectCache(RECENT_CACHE_BYTES);

  /** Stores of the alternate object directories, read once on the first miss. */
  private alternates: PackedStore[] | undefined;
  /** Alternates listed but not there, for the "not found" message. */
  private missingAlternates: string[] = [];

  constructor(
    private readonly objectsDir: string,
    private readonly onlyPacks?: string[],
    private readonly withAlternates = false,
  ) {}

  read(oid: string): GitObject {
    const known = this.recent.get(oid);
    if (known) return known;
    if (!OID_RE.test(oid)) throw corrupt(oid, 'not a full object id');
    // Packs first, as git reads: a lookup there is a search in memory, while
    // probing for a loose file costs a failed open per object (a history walk
    // of a packed store made a third of its system time of them). A damaged
    // or unreadable packed copy does not hide a sound loose one.
    let packError: unknown;
    try {
      const packed = this.readPacked(oid);
      if (packed && hashObject(packed.type, packed.content) === oid) return this.remember(oid, packed);
      // a packed object read whole but wrong: its idx may point at another entry
      if (packed) packError = this.damagedIndexError() ?? corrupt(oid, 'content does not match its hash');
    } catch (e) {
      packError = e;
    }
    const loose = this.readLoose(oid);
    if (loose) {
      if (hashObject(loose.type, loose.content) !== oid) throw corrupt(oid, 'content does not match its hash');
      return this.remember(oid, loose);
    }
    if (packError !== undefined) throw packError;
    const rescanned = this.rescan() ? this.readPacked(oid) : undefined;
    if (!rescanned) return this.readElsewhere(oid);
    if (hashObject(rescanned.type, rescanned.content) !== oid) throw this.damagedIndexError() ?? corrupt(oid, 'content does not match its hash');
    return this.remember(oid, rescanned);
  }

  private remember(oid: string, obj: GitObject): GitObject {
    this.recent.set(oid, obj);
    return obj;
  }

  /** An object this directory lacks: from an alternate, else the reason it is missing. */
  private readElsewhere(oid: string): GitObject {
    const alt = this.getAlternates().find((a) => a.has(oid));
    if (!alt) throw this.damagedIndexError() ?? corrupt(oid, `object not found${this.missingAlternates.map((d) => ` (alternate ${d} listed in objects/info/alternates does not exist)`).join('')}`);
    const obj = alt.read(oid);
    this.recent.set(oid, obj);
    return obj;
  }

  private getAlternates(): PackedStore[] {
    if (!this.alternates) {
      const alt = this.withAlternates ? readAlternates(this.objectsDir) : { dirs: [], missing: [] };
      this.alternates = alt.dirs.map((dir) => new PackedStore(dir));
      this.missingAlternates = alt.missing;
    }
    return this.alternates;
  }

  /**
   * After a lookup went wrong: the first pack index whose checksum fails, as an
   * error that names it (a damaged idx otherwise reads as "object not found").
   * Each idx is hashed at most once per store.
   */
  private damagedIndexError(): CfgtrailError | undefined {
    for (const slot of this.getSlots()) {
      if (slot.gone) continue;
      if (slot.damage === undefined) {
        try {
          slot.damage = indexChecksumOk(this.load(slot).index) ? null : damagedIndex(slot.idxPath, 'its checksum does not match its content');
        } catch (e) {
          if (!(e instanceof CfgtrailError)) throw e;
          slot.damage = e;
        }
      }
      if (slot.damage) return slot.damage;
    }
    return undefined;
  }

  rememberBlob(oid: string, content: Buffer): void {
    this.recent.set(oid, { type: 'blob', content });
  }

  has(oid: string): boolean {
    if (!OID_RE.test(oid)) return false;
    // Packs first: a lookup there is a search in memory, a loose object a stat (a rollback asks
    // for 50 blobs). A pack that cannot be opened does not hide a loose copy.
    let packError: unknown;
    try {
      if (this.findInPacks(oid) !== undefined) return true;
    } catch (e) {
      packError = e;
    }
    if (!this.onlyPacks && fs.existsSync(looseIn(this.objectsDir, oid))) return true;
    if (packError !== undefined) throw packError;
    if (this.rescan() && this.findInPacks(oid) !== undefined) return true;
    return this.getAlternates().some((a) => a.has(oid));
  }

  resolvePrefix(prefix: string): string[] {
    if (!/^[0-9a-f]{4,40}$/.test(prefix)) {
      throw new CfgtrailError('BAD_INPUT', `not a hex object prefix of at least 4 characters: ${prefix}`, { prefix });
    }
    const found = new Set<string>();
    const sub = path.join(this.objectsDir, prefix.slice(0, 2));
    for (const f of this.onlyPacks ? [] : safeReaddir(sub)) if ((prefix.slice(0, 2) + f).startsWith(prefix) && f.length === 38) found.add(prefix.slice(0, 2) + f);
    this.rescan();
    for (const slot of this.getSlots()) for (const oid of findPrefix(this.load(slot).index, prefix)) found.add(oid);
    for (const alt of this.getAlternates()) for (const oid of alt.resolvePrefix(prefix)) found.add(oid);
    return [...found].sort();
  }

  close(): void {
    for (const slot of this.slots ?? []) slot.pack?.close();
    for (const alt of this.alternates ?? []) alt.close();
    this.slots = undefined;
    this.alternates = undefined;
    this.bases.clear();
    this.packNumbers.clear();
    this.recent.clear();
  }

  private readLoose(oid: string): GitObject | undefined {
    if (this.onlyPacks) return undefined;
    let raw: Buffer;
    try {
      raw = fs.readFileSync(looseIn(this.objectsDir, oid));
    } catch {
      return undefined; // not loose: look in the packs
    }
    try {
      return parseLoose(oid, zlib.inflateSync(raw));
    } catch (e) {
      throw e instanceof CfgtrailError ? e : corrupt(oid, 'damaged loose object', e);
    }
  }

  private getSlots(): PackSlot[] {
    if (!this.slots) this.slots = this.listIdx().map((idxPath) => ({ idxPath }));
    return this.slots;
  }

  private listIdx(): string[] {
    if (this.onlyPacks) return this.onlyPacks;
    const dir = path.join(this.objectsDir, 'pack');
    // newest first: after a repack the new pack is the likely hit
    return safeReaddir(dir)
      .filter((f) => PACK_IDX_NAME.test(f))
      .map((f) => path.join(dir, f))
      .sort((a, b) => mtime(b) - mtime(a));
  }

  /** Picks up packs added since the last scan (a gc may have run); true if any. */
  private rescan(): boolean {
    const known = new Set(this.getSlots().map((s) => s.idxPath));
    const added = this.listIdx().filter((p) => !known.has(p));
    this.slots!.push(...added.map((idxPath) => ({ idxPath })));
    return added.length > 0;
  }

  private load(slot: PackSlot): PackFile {
    if (!slot.pack) slot.pack = openPack(slot.idxPath);
    return slot.pack;
  }

  private findInPacks(oid: string): { pack: PackFile; offset: number } | undefined {
    const key = Buffer.from(oid, 'hex');
    for (const slot of this.getSlots()) {
      // Checked once, when the pack is first opened: an open pack stays readable
      // even after a concurrent gc removes it (a stat per lookup per pack was
      // a tenth of a rollback).
      if (!slot.pack && (slot.gone || !fs.existsSync(slot.idxPath))) {
        slot.gone = true;
        continue;
      }
      const pack = this.load(slot);
      const i = pack.index.find(key);
      if (i !== undefined) return { pack, offset: pack.index.offsetAt(i) };
    }
    return undefined;
  }

  private readPacked(oid: string): GitObject | undefined {
    const hit = this.findInPacks(oid);
    if (!hit) return undefined;
    try {
      return this.resolveAt(hit.pack, hit.offset);
    } catch (e) {
      // a wrong offset in a damaged idx shows up as a bad entry: name the idx
      if (e instanceof CfgtrailError) throw this.damagedIndexError() ?? corrupt(oid, e.message, e);
      throw e;
    }
  }

  /** Follows a delta chain down to a full object or cached base, then applies the deltas upwards. */
  private resolveAt(pack: PackFile, offset: number): GitObject {
    const deltas: { key: number | undefined; data: Buffer }[] = [];
    let base: GitObject | undefined;
    let baseKey: number | undefined;
    let at = offset;
    while (!base) {
      baseKey = this.baseKey(pack, at);
      base = baseKey === undefined ? undefined : this.bases.get(baseKey);
      if (base) break;
      const entry = pack.readEntry(at);
      if (entry.kind === 'full') base = { type: entry.type, content: entry.data };
      else {
        deltas.push({ key: baseKey, data: entry.data });
        if (deltas.length > 10_000) throw new CfgtrailError('CORRUPT_STORE', `${pack.packPath}: delta chain loop at ${offset}`);
        if (entry.kind === 'ofs') at = entry.baseOffset;
        else {
          base = this.read(entry.baseOid);
          baseKey = undefined; // a REF_DELTA base lives elsewhere
        }
      }
    }
    for (let i = deltas.length - 1; i >= 0; i--) {
      if (baseKey !== undefined) this.bases.set(baseKey, base);
      base = { type: base.type, content: applyDelta(base.content, deltas[i]!.data) };
      baseKey = deltas[i]!.key;
    }
    // The object asked for may be the base of one read later (packs put deltas in
    // either direction of history): without it here, that read inflated it again.
    if (baseKey !== undefined) this.bases.set(baseKey, base);
    return base;
  }

  /** `pack`'s number × 2^40 + `offset`: exact below 8,192 packs and 1 TiB per pack; undefined (not cached) beyond. */
  private baseKey(pack: PackFile, offset: number): number | undefined {
    let n = this.packNumbers.get(pack);
    if (n === undefined) this.packNumbers.set(pack, (n = this.packNumbers.size));
    return n < 8192 && offset < 2 ** 40 ? n * 2 ** 40 + offset : undefined;
  }
}

function mtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0; // vanished meanwhile: sorts last
  }
}
