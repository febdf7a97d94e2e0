/** A size-bounded cache of objects, for the object store. */
import type { GitObject } from './git-object.js';

/** A copy of `buf` in an allocation of exactly its size (Buffer.from would share an 8 KiB pool slab). */
function ownCopy(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(buf.length);
  buf.copy(out);
  return out;
}

/** Objects by key, up to a total content size; a full cache is emptied (simple, and refilled by use). */
export class ObjectCache<K = string> {
  private readonly map = new Map<K, GitObject>();
  private bytes = 0;

  constructor(private readonly limit: number) {}

  get(key: K): GitObject | undefined {
    return this.map.get(key);
  }

  set(key: K, obj: GitObject): void {
    const size = obj.content.length;
    if (this.map.has(key) || size > this.limit / 4) return;
    if (this.bytes + size > this.limit) this.clear();
    // zlib hands back views into its 16 KiB output chunks: a cached 100-byte tree
    // would keep a whole chunk alive, so such views are copied to memory of their own.
    const own = obj.content.buffer.byteLength > 2 * size + 64 ? { type: obj.type, content: ownCopy(obj.content) } : obj;
    this.map.set(key, own);
    this.bytes += size;
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}
