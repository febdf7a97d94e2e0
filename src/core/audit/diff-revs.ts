import { compareStates, liveState, revState } from '../store/compare.js';
import type { Store } from '../store/open.js';
import { readStoreHead } from './store-head.js';
import type { FileDiff } from '../types.js';
import { syncIndexForRead } from './index-sync.js';
import type { IndexData } from './index-store.js';
import { resolveRev } from './revs.js';

/**
 * What `diff` shows: live files vs HEAD (no revision), live vs REV (one), or
 * REV vs REV (two), limited to root-relative `paths` ([] for all). `index`:
 * the store's index already read and current; read here when omitted.
 *
 * @example await diffRevs(store, ['HEAD~1', 'HEAD'], [], false)
 */
export async function diffRevs(store: Store, revs: string[], paths: string[], showSecrets: boolean, index?: IndexData): Promise<FileDiff[]> {
  const empty = { files: new Map(), load: () => Buffer.alloc(0) };
  if (revs.length === 0) {
    const head = readStoreHead(store.gitdir);
    return compareStates(store, head ? revState(store, head) : empty, liveState(store), { paths, showSecrets });
  }
  index ??= await syncIndexForRead(store);
  const a = revState(store, resolveRev(store, index, revs[0]!));
  const b = revs[1] ? revState(store, resolveRev(store, index, revs[1])) : liveState(store);
  return compareStates(store, a, b, { paths, showSecrets });
}
