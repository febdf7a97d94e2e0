import { CfgtrailError } from '../errors.js';
import type { FileStatus, Person, Trailer } from '../types.js';
import { formatMessage } from '../record/message.js';
import { generateChangeId } from '../record/change-id.js';
import { parseCommit, serializeCommit, signatureOf } from '../git/commit.js';
import { writeLooseObject } from '../git/objects.js';
import { moveBranch } from '../git/refs.js';
import { readStoreHead, storeHeadRefName } from '../audit/store-head.js';
import { parseConfig } from '../diff/parse-config.js';
import type { PieceMemo } from '../diff/chunked-yaml.js';
import { buildRecord, flatTree, recordSettings, recordSettingsKey, parseCacheKey, type FlatTree, type ParseCache } from '../audit/record.js';
import { appendLines, changeIdIndexed, readIndexTail, recordLine, tailOf, type IndexTail } from '../audit/index-store.js';
import { syncIndex } from '../audit/index-sync.js';
import { storeLockOptions, withStoreLock } from './lock.js';
import { autoPack } from './auto-gc.js';
import type { LiveFile } from './scan.js';
import { liveFiles } from './compare.js';
import { writeLiveTree } from './snapshot-tree.js';
import type { Store } from './open.js';

export interface SnapshotOptions {
  title: string;
  body?: string;
  changeId?: string;
  /** Change-record trailers other than Change-Id, in order. */
  trailers: Trailer[];
  author: Person;
  committer?: Person;
  /** ms since the epoch. @default Date.now */
  now?: () => number;
  /** Minutes east of UTC for the commit dates. @default the machine's */
  tzOffset?: number;
  allowEmpty?: boolean;
  /** Refuse the snapshot when a YAML/JSON file does not parse. */
  strict?: boolean;
  /** Called holding the store lock before anything is read for the commit; throws to refuse (e.g. a rollback is pending). */
  check?: () => void | Promise<void>;
  /**
   * What the reflog says moved HEAD, as git words it.
   * @default `commit (initial): TITLE`, `commit: TITLE`, or `rollback: TITLE` for a commit with a Rollback-To trailer
   */
  reflogMessage?: string;
}

export interface ParseWarning {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface SnapshotResult {
  commit: string | null;
  changeId: string | null;
  files: { path: string; status: FileStatus }[];
  warnings: ParseWarning[];
}

/**
 * Records the live config directory as one commit whose message carries the
 * change record as git trailers. Returns `commit: null` when nothing changed
 * (and `allowEmpty` is off).
 */
export async function writeSnapshot(store: Store, opts: SnapshotOptions): Promise<SnapshotResult> {
  // Parse outside the lock: a big YAML file must not hold up other writers.
  const early = liveFiles(store);
  // Trees read and files parsed here are not read or parsed again for the index record.
  const caches: SnapshotCaches = { parseCache: new Map(), treeCache: new Map(), memo: new Map() };
  const warnings = parseWarnings(store, early, readStoreHead(store.gitdir), caches);
  failIfStrict(warnings, opts);
  return withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    await opts.check?.();
    // Scan again under the lock: while this command waited, another may have
    // committed, and the files may have changed since the first scan.
    const live = liveFiles(store, { removeTemps: true });
    const final = parseWarnings(store, live, readStoreHead(store.gitdir), caches);
    failIfStrict(final, opts);
    return writeSnapshotLocked(store, live, opts, final, caches);
  });
}

function failIfStrict(warnings: ParseWarning[], opts: SnapshotOptions): void {
  if (warnings.length > 0 && opts.strict) {
    const w = warnings[0]!;
    throw new CfgtrailError('PARSE_ERROR', `${w.file}:${w.line}:${w.col}: ${w.message} (--strict: nothing stored)`, { warnings });
  }
}

/** Parsed files and flattened trees, shared by the warning passes and the index record. */
interface SnapshotCaches {
  parseCache: ParseCache;
  treeCache: Map<string, FlatTree>;
  /** Pieces of large YAML files: the index record's parse of the previous version reuses the new one's. */
  memo?: PieceMemo;
}

/**
 * The snapshot itself, for callers that already hold the store lock (a
 * rollback records the drift and then its own commit this way); taking the
 * lock already made the store private (withStoreLock).
 */
