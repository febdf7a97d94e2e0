/**
 * The error for a damaged HEAD or branch ref, with what a person needs to
 * repair it: the last head the reflog and the derived index know of, and the
 * native git commands that put it back. cfgtrail never goes on from such a
 * ref: read as "no snapshot yet", the next snapshot would start a new root
 * and leave all earlier history dangling.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CfgtrailError } from '../errors.js';
import { isCommit, listLooseOids, openObjectStore } from './objects.js';
import { readIdxOids } from './pack-read.js';
import { OID_RE } from './oid.js';
import { listPackIdx } from './pack-files.js';
import { LOG_LINE, lastLoggedOid, ZERO_OID } from './reflog.js';

/**
 * A head another layer remembers (the audit index records the head it was
 * built for), named for messages. The git layer knows no such file itself:
 * the caller passes the hint. Only a hint: any doubt reads as null.
 */
export interface HeadHint {
  /** Where the head was remembered, e.g. `the cfgtrail index`. */
  source: string;
  /** The remembered commit id, or null. */
  read(gitdir: string): string | null;
}

/** Where a last known head was found. */
export interface KnownHead {
  oid: string;
  from: string[];
  /** The object store still holds it as a commit. */
  present: boolean;
}

/**
 * Heads the reflogs of `ref` and HEAD and `hint` remember, newest source
 * first, each once.
 */
export function lastKnownHeads(gitdir: string, ref: string, hint: HeadHint): KnownHead[] {
  const found = new Map<string, string[]>();
  const add = (oid: string | null, from: string) => {
    if (oid) found.set(oid, [...(found.get(oid) ?? []), from]);
  };
  add(lastLoggedOid(gitdir, ref), `logs/${ref}`);
  add(lastLoggedOid(gitdir, 'HEAD'), 'logs/HEAD');
  add(hintedHead(gitdir, hint), hint.source);
  const objects = openObjectStore(gitdir);
  try {
    return [...found].map(([oid, from]) => ({ oid, from, present: presentCommit(objects, oid) }));
  } finally {
    objects.close();
  }
}

function presentCommit(objects: ReturnType<typeof openObjectStore>, oid: string): boolean {
  try {
    return isCommit(objects, oid);
  } catch {
    return false; // damaged too: listed, but not offered as the fix
  }
}

/**
 * Some commit the object store holds, or null: a branch ref that is missing
 * in a store with commits is damage (a truly new store has none). Cheap in a
 * new store, which has no objects or only the blobs of an interrupted first
 * snapshot; stops at the first commit otherwise.
 */
export function anyStoredCommit(gitdir: string): string | null {
  return findStoredCommit(gitdir, () => true);
}

/**
 * True when the store looks like a first snapshot killed before its ref was
 * written: the branch's and HEAD's reflogs hold at most the initial entry,
 * and every stored commit is a root commit. Nothing was ever referenced, so
 * nothing can be orphaned: the store is still new.
 */
export function interruptedFirstSnapshot(gitdir: string, ref: string, hint: HeadHint): boolean {
  if (!onlyInitialEntry(gitdir, ref) || !onlyInitialEntry(gitdir, 'HEAD')) return false;
  // A hint is written only after the ref moved (the index is): naming a head, it proves the ref existed.
  if (hintedHead(gitdir, hint) !== null) return false;
  return findStoredCommit(gitdir, hasParent) === null;
}

/** The hint's head when it is a full commit id. */
function hintedHead(gitdir: string, hint: HeadHint): string | null {
  const oid = hint.read(gitdir);
  return oid !== null && OID_RE.test(oid) ? oid : null;
}

/** The reflog of `ref` is missing, empty, or holds just the entry that created the ref. */
function onlyInitialEntry(gitdir: string, ref: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(path.join(gitdir, 'logs', ref), 'latin1');
  } catch {
    return true; // no reflog
  }
  const entries = text.split('\n').filter((l) => LOG_LINE.test(l));
  return entries.length === 0 || (entries.length === 1 && entries[0]!.startsWith(ZERO_OID));
}

/** A commit object's header names a parent. */
function hasParent(content: Buffer): boolean {
  const end = content.indexOf('\n\n');
  return /^parent /m.test(content.subarray(0, end < 0 ? content.length : end).toString('latin1'));
}

/** Some stored commit whose content passes `test`, or null. */
function findStoredCommit(gitdir: string, test: (content: Buffer) => boolean): string | null {
  const idx = listPackIdx(gitdir);
  const loose = listLooseOids(gitdir);
  if (loose.length === 0 && idx.length === 0) return null;
  const objects = openObjectStore(gitdir);
  try {
    const oids = [...loose, ...idx.flatMap((f) => readIdxOids(f))];
    return oids.find((oid) => presentCommit(objects, oid) && test(objects.read(oid).content)) ?? null;
  } finally {
    objects.close();
  }
}

/**
 * CORRUPT_STORE for branch `ref` (empty, garbage, or missing while its reflog
 * or the objects show history), one line with how to restore it. `found`: a
 * commit the object store holds, offered when nothing better is known.
 */
export function damagedRefError(gitdir: string, ref: string, why: string, hint: HeadHint, found?: string): CfgtrailError {
  const heads = lastKnownHeads(gitdir, ref, hint);
  // With no reflog or index to go by, a commit found in the objects is the lead to follow.
  if (found && heads.length === 0) heads.push({ oid: found, from: ['found in the objects; check it with git log first'], present: true });
  const best = heads.find((h) => h.present);
  const file = path.join(gitdir, ref);
  const fix = best
    ? `to restore it: rm -f ${file} && git --git-dir=${gitdir} update-ref ${ref} ${best.oid}`
    : 'no last known head was found';
  const msg = `${ref} is damaged (${why}): refusing to go on, history would be orphaned. ${knownText(heads)}${fix}; to look for lost commits: git --git-dir=${gitdir} fsck --lost-found`;
  return new CfgtrailError('CORRUPT_STORE', msg, { ref, reason: why, lastKnown: heads });
}

/** CORRUPT_STORE for a HEAD file that is neither `ref: refs/…` nor a commit id. */
export function damagedHeadError(gitdir: string, why: string, hint: HeadHint, branch = 'refs/heads/main'): CfgtrailError {
  const heads = lastKnownHeads(gitdir, branch, hint);
  const msg = `HEAD is damaged (${why}): refusing to go on, history would be orphaned. ${knownText(heads)}to restore it: printf 'ref: ${branch}\\n' > ${path.join(gitdir, 'HEAD')}; to look for lost commits: git --git-dir=${gitdir} fsck --lost-found`;
  return new CfgtrailError('CORRUPT_STORE', msg, { ref: 'HEAD', reason: why, lastKnown: heads });
}

function knownText(heads: KnownHead[]): string {
  if (heads.length === 0) return '';
  const list = heads.map((h) => `${h.oid} (${h.from.join(', ')}${h.present ? '' : '; not in the store'})`).join(', ');
  return `Last known head: ${list}; `;
}
