/**
 * Packs a whole object database into one delta-compressed pack. Nothing is
 * dropped (unreachable objects are packed too), and old objects are removed
 * only after the new pack has been written, indexed and read back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CfgtrailError } from '../errors.js';
import { parseCommit } from './commit.js';
import { listLooseOids, openObjectStore, type ObjectStore } from './objects.js';
import { tagTarget } from './oid.js';
import { dropStaleCaches, isKeptPack, listPackIdx, looseBytes, packBytes, packDir, removePack } from './pack-files.js';
import { readIdxOids } from './pack-read.js';
import { deltaSourceFromPacks } from './pack-reuse.js';
import { writePack } from './pack-write.js';
import { readRefTips } from './refs.js';
import { parseTree } from './tree.js';

export interface PackStoreOptions {
  /** Clock in ms, to tell stale temp files of an interrupted run. @default Date.now */
  now?: () => number;
  /**
   * Pack only the loose objects into one more pack and leave existing packs
   * alone: cheap enough to run after every Nth snapshot. @default false
   */
  incremental?: boolean;
}

/** Temp packs older than this are leftovers of an interrupted run. */
const STALE_TMP_MS = 60 * 60 * 1000;

export interface PackStoreResult {
  looseBefore: number;
  packedObjects: number;
  packsBefore: number;
  packsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Set when repacking everything would have made the store bigger: old packs were kept, only loose objects packed. */
  keptLayout?: boolean;
}

/**
 * Walks commits and trees from the ref tips, giving each tree/blob the first
 * path it is seen at. A full walk (no `only`) lists reachable objects the
 * store lacks in `missing`.
 */
export function collectPathHints(store: ObjectStore, tips: string[], only?: Set<string>, missing?: string[]): Map<string, string> {
  const hints = new Map<string, string>();
  const seen = new Set<string>();
  const stack = [...tips];
  const absent = (oid: string): boolean => {
    if (store.has(oid)) return false;
    if (!only) missing?.push(oid);
    return true;
  };
  const walkTree = (oid: string, dir: string): void => {
    if (hints.has(oid) || (only && !only.has(oid)) || absent(oid)) return;
    hints.set(oid, dir);
    for (const e of parseTree(store.read(oid).content)) {
      const p = dir ? `${dir}/${e.path}` : e.path;
      if (e.mode === '40000') walkTree(e.oid, p);
      else if (e.mode !== '160000' && !hints.has(e.oid) && !absent(e.oid)) hints.set(e.oid, p);
    }
  };
  while (stack.length) {
    const oid = stack.pop()!;
    // An incremental pack walks only the new (loose) part of history.
    if (seen.has(oid) || (only && !only.has(oid)) || absent(oid)) continue;
    seen.add(oid);
    const obj = store.read(oid);
    if (obj.type === 'tag') {
      const target = tagTarget(obj.content);
      if (target) stack.push(target);
    } else if (obj.type === 'commit') {
      const c = parseCommit(obj.content);
      walkTree(c.tree, '');
      stack.push(...c.parents);
    } else if (obj.type === 'tree') {
      walkTree(oid, '');
    }
  }
  return hints;
}

/** Reads every object back from the new pack alone (fresh store, hash-checked). */
function verifyPack(gitdir: string, idxPath: string, oids: string[]): void {
  const fresh = openObjectStore(gitdir, { onlyPacks: [idxPath] });
  try {
    for (const oid of oids) fresh.read(oid);
  } catch (e) {
    throw new CfgtrailError('CORRUPT_STORE', `new pack ${idxPath} does not read back: ${(e as Error).message}`, { idxPath }, { cause: e });
  } finally {
    fresh.close();
  }
}

function removeStaleTemp(gitdir: string, now: number): void {
  const dir = packDir(gitdir);
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (f.startsWith('tmp_pack_') && now - fs.statSync(p).mtimeMs > STALE_TMP_MS) fs.rmSync(p, { force: true });
  }
}

function removeLoose(gitdir: string, loose: string[]): void {
  for (const oid of loose) fs.rmSync(path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), { force: true });
  for (const sub of new Set(loose.map((o) => o.slice(0, 2)))) {
    try {
      fs.rmdirSync(path.join(gitdir, 'objects', sub));
    } catch {
      // not empty (an object written meanwhile): keep the directory
    }
  }
}

