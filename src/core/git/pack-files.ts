/**
 * The files of `objects/pack/` besides packs and their indexes, handled the
 * way `git repack -d` does: a pack goes with all its companions, kept packs
 * stay, and caches that name removed packs (multi-pack-index, its bitmap and
 * reverse index) are dropped, since git trusts them blindly.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Files git keeps beside `pack-X.pack`, removed with it (`.idx` first, see removePack). */
const COMPANIONS = ['.pack', '.rev', '.bitmap', '.mtimes', '.promisor'];

export function packDir(gitdir: string): string {
  return path.join(gitdir, 'objects', 'pack');
}

/** The name of a pack index in `objects/pack/`. */
export const PACK_IDX_NAME = /^pack-[0-9a-f]+\.idx$/;

/** Every `pack-*.idx` of the store (full paths). */
export function listPackIdx(gitdir: string): string[] {
  const dir = packDir(gitdir);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => PACK_IDX_NAME.test(f)).map((f) => path.join(dir, f));
}

const stem = (idx: string): string => idx.replace(/\.idx$/, '');

/**
 * Whether gc must leave the pack alone: a `.keep` file (git never repacks or
 * deletes those) or a `.promisor` one (objects a partial clone's remote promised).
 */
export function isKeptPack(idx: string): boolean {
  return fs.existsSync(`${stem(idx)}.keep`) || fs.existsSync(`${stem(idx)}.promisor`);
}

/**
 * Disk space a file takes (whole blocks, as `du` counts): a 200-byte loose
 * object takes a 4 KiB block, which is what packing it saves.
 */
function diskBytes(p: string): number {
  try {
    const st = fs.statSync(p);
    return st.blocks ? st.blocks * 512 : st.size;
  } catch {
    return 0; // gone: counts as nothing
  }
}

/** Disk space a pack takes with its index (what a repack replaces). */
export function packBytes(idx: string): number {
  return diskBytes(idx) + diskBytes(`${stem(idx)}.pack`);
}

/** Disk space of a loose object file. */
export function looseBytes(gitdir: string, oid: string): number {
  return diskBytes(path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
}

/** Removes a pack: the idx first (a pack without its idx is invisible, never half-visible), then its companions. */
export function removePack(idx: string): void {
  fs.rmSync(idx, { force: true });
  for (const ext of COMPANIONS) fs.rmSync(stem(idx) + ext, { force: true });
}

/**
 * After packs were removed: drops the multi-pack-index with its bitmaps and
 * reverse indexes (they name the removed packs: `git fsck` fails on them) and
 * rewrites `objects/info/packs` if the store has one. Commit-graphs stay: they
 * list commits, not packs, and gc removes no object.
 */
export function dropStaleCaches(gitdir: string): void {
  const dir = packDir(gitdir);
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (f.startsWith('multi-pack-index')) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  }
  const infoPacks = path.join(gitdir, 'objects', 'info', 'packs');
  if (fs.existsSync(infoPacks)) {
    const lines = listPackIdx(gitdir).map((i) => `P ${path.basename(stem(i))}.pack\n`);
    const tmp = `${infoPacks}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${lines.join('')}\n`);
    fs.renameSync(tmp, infoPacks);
  }
}
