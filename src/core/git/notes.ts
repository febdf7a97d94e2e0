/**
 * Git notes plumbing for `refs/notes/cfgtrail`, written and read with our own
 * object code: find a commit's note (flat `oid` or fanned-out `ab/cdef…`),
 * list every note, write one. What a note says is not this layer's concern
 * (see `record/verification-note.ts`).
 */
import type { Person } from '../types.js';
import { parseCommit, serializeCommit, signatureOf } from './commit.js';
import { writeLooseObject, type ObjectStore } from './objects.js';
import { readRef, writeRef } from './refs.js';
import { parseTree, serializeTree } from './tree.js';

export const NOTES_REF = 'refs/notes/cfgtrail';

/** What notes plumbing needs of a store: its gitdir and an object reader. */
export interface NotesStore {
  gitdir: string;
  objects: ObjectStore;
}

/**
 * Writes `text` at `path` of the notes tree and commits it on the notes ref.
 * Objects are written like a snapshot's (temp file and rename), so a kill
 * leaves no truncated object.
 */
export function writeNote(store: NotesStore, path: string, text: string, who: Person, timestamp: number): void {
  const { gitdir } = store;
  const parent = readRef(gitdir, NOTES_REF);
  const blob = writeLooseObject(gitdir, 'blob', Buffer.from(text, 'utf8'));
  const rewrite = (treeOid: string | null, parts: string[]): string => {
    const entries = treeOid ? parseTree(store.objects.read(treeOid).content) : [];
    const [name, ...rest] = parts as [string, ...string[]];
    const i = entries.findIndex((e) => e.path === name);
    const entry = rest.length === 0 ? { mode: '100644', path: name, oid: blob } : { mode: '40000', path: name, oid: rewrite(i >= 0 ? entries[i]!.oid : null, rest) };
    if (i >= 0) entries[i] = entry;
    else entries.push(entry);
    return writeLooseObject(gitdir, 'tree', serializeTree(entries));
  };
  const tree = rewrite(parent ? parseCommit(store.objects.read(parent).content).tree : null, path.split('/'));
  const sig = signatureOf(who, timestamp);
  const body = serializeCommit({ tree, parents: parent ? [parent] : [], author: sig, committer: sig, message: 'Notes added by cfgtrail\n' });
  writeRef(gitdir, NOTES_REF, writeLooseObject(gitdir, 'commit', body));
}

export function readBlobText(store: NotesStore, oid: string): string {
  return store.objects.read(oid).content.toString('utf8');
}

function notesTree(store: NotesStore): string | null {
  const ref = readRef(store.gitdir, NOTES_REF);
  return ref ? parseCommit(store.objects.read(ref).content).tree : null;
}

/** Where `commit`'s note is: its blob and path in the notes tree (flat `oid` or fanned `ab/cdef…`). */
export function findNote(store: NotesStore, commit: string): { blob: string; path: string } | null {
  let tree = notesTree(store);
  let rest = commit;
  let prefix = '';
  while (tree) {
    const entries = parseTree(store.objects.read(tree).content);
    const exact = entries.find((e) => e.path === rest && e.mode !== '40000');
    if (exact) return { blob: exact.oid, path: prefix + rest };
    const dir = entries.find((e) => e.mode === '40000' && e.path === rest.slice(0, 2));
    if (!dir || rest.length <= 2) return null;
    prefix += `${dir.path}/`;
    rest = rest.slice(2);
    tree = dir.oid;
  }
  return null;
}

/** commit → note blob for the whole notes tree, flat and fanned-out entries alike. */
export function noteBlobs(store: NotesStore): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (tree: string, prefix: string): void => {
    for (const e of parseTree(store.objects.read(tree).content)) {
      const hex = prefix + e.path;
      if (!/^[0-9a-f]+$/.test(e.path) || hex.length > 40) continue; // not a note path
      if (e.mode === '40000') walk(e.oid, hex);
      else if (hex.length === 40) out.set(hex, e.oid); // a flat entry sorts after its fan-out dir and wins, as in findNote
    }
  };
  const root = notesTree(store);
  if (root) walk(root, '');
  return out;
}
