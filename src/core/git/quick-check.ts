/**
 * A check cheap enough for every audit query (a few file reads, no walk):
 * does HEAD's commit still read, and does every pack still end in the
 * checksum its .idx recorded? It catches a damaged HEAD commit and a
 * truncated or overwritten pack, which a query answered from the derived
 * index would otherwise hide. `cfgtrail fsck` is the thorough check.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ObjectStore } from './objects.js';

/**
 * What is wrong, in a few words, or null when nothing was seen.
 * @example quickDamageCheck(gitdir, store.objects, index.head) // 'object 1a2b…: content does not match its hash'
 */
export function quickDamageCheck(gitdir: string, objects: ObjectStore, head: string | null): string | null {
  if (head) {
    try {
      objects.read(head);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  return damagedPack(gitdir);
}

/** The first pack whose last 20 bytes are not the pack checksum its .idx holds. */
function damagedPack(gitdir: string): string | null {
  const dir = path.join(gitdir, 'objects', 'pack');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null; // no pack directory: no packs
  }
  for (const idx of names.filter((n) => /^pack-[0-9a-f]+\.idx$/.test(n))) {
    const pack = idx.replace(/\.idx$/, '.pack');
    const idxTail = tail(path.join(dir, idx), 40);
    const actual = tail(path.join(dir, pack), 20);
    // Files that vanished meanwhile belong to a pack a concurrent gc replaced.
    if (idxTail === undefined || (actual === undefined && !fs.existsSync(path.join(dir, idx)))) continue;
    if (!idxTail || !actual || !idxTail.subarray(0, 20).equals(actual)) return `objects/pack/${pack} is truncated or damaged`;
  }
  return null;
}

/** The last `n` bytes of a file; null when shorter or unreadable, undefined when it is gone. */
function tail(file: string, n: number): Buffer | null | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < n + 12) return null;
    const buf = Buffer.alloc(n);
    return fs.readSync(fd, buf, 0, n, size - n) === n ? buf : null;
  } finally {
    fs.closeSync(fd);
  }
}
