/**
 * A commit that changes no file (same tree as its parent): how cfgtrail
 * records events that are not config changes (a freeze, an unfreeze, a
 * rollout's or a drill's outcome), so that `log`, `show` and native git's
 * `%(trailers)` read them like any commit. They carry no Change-Id: they are
 * not changes, and nothing rolls them back.
 */
import type { Person, Trailer } from '../types.js';
import { CfgtrailError } from '../errors.js';
import { formatMessage } from '../record/message.js';
import { parseCommit, serializeCommit, signatureOf } from '../git/commit.js';
import { writeLooseObject } from '../git/objects.js';
import { moveBranch } from '../git/refs.js';
import { readStoreHead, storeHeadRefName } from '../audit/store-head.js';
import { buildRecord, recordSettings } from '../audit/record.js';
import { appendLines, recordLine } from '../audit/index-store.js';
import { indexTailAt } from './snapshot.js';
import { storeLockOptions, withStoreLock } from './lock.js';
import type { Store } from './open.js';

/** A commit that records an event, not a change of files. */
export interface RecordCommitOptions {
  title: string;
  body?: string;
  trailers: Trailer[];
  author: Person;
  /** ms since the epoch. @default Date.now */
  now?: () => number;
  /** What the reflog says, e.g. `freeze: <reason>`. @default `commit: TITLE` */
  reflogMessage?: string;
}

/**
 * Records an event as a commit on the store's branch whose tree is HEAD's
 * tree (no file changes) and whose message carries `trailers` and no
 * Change-Id; the audit index gets its line. The caller holds the store lock.
 * @throws CfgtrailError NOTHING_TO_DO when the store has no snapshot yet
 * @example const oid = writeRecordCommitLocked(store, { title: 'freeze: incident', trailers, author })
 */
export function writeRecordCommitLocked(store: Store, opts: RecordCommitOptions): string {
  const head = readStoreHead(store.gitdir);
  if (!head) throw new CfgtrailError('NOTHING_TO_DO', 'the store has no snapshot yet: take one first (cfgtrail snapshot)', {});
  const tail = indexTailAt(store, head, undefined);
  const tree = parseCommit(store.objects.read(head).content).tree;
  const message = formatMessage({ title: opts.title, body: opts.body, trailers: opts.trailers });
  const when = Math.floor((opts.now ?? Date.now)() / 1000);
  const who = signatureOf(opts.author, when);
  const commit = writeLooseObject(store.gitdir, 'commit', serializeCommit({ tree, parents: [head], author: who, committer: who, message }));
  moveBranch(store.gitdir, storeHeadRefName(store.gitdir) ?? 'refs/heads/main', { old: head, new: commit, who, message: opts.reflogMessage ?? `commit: ${opts.title}` });
  const record = buildRecord(store.objects, commit, recordSettings(store.settings));
  appendLines(store.gitdir, tail, commit, recordLine(record));
  return commit;
}

/**
 * {@link writeRecordCommitLocked}, taking the store lock for it.
 * @returns the new commit id
 * @example await writeRecordCommit(store, { title: 'rollout R-1: completed', trailers: [{ key: 'Rollout', value: 'R-1' }], author })
 */
export async function writeRecordCommit(store: Store, opts: RecordCommitOptions): Promise<string> {
  return withStoreLock(store.gitdir, storeLockOptions(store), async () => writeRecordCommitLocked(store, opts));
}
