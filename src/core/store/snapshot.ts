import fs from 'node:fs';
import { isoGit } from '../lazy.js';
import { CfgtrailError } from '../errors.js';
import type { FileStatus, Person, Trailer } from '../types.js';
import { formatMessage } from '../record/message.js';
import { generateChangeId } from '../record/change-id.js';
import { parseCommit } from '../repo/commit.js';
import { readHead, headRefName, writeRef } from '../repo/refs.js';
import { parseConfig } from '../diff/parse-config.js';
import { buildRecord, flatTree } from '../audit/record.js';
import { appendIndex, recordLine } from '../audit/index-store.js';
import { syncIndex } from '../audit/index-sync.js';
import { withStoreLock } from './lock.js';
import { autoPack } from './auto-gc.js';
import { scanLive, type LiveFile } from './scan.js';
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
  const settings = store.settings;
  const scan = () => scanLive(store.root, { include: settings.include, exclude: settings.exclude, gitdir: store.gitdir });
  // Parse outside the lock: a big YAML file must not hold up other writers.
  const early = scan();
  const checked = new Map<string, ParseWarning[]>();
  const warnings = parseWarnings(store, early, readHead(store.gitdir), checked);
  failIfStrict(warnings, opts);
  return withStoreLock(store.gitdir, { timeoutMs: settings.lockTimeoutMs }, async () => {
    // Scan again under the lock: while this command waited, another may have
    // committed, and the files may have changed since the first scan.
    const live = scan();
    const final = parseWarnings(store, live, readHead(store.gitdir), checked);
    failIfStrict(final, opts);
    return writeSnapshotLocked(store, live, opts, final);
  });
}

function failIfStrict(warnings: ParseWarning[], opts: SnapshotOptions): void {
  if (warnings.length > 0 && opts.strict) {
    const w = warnings[0]!;
    throw new CfgtrailError('PARSE_ERROR', `${w.file}:${w.line}:${w.col}: ${w.message} (--strict: nothing stored)`, { warnings });
  }
}

/**
 * The snapshot itself, for callers that already hold the store lock (a
 * rollback records the drift and then its own commit this way).
 */
export async function writeSnapshotLocked(
  store: Store,
  live: Map<string, LiveFile>,
  opts: SnapshotOptions,
  warnings: ParseWarning[] = [],
): Promise<SnapshotResult> {
  const index = syncIndex(store, { persist: true });
  const head = readHead(store.gitdir);
  const changeId = opts.changeId ?? generateChangeId();
  if (index.text.includes(`\t${changeId}\t`)) {
    throw new CfgtrailError('DUPLICATE_CHANGE_ID', `Change-Id ${changeId} is already used in this store`, { changeId });
  }
  const parentTree = head ? parseCommit(store.objects.read(head).content).tree : null;
  const tree = await writeLiveTree(store.gitdir, live, (oid) => store.objects.has(oid));
  if (tree === parentTree && !opts.allowEmpty) return { commit: null, changeId: null, files: [], warnings };
  const message = formatMessage({ title: opts.title, body: opts.body, trailers: [{ key: 'Change-Id', value: changeId }, ...opts.trailers] });
  const when = Math.floor((opts.now ?? Date.now)() / 1000);
  const tz = opts.tzOffset ?? -new Date(when * 1000).getTimezoneOffset();
  // isomorphic-git's timezoneOffset has JavaScript's sign (minutes behind UTC).
  const sig = (p: Person) => ({ name: p.name, email: p.email, timestamp: when, timezoneOffset: -tz });
  const commit = await isoGit().writeCommit({
    fs,
    gitdir: store.gitdir,
    commit: { message, tree, parent: head ? [head] : [], author: sig(opts.author), committer: sig(opts.committer ?? opts.author) },
  });
  writeRef(store.gitdir, headRefName(store.gitdir) ?? 'refs/heads/main', commit);
  const record = buildRecord(store.objects, commit, { schema: store.settings.yamlSchema });
  const updated = appendIndex(store.gitdir, index, commit, recordLine(record));
  await autoPack(store.gitdir, updated.count, store.settings.gcEvery);
  return { commit, changeId, files: record.files, warnings };
}

/**
 * YAML/JSON files that changed since `head` and do not parse. `checked`
 * (blob id → warnings) lets a second pass parse only what it has not seen.
 */
function parseWarnings(store: Store, live: Map<string, LiveFile>, head: string | null, checked: Map<string, ParseWarning[]>): ParseWarning[] {
  const before = head ? flatTree(store.objects, parseCommit(store.objects.read(head).content).tree) : new Map();
  const out: ParseWarning[] = [];
  for (const [path, f] of live) {
    if (before.get(path)?.oid === f.oid || f.mode === '120000') continue;
    const key = `${f.oid}\t${path}`;
    let found = checked.get(key);
    if (!found) {
      const parsed = parseConfig(path, f.content, { schema: store.settings.yamlSchema });
      found = parsed && !parsed.ok ? [{ file: path, ...parsed.error }] : [];
      checked.set(key, found);
    }
    out.push(...found);
  }
  return out;
}

