/**
 * A commit that changes no file (same tree as its parent): how cfgtrail
 * records events that are not config changes (a rollout's outcome), so that
 * `log`, `show` and native git's `%(trailers)` read them like any change.
 */
import type { Person, Trailer } from '../types.js';
import { storeLockOptions, withStoreLock } from './lock.js';
import type { Store } from './open.js';
import { writeSnapshotLocked } from './snapshot.js';

export interface RecordCommitOptions {
  title: string;
  body?: string;
  /** Trailers after the generated Change-Id, in order. */
  trailers: Trailer[];
  author: Person;
  /** ms since the epoch. @default Date.now */
  now?: () => number;
}

/**
 * Writes the record commit on the store's branch, holding the store lock.
 * @returns the new commit id
 * @example await writeRecordCommit(store, { title: 'rollout R-1: completed', trailers: [{ key: 'Rollout', value: 'R-1' }], author })
 */
export async function writeRecordCommit(store: Store, opts: RecordCommitOptions): Promise<string> {
  return withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    const r = await writeSnapshotLocked(store, new Map(), {
      title: opts.title,
      ...(opts.body ? { body: opts.body } : {}),
      trailers: opts.trailers,
      author: opts.author,
      ...(opts.now ? { now: opts.now } : {}),
      allowEmpty: true,
      keepTree: true,
      reflogMessage: `commit: ${opts.title}`,
    });
    return r.commit as string;
  });
}
