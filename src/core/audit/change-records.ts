import type { Store } from '../store/open.js';
import { compareStates, revState, type FileState } from '../store/compare.js';
import { resolveRev } from './revs.js';
import { readVerificationNote } from './verification-notes.js';
import { changeRecord } from '../record/change-record.js';
import { trailerValues } from '../record/trailers.js';
import { damageWarning, syncIndexForRead } from './index-sync.js';
import type { IndexData } from './index-store.js';
import { lookupEntry } from './query.js';
import { commitsInRevs } from './rev-range.js';
import { dependencyStates } from './dependency-state.js';
import { estimateRollback, rollbackMeasurements, type RollbackMeasurement } from './rollback-estimate.js';

/** Options of {@link changeRecords}. */
export interface ChangeRecordsOptions {
  /** Print values of secret-looking keys. @default false */
  showSecrets?: boolean;
  /** Gets one line when the store is damaged, before anything that may fail because of it. */
  warn?: (line: string) => void;
}

/**
 * The change records of `rev`: one for a revision, or every change of a
 * range `A..B` (in B's first-parent history, not in A's), oldest first, as a
 * release's change log lists them.
 * @throws CfgtrailError UNKNOWN_REV / AMBIGUOUS_REV / UNKNOWN_CHANGE_ID for a name that does not resolve
 * @example await changeRecords(store, 'v1.2..HEAD')
 */
export async function changeRecords(store: Store, rev: string, opts: ChangeRecordsOptions = {}): Promise<Record<string, unknown>[]> {
  const index = await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) opts.warn?.(`${damage}\n`);
  const oids = rev.includes('..') ? [...(commitsInRevs(store, index, [rev]) ?? [])].reverse() : [resolveRev(store, index, rev)];
  let measured: RollbackMeasurement[] | undefined;
  const measurements = () => (measured ??= rollbackMeasurements(store, index));
  return oids.map((oid) => recordOf(store, index, oid, Boolean(opts.showSecrets), measurements));
}

const EMPTY: FileState = { files: new Map(), load: () => Buffer.alloc(0) };

function recordOf(store: Store, index: IndexData, oid: string, showSecrets: boolean, measurements: () => RollbackMeasurement[]): Record<string, unknown> {
  const entry = lookupEntry(store, index, oid);
  const parent = entry.parents[0];
  const diffs = compareStates(store, parent ? revState(store, parent) : EMPTY, revState(store, oid), { showSecrets });
  const dependsOn = trailerValues(entry.trailers, 'Depends-On');
  return changeRecord(entry, {
    diffs,
    verification: readVerificationNote(store, oid),
    components: store.settings.components,
    dependencies: dependencyStates(index, dependsOn),
    rollbackEstimate: estimateRollback(store, measurements(), diffs.map((d) => d.file)),
  });
}
