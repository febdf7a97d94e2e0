/**
 * `cfgtrail fsck`: the git layer's checks (objects, packs, refs,
 * reachability) plus the derived audit index against HEAD's history.
 * Read-only: it repairs nothing, so it is safe from cron while others write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fsckRepo, type FsckProblem } from '../git/fsck.js';
import { INDEX_HEAD_HINT } from '../audit/store-head.js';
import { eachLineSpanNewestFirst, INDEX_DIR, readIndex } from '../audit/index-store.js';
import type { StoreLocation } from './locate.js';
import { openObjectStore } from '../git/objects.js';
import { storeExposure } from './store-mode.js';

export type { FsckProblem } from '../git/fsck.js';

export interface FsckReport {
  ok: boolean;
  problems: FsckProblem[];
  /** Not damage (`ok` stays true), but worth acting on. */
  warnings: FsckProblem[];
  counts: { loose: number; packed: number; packs: number; refs: number; commits: number; indexed: number | null };
  head: string | null;
}

/**
 * Checks every object and pack of the store, its refs, that all history
 * reachable from them is present, and that the audit index agrees with HEAD.
 * Warns (without failing) when the store is more open than the most private file it holds.
 * @example const r = fsckStore(openStore('/etc/myapp')); if (!r.ok) console.log(r.problems)
 */
export function fsckStore(store: StoreLocation): FsckReport {
  const repo = fsckRepo(store.gitdir, INDEX_HEAD_HINT);
  const problems = [...repo.problems];
  // Against a damaged history the index cannot be judged: its own checksums still can.
  const indexed = checkIndex(store.gitdir, repo.problems.length === 0 ? repo.head : undefined, repo.headHistory, problems);
  const counts = { loose: repo.loose, packed: repo.packed, packs: repo.packs, refs: repo.refs, commits: repo.commits, indexed };
  const warnings = [...repo.warnings];
  const objects = openObjectStore(store.gitdir);
  try {
    const exposed = storeExposure(store.gitdir, objects, repo.headHistory);
    if (exposed) warnings.push({ kind: 'store', subject: store.gitdir, message: exposed });
  } finally {
    objects.close();
  }
  return { ok: problems.length === 0, problems, warnings, counts, head: repo.head };
}

/**
 * The index, when present, must pass its checksums and, when it says it is
 * at HEAD, list exactly HEAD's commits. An index behind HEAD (commits made by
 * native git) is not damage: the next command catches it up. `head`
 * undefined: history is damaged, only the checksums are checked.
 * @returns how many commits it lists, null without an index
 */
function checkIndex(gitdir: string, head: string | null | undefined, history: Set<string>, problems: FsckProblem[]): number | null {
  const dir = path.join(gitdir, INDEX_DIR);
  if (!fs.existsSync(path.join(dir, 'head.json')) && !fs.existsSync(path.join(dir, 'commits'))) return null;
  const index = readIndex(gitdir);
  const subject = `${INDEX_DIR}/`;
  if (!index) {
    problems.push({ kind: 'index', subject, message: 'fails its size or checksum check (the next log rebuilds it from git)' });
    return null;
  }
  if (head === undefined || index.head !== head) return index.count;
  const listed = new Set<string>();
  const bytes = index.bytes;
  eachLineSpanNewestFirst(bytes, (start) => {
    listed.add(bytes.toString('latin1', start, start + 40));
    return true;
  });
  const extra = [...listed].filter((oid) => !history.has(oid));
  const absent = [...history].filter((oid) => !listed.has(oid));
  if (extra.length > 0) problems.push({ kind: 'index', subject, message: `lists ${extra.length} commit(s) not in HEAD's history, e.g. ${extra[0]}` });
  if (absent.length > 0) problems.push({ kind: 'index', subject, message: `misses ${absent.length} commit(s) of HEAD's history, e.g. ${absent[0]}` });
  return index.count;
}
