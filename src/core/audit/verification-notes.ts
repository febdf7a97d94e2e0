/**
 * Verification results as git notes under `refs/notes/cfgtrail` (native
 * `git notes --ref=cfgtrail show` reads them). A note keeps the commit's
 * earlier verifications too, so a re-verification never loses the previous
 * outcome. The note's schema is `record/verification-note.ts`; reading and
 * writing the notes tree is the git layer's `git/notes.ts`.
 */
import { CfgtrailError } from '../errors.js';
import type { Person } from '../types.js';
import type { Store } from '../store/open.js';
import { isCommit } from '../git/objects.js';
import { findNote, noteBlobs, readBlobText, writeNote } from '../git/notes.js';
import { formatNote, parseNote, parseNoteHistory, type VerificationNote } from '../record/verification-note.js';
import type { IndexData } from './index-store.js';
import { eachFirstParent } from './first-parent.js';

export interface AddNoteOptions {
  /** Author of the notes commit. @default cfgtrail <cfgtrail@localhost> */
  author?: Person;
  /** ms since the epoch. @default Date.now */
  now?: () => number;
}

/**
 * Attaches `note` to `commit`, keeping the commit's earlier verifications in
 * the note. The caller holds the store lock.
 * @throws CfgtrailError UNKNOWN_REV when `commit` is not a commit of the store
 */
export async function addVerificationNote(store: Store, commit: string, note: VerificationNote, opts: AddNoteOptions = {}): Promise<void> {
  if (!isCommit(store.objects, commit)) {
    throw new CfgtrailError('UNKNOWN_REV', `'${commit}' is not a commit of this store`, { commit });
  }
  const found = findNote(store, commit);
  const earlier = found ? parseNoteHistory(readBlobText(store, found.blob)) : [];
  const who = opts.author ?? { name: 'cfgtrail', email: 'cfgtrail@localhost' };
  // A fanned-out note (`ab/cdef…`, as git writes many notes) is replaced where it is: a second,
  // flat copy would make git show both, concatenated.
  writeNote(store, found?.path ?? commit, formatNote(note, earlier), who, Math.floor((opts.now ?? Date.now)() / 1000));
}

/** The newest verification attached to `commit`, or null. */
export function readVerificationNote(store: Store, commit: string): VerificationNote | null {
  const found = findNote(store, commit);
  return found ? parseNote(readBlobText(store, found.blob)) : null;
}

/** Newest verification of each of `commits` that has one (reads the notes tree once, parses only those notes). */
export function notesFor(store: Store, commits: readonly string[]): Map<string, VerificationNote> {
  const out = new Map<string, VerificationNote>();
  const lookup = commits.length === 0 ? null : noteLookup(store);
  if (lookup === null) return out;
  for (const c of commits) {
    const note = lookup(c);
    if (note) out.set(c, note);
  }
  return out;
}

/**
 * Newest verification of a commit, asked one commit at a time: the notes
 * tree is read once, a note parsed when asked for. Null when the store has
 * no notes at all.
 * @example noteLookup(store)?.(commit)?.result // 'passed'
 */
export function noteLookup(store: Store): ((commit: string) => VerificationNote | null) | null {
  const blobs = noteBlobs(store);
  if (blobs.size === 0) return null;
  return (commit) => {
    const blob = blobs.get(commit);
    return blob ? parseNote(readBlobText(store, blob)) : null;
  };
}

/**
 * The newest commit on HEAD's first-parent line (per `index`) whose newest
 * verification passed or was marked good (never `unverified` or `failed`); null when there is none.
 */
export function lastGoodCommit(store: Store, index: IndexData): string | null {
  const blobs = noteBlobs(store);
  if (blobs.size === 0) return null;
  let found: string | null = null;
  eachFirstParent(index, index.head, (col) => {
    const blob = blobs.get(col.oid);
    const result = blob ? parseNote(readBlobText(store, blob))?.result : undefined;
    if (result !== 'passed' && result !== 'marked-good') return true;
    found = col.oid;
    return false;
  });
  return found;
}

