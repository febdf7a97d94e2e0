/**
 * HEAD as every command above the git layer reads it: git/refs' readHead,
 * with the head the audit index records as its hint (a ref the index names
 * a head for existed, and a damaged ref's message offers that head).
 */
import { headRefName, readHead } from '../git/refs.js';
import type { HeadHint } from '../git/ref-damage.js';
import { indexedHead } from './index-store.js';

/** The audit index's head as a hint for the git layer's ref reading. */
export const INDEX_HEAD_HINT: HeadHint = { source: 'the cfgtrail index', read: indexedHead };

/**
 * HEAD's commit, null for a new store.
 * @throws CfgtrailError CORRUPT_STORE for a damaged HEAD or branch ref (see readHead)
 * @example readStoreHead(store.gitdir) // '3f2a9c1e…'
 */
export function readStoreHead(gitdir: string): string | null {
  return readHead(gitdir, INDEX_HEAD_HINT);
}

/**
 * The branch HEAD names, null when detached.
 * @example storeHeadRefName(store.gitdir) // 'refs/heads/main'
 */
export function storeHeadRefName(gitdir: string): string | null {
  return headRefName(gitdir, INDEX_HEAD_HINT);
}
