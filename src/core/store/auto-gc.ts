import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packStore } from '../git/gc.js';

/** Packs beyond this many are merged into one by a full repack. */
const MAX_PACKS = 20;

/**
 * Keeps the store packed as snapshots accumulate (snapshots write only loose
 * objects: 10,000 commits would be ~200 MB). Every `every` commits the
 * loose objects go into one more delta-compressed pack; when packs pile up
 * they are merged. The caller holds the store lock.
 */
export async function autoPack(gitdir: string, commitCount: number, every: number): Promise<void> {
  if (every <= 0 || commitCount % every !== 0) return;
  const packs = countPacks(gitdir);
  await packStore(gitdir, { incremental: packs < MAX_PACKS });
}

function countPacks(gitdir: string): number {
  try {
    return readdirSync(join(gitdir, 'objects', 'pack')).filter((f) => f.endsWith('.idx')).length;
  } catch {
    return 0; // no pack directory yet
  }
}
