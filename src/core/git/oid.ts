/**
 * Object ids and the one object kind that points at another (annotated tags):
 * one definition of what a full SHA-1 id looks like, used by refs, reflogs,
 * commits, gc and revision lookup alike.
 */
import type { GitObject } from './git-object.js';

/** What peeling needs of an object store (an ObjectStore is one). */
export interface ObjectReader {
  read(oid: string): GitObject;
}

/** A full SHA-1 object id, as a pattern to build line regexes from. */
export const OID_HEX = '[0-9a-f]{40}';

/** A whole string that is a full object id. @example OID_RE.test('0'.repeat(40)) // true */
export const OID_RE = new RegExp(`^${OID_HEX}$`);

/** The object an annotated tag names (its first header), or null when the tag says none. */
export function tagTarget(content: Buffer): string | null {
  return new RegExp(`^object (${OID_HEX})`).exec(content.toString('latin1'))?.[1] ?? null;
}

/**
 * Follows annotated tags (at most 10) from `oid` to the commit they name;
 * null when the chain ends at something other than a commit.
 */
export function peelToCommit(objects: ObjectReader, oid: string): string | null {
  let cur = oid;
  for (let i = 0; i < 10; i++) {
    const obj = objects.read(cur);
    if (obj.type === 'commit') return cur;
    if (obj.type !== 'tag') return null;
    const next = tagTarget(obj.content);
    if (!next) return null;
    cur = next;
  }
  return null;
}