interface RepackPlan {
  loose: string[];
  /** Packs whose objects go into the new pack and which are then removed. */
  replaced: string[];
  /** Objects of kept packs: never copied (git's --honor-pack-keep). */
  keptOids: Set<string>;
  incremental: boolean;
  /** Every pack before the run: a new pack may get an old one's name (same objects, same bytes). */
  before: string[];
}

/**
 * Writes the plan's objects as one verified pack and removes what it replaces.
 * Returns undefined, with nothing changed, when the new pack would take more
 * disk space than what it replaces (the store never grows by a gc).
 */
function repack(gitdir: string, store: ObjectStore, plan: RepackPlan): { count: number } | undefined {
  const all = new Set(plan.loose.filter((o) => !plan.keptOids.has(o)));
  for (const idx of plan.replaced) for (const oid of readIdxOids(idx)) if (!plan.keptOids.has(oid)) all.add(oid);
  if (all.size === 0) return { count: 0 };
  const oids = [...all];
  const missing: string[] = [];
  const pathHints = collectPathHints(store, readRefTips(gitdir), plan.incremental ? all : undefined, missing);
  if (missing.length > 0) {
    // As git repack: a store whose history lacks objects is not repacked (nothing is removed); fsck says more.
    throw new CfgtrailError(
      'CORRUPT_STORE',
      `the store is damaged: ${missing.length} object(s) reachable from its refs are missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}); nothing was packed or removed: run cfgtrail fsck`,
      { missing },
    );
  }
  const reuse = deltaSourceFromPacks(plan.replaced);
  let written: { idxPath: string; count: number };
  try {
    written = writePack(gitdir, oids, store, { pathHints, reuseDeltas: reuse.source });
  } finally {
    reuse.close();
  }
  const { idxPath, count } = written;
  const isNew = !plan.before.includes(idxPath);
  try {
    verifyPack(gitdir, idxPath, oids);
  } catch (e) {
    if (isNew) removePack(idxPath);
    throw e;
  }
  const replacedBytes = plan.replaced.reduce((n, i) => n + packBytes(i), 0) + plan.loose.reduce((n, o) => n + looseBytes(gitdir, o), 0);
  if (isNew && packBytes(idxPath) > replacedBytes) {
    removePack(idxPath);
    return undefined;
  }
  store.close();
  removeLoose(gitdir, plan.loose);
  const removed = plan.replaced.filter((i) => i !== idxPath);
  for (const idx of removed) removePack(idx);
  if (removed.length) dropStaleCaches(gitdir);
  return { count };
}

/**
 * Repacks every loose and packed object of `gitdir` into one new pack, then
 * removes the loose objects and old packs, as `git repack -a -d -l` does:
 * kept packs (`.keep`, `.promisor`) stay as they are, objects of alternate
 * stores are not copied, and a removed pack takes its companion files and the
 * multi-pack-index with it. When the new pack would be bigger than the packs
 * it replaces (their deltas were better), only the loose objects are packed.
 * The caller holds the store lock.
 */
export async function packStore(gitdir: string, opts: PackStoreOptions = {}): Promise<PackStoreResult> {
  removeStaleTemp(gitdir, (opts.now ?? Date.now)());
  const loose = listLooseOids(gitdir);
  const oldIdx = listPackIdx(gitdir);
  const storeBytes = (l: string[], packs: string[]): number =>
    l.reduce((n, o) => n + looseBytes(gitdir, o), 0) + packs.reduce((n, i) => n + packBytes(i), 0);
  const bytesBefore = storeBytes(loose, oldIdx);
  const kept = oldIdx.filter(isKeptPack);
  const keptOids = new Set(kept.flatMap((i) => readIdxOids(i)));
  const replaceable = opts.incremental ? [] : oldIdx.filter((i) => !kept.includes(i));
  const base = { looseBefore: loose.length, packsBefore: oldIdx.length, bytesBefore };
  const store = openObjectStore(gitdir);
  try {
    const plan = { loose, replaced: replaceable, keptOids, incremental: !!opts.incremental, before: oldIdx };
    let done = repack(gitdir, store, plan);
    const keptLayout = !done;
    if (!done) done = repack(gitdir, store, { ...plan, replaced: [], incremental: true });
    const packs = listPackIdx(gitdir);
    const bytesAfter = storeBytes(listLooseOids(gitdir), packs);
    return { ...base, packedObjects: done?.count ?? 0, packsAfter: packs.length, bytesAfter, ...(keptLayout ? { keptLayout } : {}) };
  } finally {
    store.close();
  }
}
