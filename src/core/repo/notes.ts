/**
 * Verification results as git notes under `refs/notes/cfgtrail`, written and
 * read with our own object code (native `git notes --ref=cfgtrail show` reads
 * them). A note keeps the commit's earlier verifications
 * too, so a re-verification never loses the previous outcome.
 */
import { yamlLib } from '../lazy.js';
import { CfgtrailError } from '../errors.js';
import type { Person } from '../types.js';
import type { Store } from '../store/open.js';
import type { IndexData } from '../audit/index-store.js';
import { eachFirstParent } from '../audit/first-parent.js';
import { parseCommit, serializeCommit, signatureOf } from './commit.js';
import { isCommit, writeLooseObject } from './objects.js';
import { readRef, writeRef } from './refs.js';
import { parseTree, serializeTree } from './tree.js';

export const NOTES_REF = 'refs/notes/cfgtrail';

/** The outcome of restarting and health-checking the services after a change. */
export interface VerificationNote {
  /** `unverified`: nothing failed, but some service has no health checks (never taken as known good). */
  result: 'passed' | 'failed' | 'unverified' | 'marked-good';
  /** ISO 8601. */
  at: string;
  /** `Name <email>` of who ran it. */
  by?: string;
  kind?: 'snapshot' | 'rollback' | 'manual';
  services: {
    name: string;
    ok: boolean;
    restart?: { ok: boolean; command: string[]; exitCode: number | null; durationMs: number; message: string; stderr?: string };
    checks: { check: string; ok: boolean; attempts: number; durationMs: number; message: string }[];
  }[];
  message?: string;
}

const RESULTS = new Set(['passed', 'failed', 'unverified', 'marked-good']);
/** Earlier verifications kept inside one note; older ones are dropped. */
const MAX_EARLIER = 20;

/**
 * A note as readable YAML, first line `# cfgtrail verification: passed`.
 * @example formatNote({ result: 'passed', at: '2026-01-02T03:04:05.000Z', services: [] })
 */
export function formatNote(n: VerificationNote, earlier: VerificationNote[] = []): string {
  const body: Record<string, unknown> = { ...clean(n) };
  if (earlier.length > 0) body.earlier = earlier.slice(-MAX_EARLIER).map(clean);
  return `# cfgtrail verification: ${n.result}\n${yamlLib().stringify(body, { lineWidth: 0 })}`;
}

/** The newest verification in a note's text; null for notes that are not ours. */
export function parseNote(text: string): VerificationNote | null {
  const all = parseNoteHistory(text);
  return all[all.length - 1] ?? null;
}

/** Every verification a note holds, oldest first (the newest last); [] when it is not ours. */
export function parseNoteHistory(text: string): VerificationNote[] {
  let raw: unknown;
  try {
    raw = yamlLib().parse(text);
  } catch {
    return []; // not YAML: someone else's note
  }
  const newest = toNote(raw);
  if (!newest) return [];
  const earlier = Array.isArray((raw as { earlier?: unknown }).earlier) ? ((raw as { earlier: unknown[] }).earlier) : [];
  return [...earlier.map(toNote).filter((x): x is VerificationNote => x !== null), newest];
}

function toNote(raw: unknown): VerificationNote | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (typeof o.result !== 'string' || !RESULTS.has(o.result) || typeof o.at !== 'string') return null;
  const services = Array.isArray(o.services) ? (o.services as VerificationNote['services']) : [];
  const n = o as Partial<Record<keyof VerificationNote, unknown>>;
  return clean({
    result: readResult(o.result as VerificationNote['result'], services),
    at: o.at,
    by: n.by as VerificationNote['by'],
    kind: n.kind as VerificationNote['kind'],
    services,
    message: n.message as VerificationNote['message'],
  });
}

/**
 * Notes written before `unverified` existed said `passed` when a service had
 * no health checks at all; such a note verified nothing and is read as `unverified`.
 */
function readResult(result: VerificationNote['result'], services: VerificationNote['services']): VerificationNote['result'] {
  const unchecked = services.some((s) => typeof s === 'object' && s !== null && Array.isArray(s.checks) && s.checks.length === 0);
  return result === 'passed' && unchecked ? 'unverified' : result;
}

/** Only the known keys, in a fixed order, without undefined values. */
function clean(n: VerificationNote): VerificationNote {
  return {
    result: n.result,
    at: n.at,
    ...(n.by !== undefined ? { by: n.by } : {}),
    ...(n.kind !== undefined ? { kind: n.kind } : {}),
    services: n.services,
    ...(n.message !== undefined ? { message: n.message } : {}),
  };
}

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

/**
 * Writes `text` at `path` of the notes tree and commits it on the notes ref.
 * Objects are written like a snapshot's (temp file and rename), so a kill
 * leaves no truncated object.
 */
function writeNote(store: Store, path: string, text: string, who: Person, timestamp: number): void {
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

/** The newest verification attached to `commit`, or null. */
export function readVerificationNote(store: Store, commit: string): VerificationNote | null {
  const found = findNote(store, commit);
  return found ? parseNote(readBlobText(store, found.blob)) : null;
}

/** Newest verification of each of `commits` that has one (reads the notes tree once, parses only those notes). */
export function notesFor(store: Store, commits: readonly string[]): Map<string, VerificationNote> {
  const out = new Map<string, VerificationNote>();
  if (commits.length === 0) return out;
  const blobs = noteBlobs(store);
  for (const c of commits) {
    const blob = blobs.get(c);
    const note = blob ? parseNote(readBlobText(store, blob)) : null;
    if (note) out.set(c, note);
  }
  return out;
}

/**
 * One line for `log`/`show`: `verification: passed 2026-… by … (sample ✓)`;
 * a service without health checks is `app: no checks`.
 */
export function formatNoteSummary(n: VerificationNote): string {
  const who = n.by ? ` by ${n.by}` : '';
  const mark = (s: VerificationNote['services'][number]) => (!s.ok ? ' ✗' : s.checks.length === 0 ? ': no checks' : ' ✓');
  const services = n.services.map((s) => `${s.name}${mark(s)}`).join(', ');
  return `verification: ${n.result} ${n.at}${who}${services ? ` (${services})` : ''}${n.message ? `: ${n.message}` : ''}`;
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

function readBlobText(store: Store, oid: string): string {
  return store.objects.read(oid).content.toString('utf8');
}

function notesTree(store: Store): string | null {
  const ref = readRef(store.gitdir, NOTES_REF);
  return ref ? parseCommit(store.objects.read(ref).content).tree : null;
}

/** Where `commit`'s note is: its blob and path in the notes tree (flat `oid` or fanned `ab/cdef…`). */
function findNote(store: Store, commit: string): { blob: string; path: string } | null {
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
function noteBlobs(store: Store): Map<string, string> {
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
