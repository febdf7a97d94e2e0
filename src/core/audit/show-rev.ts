import { compareStates, revState } from '../store/compare.js';
import type { Store } from '../store/open.js';
import type { AuditEntry, FileDiff } from '../types.js';
import { damageWarning, syncIndexForRead } from './index-sync.js';
import type { IndexData } from './index-store.js';
import { lookupEntry } from './query.js';
import { resolveRev } from './revs.js';

/**
 * A change record and its diff against its first parent, as `show` prints it.
 * `warn` gets one line when the store is damaged, before anything that may
 * fail because of it. `index`: the store's index already read and current
 * (a long-running caller keeps one); read here when omitted.
 *
 * @example const { entry, diffs } = await showRev(store, 'HEAD', false)
 */
export async function showRev(store: Store, rev: string, showSecrets: boolean, warn: (line: string) => void = () => undefined, index?: IndexData): Promise<{ entry: AuditEntry; diffs: FileDiff[] }> {
  index ??= await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) warn(`${damage}\n`);
  const oid = resolveRev(store, index, rev);
  const entry = lookupEntry(store, index, oid);
  const empty = { files: new Map(), load: () => Buffer.alloc(0) };
  const parent = entry.parents[0];
  const diffs = compareStates(store, parent ? revState(store, parent) : empty, revState(store, oid), { showSecrets });
  return { entry, diffs };
}
