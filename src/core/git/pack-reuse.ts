/**
 * Deltas already in the packs a repack replaces, offered to the pack writer
 * for reuse as `git pack-objects` does without `-f`: a pack made by
 * `git gc --aggressive` (window 250, chains of any depth) keeps its deltas
 * instead of being redone with our smaller window.
 */
import { openPack, type PackFile } from './pack-read.js';

/** A delta of an object against another object, as found in an old pack. */
export interface ReusableDelta {
  baseOid: string;
  /** The inflated delta (git's delta format). */
  delta: Buffer;
}

/** Looks up the stored delta of an object; undefined when it is stored whole or not in these packs. */
export type DeltaSource = (oid: string) => ReusableDelta | undefined;

export interface PackDeltaSource {
  source: DeltaSource;
  close(): void;
}

/**
 * Indexes the entries of `idxPaths` (the first pack holding an object wins)
 * and reads a delta only when the writer asks for it.
 * @example const { source, close } = deltaSourceFromPacks(oldIdx); writePack(gitdir, oids, store, { reuseDeltas: source }); close();
 */
export function deltaSourceFromPacks(idxPaths: string[]): PackDeltaSource {
  const packs: PackFile[] = [];
  const where = new Map<string, { pack: number; offset: number }>();
  const oidAt: Map<number, string>[] = [];
  try {
    for (const idxPath of idxPaths) {
      const pack = openPack(idxPath);
      const n = packs.push(pack) - 1;
      const byOffset = new Map<number, string>();
      for (let i = 0; i < pack.index.count; i++) {
        const oid = pack.index.oidAt(i);
        const offset = pack.index.offsetAt(i);
        byOffset.set(offset, oid);
        if (!where.has(oid)) where.set(oid, { pack: n, offset });
      }
      oidAt.push(byOffset);
    }
  } catch (e) {
    for (const p of packs) p.close();
    throw e;
  }
  const source: DeltaSource = (oid) => {
    const at = where.get(oid);
    if (!at) return undefined;
    const entry = packs[at.pack]!.readEntry(at.offset);
    if (entry.kind === 'full') return undefined;
    const baseOid = entry.kind === 'ref' ? entry.baseOid : oidAt[at.pack]!.get(entry.baseOffset);
    // a copy: zlib's result is a view into a 16 KiB chunk, and the writer keeps every reused delta until written
    return baseOid ? { baseOid, delta: Buffer.from(entry.data) } : undefined;
  };
  return { source, close: () => { for (const p of packs) p.close(); } };
}
