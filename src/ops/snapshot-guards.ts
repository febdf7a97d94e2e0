/**
 * Checks a snapshot goes through before it is recorded, shared by every front
 * end: Depends-On ids are resolved against the store, and a snapshot is
 * refused while a rollback is half done. Warnings are lines given to `warn`.
 */
import { CfgtrailError, isCfgtrailError } from '../core/errors.js';
import { syncIndexForRead } from '../core/audit/index-sync.js';
import { resolveChangeId } from '../core/audit/revs.js';
import type { Store } from '../core/store/open.js';
import type { Trailer } from '../core/types.js';
import { describePending, pendingRollback } from './rollback/pending.js';

/**
 * Depends-On ids as the store knows them: a unique prefix becomes the whole
 * Change-Id; an id no change has is recorded with a warning (it may name a
 * change in another store), or refused when `strict`. An ambiguous prefix is
 * always refused.
 *
 * @example await resolveDependsOn(store, [{ key: 'Depends-On', value: 'I1111' }], false, console.error)
 */
export async function resolveDependsOn(store: Store, trailers: Trailer[], strict: boolean, warn: (line: string) => void): Promise<Trailer[]> {
  if (!trailers.some((t) => t.key === 'Depends-On')) return trailers;
  const index = await syncIndexForRead(store);
  return trailers.map((t) => {
    if (t.key !== 'Depends-On') return t;
    try {
      return { key: t.key, value: resolveChangeId(index, t.value) };
    } catch (e) {
      if (strict || !isCfgtrailError(e, 'UNKNOWN_CHANGE_ID')) throw e;
      warn(`warning: --depends-on ${t.value}: no change in this store has that Change-Id (recorded as given; --strict refuses)\n`);
      return t;
    }
  });
}

/**
 * A snapshot taken while a rollback is half done would record a mix of old
 * and new files as an ordinary change: refused unless `force`.
 *
 * @throws CfgtrailError REFUSED while a rollback is pending and `force` is false
 */
export function refuseWhilePending(store: Store, force: boolean, warn: (line: string) => void): void {
  const pending = pendingRollback(store);
  if (!pending) return;
  if (!force) throw new CfgtrailError('REFUSED', `not recording a snapshot: ${describePending(pending)} (or snapshot anyway with --force)`, {});
  warn(`warning: ${describePending(pending)}; recording the snapshot anyway (--force)\n`);
}