export async function writeSnapshotLocked(
  store: Store,
  live: Map<string, LiveFile>,
  opts: SnapshotOptions,
  warnings: ParseWarning[] = [],
  caches: SnapshotCaches = { parseCache: new Map(), treeCache: new Map() },
): Promise<SnapshotResult> {
  const head = readStoreHead(store.gitdir);
  const tail = indexTailAt(store, head, opts.changeId);
  const changeId = opts.changeId ?? generateChangeId();
  const parentTree = head ? parseCommit(store.objects.read(head).content).tree : null;
  const tree = await writeLiveTree(store.gitdir, live, (oid) => store.objects.has(oid));
  if (tree === parentTree && !opts.allowEmpty) return { commit: null, changeId: null, files: [], warnings };
  const message = formatMessage({ title: opts.title, body: opts.body, trailers: [{ key: 'Change-Id', value: changeId }, ...opts.trailers] });
  const when = Math.floor((opts.now ?? Date.now)() / 1000);
  const committer = signatureOf(opts.committer ?? opts.author, when, opts.tzOffset);
  const body = serializeCommit({ tree, parents: head ? [head] : [], author: signatureOf(opts.author, when, opts.tzOffset), committer, message });
  // Written like the blobs and trees (see writeLiveTree): atomically, native zlib.
  const commit = writeLooseObject(store.gitdir, 'commit', body);
  // readHead above has refused a damaged HEAD or branch: a root commit here starts a new store.
  moveBranch(store.gitdir, storeHeadRefName(store.gitdir) ?? 'refs/heads/main', { old: head, new: commit, who: committer, message: reflogMessage(opts, head) });
  const record = buildRecord(store.objects, commit, { ...recordSettings(store.settings), ...caches });
  const updated = appendLines(store.gitdir, tail, commit, recordLine(record));
  await autoPack(store.gitdir, updated.count, store.settings.gcEvery);
  return { commit, changeId, files: record.files, warnings };
}

/** git's wording: `commit (initial): Title`, `commit: Title`; a rollback's commit says so. */
function reflogMessage(opts: SnapshotOptions, head: string | null): string {
  if (opts.reflogMessage !== undefined) return opts.reflogMessage;
  if (opts.trailers.some((t) => t.key.toLowerCase() === 'rollback-to')) return `rollback: ${opts.title}`;
  return `${head ? 'commit' : 'commit (initial)'}: ${opts.title}`;
}

/**
 * The index, caught up with HEAD, ready for one more line. A Change-Id given
 * by the user is checked against the whole index; a generated one (64 random
 * bits) is not, which spares reading the index on every snapshot.
 */
export function indexTailAt(store: Store, head: string | null, givenChangeId: string | undefined): IndexTail {
  const tail = givenChangeId === undefined ? readIndexTail(store.gitdir) : null;
  if (tail && tail.head === head && tail.settings === recordSettingsKey(store.settings)) return tail;
  const index = syncIndex(store, { persist: true });
  if (givenChangeId !== undefined && changeIdIndexed(index, givenChangeId)) {
    throw new CfgtrailError('DUPLICATE_CHANGE_ID', `Change-Id ${givenChangeId} is already used in this store`, { changeId: givenChangeId });
  }
  return tailOf(index); // saved by syncIndex: it is what head.json now says
}

/**
 * YAML/JSON files that changed since `head` and do not parse. Each version
 * is parsed once into `cache`, which a second pass and the index record reuse.
 */
function parseWarnings(store: Store, live: Map<string, LiveFile>, head: string | null, caches: SnapshotCaches): ParseWarning[] {
  const cache = caches.parseCache;
  const before = head ? flatTree(store.objects, parseCommit(store.objects.read(head).content).tree, caches) : new Map();
  const out: ParseWarning[] = [];
  for (const [path, f] of live) {
    // a file over diff_max_bytes is never parsed: it is diffed as a summary
    if (before.get(path)?.oid === f.oid || f.mode === '120000' || f.content.length > store.settings.diffMaxBytes) continue;
    const key = parseCacheKey(f.oid, path);
    if (!cache.has(key)) cache.set(key, parseConfig(path, f.content, { schema: store.settings.yamlSchema, memo: caches.memo }));
    const parsed = cache.get(key);
    if (parsed && !parsed.ok) out.push({ file: path, ...parsed.error });
  }
  return out;
}

