/**
 * The store holds every version of every file, a 0600 `.env` included, as
 * objects anyone who can enter the store can inflate. So the store directory
 * is 0700: everything under it (objects, packs, index, notes, journal, temp
 * files) is then out of other users' reach whatever its own mode.
 */
import { chmodSync, statSync } from 'node:fs';
import { parseCommit } from '../git/commit.js';
import type { ObjectStore } from '../git/objects.js';
import { parseTree } from '../git/tree.js';
import { META_FILE, parseMeta } from './meta.js';

/** The store directory's mode: its owner only. */
export const STORE_DIR_MODE = 0o700;

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/**
 * Before a write: one stat of the store directory; when group or others may
 * enter it, it is made 0700 and `onNote` says so. Not the owner (chmod
 * refused): `onNote` says what to run instead; the write goes on.
 * @example ensurePrivateStore(store.gitdir, store.onNote)
 */
export function ensurePrivateStore(gitdir: string, onNote?: (message: string) => void): void {
  let mode: number;
  try {
    mode = statSync(gitdir).mode;
  } catch {
    return; // no store directory: the write itself says so
  }
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(gitdir, STORE_DIR_MODE);
    onNote?.(`the store ${gitdir} was open to other users (mode ${octal(mode)}); it is now ${octal(STORE_DIR_MODE)}, as its files' old versions are readable from it`);
  } catch (e) {
    onNote?.(`the store ${gitdir} is open to other users (mode ${octal(mode)}) and could not be made ${octal(STORE_DIR_MODE)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run: chmod 700 ${gitdir}`);
  }
}

/**
 * fsck's check: the store is more open than the most private file it holds
 * (per each commit's `.cfgtrail-meta`) when group or others may enter it and
 * some file denies them reading. Null when it is not (or nothing says so).
 * @example storeExposure(gitdir, objects, history) // "mode 0755 lets other users read old versions of .env (0600) ..."
 */
export function storeExposure(gitdir: string, objects: ObjectStore, commits: Iterable<string>): string | null {
  let mode: number;
  try {
    mode = statSync(gitdir).mode;
  } catch {
    return null; // no store directory: fsck reports what is missing
  }
  const others = (mode & 0o001) !== 0;
  const group = (mode & 0o010) !== 0;
  if (!others && !group) return null;
  const seen = new Set<string>();
  for (const commit of commits) {
    const meta = metaBlob(objects, commit);
    if (!meta || seen.has(meta)) continue;
    seen.add(meta);
    for (const [path, m] of parseMeta(objects.read(meta).content.toString('utf8'))) {
      if (m.perm === undefined) continue;
      const who = others && (m.perm & 0o004) === 0 ? 'other users' : group && (m.perm & 0o040) === 0 ? 'its group' : null;
      if (who) {
        return `the store's mode ${octal(mode)} lets ${who} read every recorded version of ${path} (${octal(m.perm)}); run: chmod 700 ${gitdir} (the next snapshot or rollback does it)`;
      }
    }
  }
  return null;
}

/** The `.cfgtrail-meta` blob of a commit's top tree, or null. */
function metaBlob(objects: ObjectStore, commit: string): string | null {
  try {
    const tree = parseCommit(objects.read(commit).content).tree;
    return parseTree(objects.read(tree).content).find((e) => e.path === META_FILE)?.oid ?? null;
  } catch {
    return null; // unreadable: fsck's object pass reports it
  }
}
