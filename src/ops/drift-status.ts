import { diffRevs } from '../core/audit/diff-revs.js';
import { readStoreHead } from '../core/audit/store-head.js';
import type { Store } from '../core/store/open.js';
import type { FileDiff } from '../core/types.js';
import { pendingRollback, type PendingRollback } from './rollback/pending.js';
import { currentFreeze, type FreezeState } from './freeze.js';

/** One drifted file as `status` reports it. */
export interface DriftFile {
  path: string;
  status: FileDiff['status'];
  /** Changed fields (0 for a file without field diffs). */
  fields: number;
  formattingOnly: boolean;
  /** The file's format, or `secret` for a secret file. */
  format: string;
  mode?: { from: string; to: string };
  link?: FileDiff['link'];
}

export interface DriftStatus {
  /** The last snapshot, or null when there is none. */
  head: string | null;
  diffs: FileDiff[];
  files: DriftFile[];
  /** An interrupted rollback, which a front end shows first (as git status shows a rebase). */
  pending: PendingRollback | null;
  /** The change freeze in effect, or null. */
  freeze: FreezeState | null;
}

/**
 * What changed in the live files since the last snapshot, and whether a
 * rollback was interrupted: everything `status` shows.
 *
 * @example const { head, files } = await driftStatus(store)
 */
export async function driftStatus(store: Store, now: () => number = Date.now): Promise<DriftStatus> {
  const head = readStoreHead(store.gitdir);
  const diffs = await diffRevs(store, [], [], false);
  const files = diffs.map((d) => ({
    path: d.file, status: d.status, fields: d.changes.length, formattingOnly: Boolean(d.formattingOnly), format: d.secret ? 'secret' : d.format,
    ...(d.fromMode !== undefined && d.toMode !== undefined ? { mode: { from: d.fromMode, to: d.toMode } } : {}),
    ...(d.link ? { link: d.link } : {}),
  }));
  return { head, diffs, files, pending: pendingRollback(store), freeze: currentFreeze(store, { now }) };
}
