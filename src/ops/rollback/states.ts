/** Comparing the live files with a revision: what to write, what drifted, and the rollback's change record. */
import type { FileDiff, Trailer } from '../../core/types.js';
import type { Store } from '../../core/store/open.js';
import type { InvalidMeta } from '../../core/store/meta.js';
import type { LiveFile } from '../../core/store/scan.js';
import { commitFiles, compareStates, defaultPerm, type CommitFile, type FileState } from '../../core/store/compare.js';
import type { ChangeRef, DependencyWarning, FileAction, KeptEdit, TargetFile } from './types.js';
import { quotePath, quotePaths } from '../../core/path-name.js';

/** Files of a commit with the permissions and owners `.cfgtrail-meta` recorded. */
export function targetFiles(store: Store, commit: string): Map<string, TargetFile> {
  return targetFilesOf(commitFiles(store, commit));
}

/** {@link targetFiles} from a commit's files already read: permissions not recorded become the mode's default. */
export function targetFilesOf(files: Map<string, CommitFile>): Map<string, TargetFile> {
  const out = new Map<string, TargetFile>();
  for (const [path, f] of files) {
    const perm = f.perm ?? defaultPerm(f.mode);
    const owner = f.uid !== undefined && f.gid !== undefined ? { uid: f.uid, gid: f.gid } : {};
    // A `.cfgtrail-meta` line with impossible values (see parseMeta) comes through commitFiles' spread of it.
    const { metaError } = f as CommitFile & Partial<InvalidMeta>;
    out.set(path, { mode: f.mode, oid: f.oid, perm, ...owner, ...(metaError ? { metaError } : {}) });
  }
  return out;
}

/** Same as {@link targetFiles}, for HEAD (empty for an empty store). */
export function headFiles(store: Store, head: string | null): Map<string, TargetFile> {
  return head ? targetFiles(store, head) : new Map();
}

/** Predicate for a selective rollback's paths (files or directories); everything when null. */
export function scopeOf(files: string[] | null): (path: string) => boolean {
  if (!files) return () => true;
  return (p) => files.some((f) => p === f || p.startsWith(`${f}/`));
}

/** setuid, setgid and sticky: restored only when `restore_special_bits` allows it. */
export const SPECIAL_BITS = 0o7000;

/**
 * The writes, permission changes and deletes that turn `live` into `wanted`,
 * within scope, sorted by path. Unless `specialBits`, a stored mode's
 * setuid/setgid/sticky bits are not restored (`dropped` says which), since
 * `.cfgtrail-meta` is plain text anyone with write access to the store can
 * craft; a live file that already has exactly the stored bits is left alone.
 */
export function fileActions(live: Map<string, LiveFile>, wanted: Map<string, TargetFile>, inScope: (p: string) => boolean, chown: boolean, specialBits = false): FileAction[] {
  const out: FileAction[] = [];
  for (const [path, t] of wanted) {
    if (!inScope(path)) continue;
    const l = live.get(path);
    const dropped = specialBits || t.mode === '120000' ? 0 : t.perm & SPECIAL_BITS;
    const perm = t.perm & ~dropped;
    // chown runs only as root: a new file would be root's, a live one keeps its owner.
    const was = l ? { uid: l.uid, gid: l.gid } : { uid: 0, gid: 0 };
    const ownerChange = chown && t.uid !== undefined && t.mode !== '120000' && (was.uid !== t.uid || was.gid !== t.gid);
    const notes = { ...(dropped ? { dropped } : {}), ...(ownerChange ? { ownerWas: l ? was : null } : {}), ...(l ? { was: l.oid } : {}), ...(t.metaError ? { metaError: t.metaError } : {}) };
    if (!l || l.oid !== t.oid || l.mode !== t.mode) {
      out.push({ path, action: 'write', ...t, perm, ...notes });
      continue;
    }
    if (t.mode === '120000') continue;
    // Bits the live file already has as stored stay (a chown would clear them, so then they go).
    if (!ownerChange && (l.perm === t.perm || l.perm === perm)) continue;
    out.push({ path, action: 'chmod', perm, ...(ownerChange ? { uid: t.uid, gid: t.gid } : {}), ...notes });
  }
  for (const [path, l] of live) if (inScope(path) && !wanted.has(path)) out.push({ path, action: 'delete', was: l.oid });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The plan's warnings, one line each: modes with setuid/setgid/sticky bits and owner changes. */
export function actionWarnings(actions: FileAction[]): string[] {
  const out: string[] = [];
  const octal = (n: number) => n.toString(8).padStart(4, '0');
  for (const a of actions) {
    if (a.action === 'delete') continue;
    if (a.dropped) out.push(`${quotePath(a.path)}: the stored mode ${octal(a.perm | a.dropped)} has setuid/setgid/sticky bits; ${octal(a.perm)} is restored (restore_special_bits is off)`);
    else if (a.perm & SPECIAL_BITS) out.push(`${quotePath(a.path)}: mode ${octal(a.perm)} has setuid/setgid/sticky bits`);
    if (a.ownerWas !== undefined) {
      const from = a.ownerWas ? `${a.ownerWas.uid}:${a.ownerWas.gid}` : 'root (new file)';
      out.push(`${quotePath(a.path)}: owner changes from ${from} to ${a.uid}:${a.gid}`);
    }
  }
  return out;
}

/** One line per kept edit, as the CLI prints them and the rollback commit's body lists them. */
export function keptEditsText(kept: KeptEdit[]): string {
  return kept.map((k) => (k.kind === 'directory'
    ? `the directory ${quotePath(k.path)} had to become a file but still held files cfgtrail does not track; it was moved whole to ${quotePath(k.keptAt)}`
    : k.keptAt === k.path
      ? `your edit to ${quotePath(k.path)} made during the rollback was left in place (the rollback commit records the target's version)`
      : `your edit to ${quotePath(k.path)} made during the rollback was kept at ${quotePath(k.keptAt)}`)).join('\n');
}

/** What a write recorded about one file it wrote or chmodded (from fstat of the written file). */
export interface WrittenFile {
  perm: number;
  uid: number;
  gid: number;
}

/**
 * The files the rollback commit records: the live files read before writing,
 * with each action's target content, mode and the permissions/owner actually
 * written laid over them. Not a rescan: an edit landing after the rename must
 * not be recorded as the rollback's content.
 */
export function committedState(live: Map<string, LiveFile>, actions: FileAction[], written: Map<string, WrittenFile>, readBlob: (oid: string) => Buffer): Map<string, LiveFile> {
  const out = new Map(live);
  for (const a of actions) {
    if (a.action === 'delete') {
      out.delete(a.path);
      continue;
    }
    const l = live.get(a.path);
    const base = a.action === 'write' ? { mode: a.mode, oid: a.oid, content: readBlob(a.oid) } : { mode: l!.mode, oid: l!.oid, content: l!.content };
    // Without a record of what was written (a symlink), the target's owner or else the live one's.
    const w = written.get(a.path) ?? { perm: a.perm, uid: a.uid ?? l?.uid ?? 0, gid: a.gid ?? l?.gid ?? 0 };
    out.set(a.path, { ...base, ...w });
  }
  return new Map([...out].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** Live paths that differ from HEAD in content, mode, permissions or owner; `ignore` skips paths on purpose. */
export function driftPaths(head: Map<string, TargetFile>, live: Map<string, LiveFile>, ignore?: (p: string) => boolean): string[] {
  const out: string[] = [];
  for (const path of new Set([...head.keys(), ...live.keys()])) {
    if (ignore?.(path)) continue;
    const h = head.get(path);
    const l = live.get(path);
    if (!h || !l || h.oid !== l.oid || h.mode !== l.mode) out.push(path);
    else if (h.mode !== '120000' && (h.perm !== l.perm || (h.uid !== undefined && (h.uid !== l.uid || h.gid !== l.gid)))) out.push(path);
  }
  return out.sort();
}

/** Field diff from the live files to the target's files (secrets redacted). */
export function diffLiveToTarget(store: Store, live: Map<string, LiveFile>, target: FileState, files: string[] | null): FileDiff[] {
  const liveState = { files: live, load: (p: string) => live.get(p)!.content };
  return compareStates(store, liveState, target, { paths: files ?? undefined });
}

/** Undone changes the body lists one per line; the trailers name them all. */
const LISTED_UNDONE = 20;

/** `Rollback to abc1234: ` / `Rollback of a.yaml to abc1234: ` at the start of a rollback commit's title. */
const ROLLBACK_TITLE = /^Rollback (?:of .+? )?to [0-9a-f]{7,40}: /;

/**
 * Title, body and trailers of the rollback commit. The title says what it
 * restores: rolling back to a rollback commit names the state that commit
 * restored, not "Rollback to …: Rollback to …: …" (the trailers carry the
 * chain). `savedDrift`: the snapshot of the user's uncommitted edits made
 * just before, which is said as such and not listed as an undone change.
 * A change undone only in some of its files (a file-only rollback) is
 * recorded as `Partially-Rolls-Back: <Change-Id> (file, …)`, not as
 * `Rollback-Of`. `forced`: the dependencies `--force` overrode, recorded
 * as `Forced: depends-on check overridden` and listed in the body.
 */
export function commitMessage(
  target: ChangeRef, files: string[] | null, undone: ChangeRef[], reason: string | null, savedDrift?: string | null, forced: DependencyWarning[] = [],
): { commitTitle: string; commitBody: string; trailers: Trailer[] } {
  const short = target.commit.slice(0, 7);
  const what = files ? `Rollback of ${fileList(files)} to` : 'Rollback to';
  let restored = target.title;
  while (ROLLBACK_TITLE.test(restored)) restored = restored.replace(ROLLBACK_TITLE, '');
  const commitTitle = `${what} ${short}: ${restored}`;
  const lines = [reason ?? 'No reason given.'];
  if (savedDrift) lines.push('', `Uncommitted edits were saved first as ${savedDrift.slice(0, 7)} (Pre-rollback snapshot).`);
  const listed = undone.filter((u) => u.commit !== savedDrift);
  if (listed.length > 0) lines.push('', ...undoneLines(listed));
  if (forced.length > 0) {
    lines.push('', 'Forced (--force): changes that stay in effect depend on undone ones:');
    for (const d of forced) lines.push(`- ${d.dependent.commit.slice(0, 7)} ${d.dependent.changeId ?? '(no Change-Id)'} ${d.dependent.title} depends on ${d.undone}`);
  }
  const trailers: Trailer[] = [{ key: 'Rollback-To', value: target.commit }];
  for (const u of listed) {
    if (!u.changeId) continue;
    trailers.push(u.partly ? { key: 'Partially-Rolls-Back', value: `${u.changeId} (${quotePaths(u.partly)})` } : { key: 'Rollback-Of', value: u.changeId });
  }
  if (savedDrift) trailers.push({ key: 'Pre-Rollback-Snapshot', value: savedDrift });
  if (forced.length > 0) trailers.push({ key: 'Forced', value: 'depends-on check overridden' });
  trailers.push({ key: 'Reason', value: reason ?? 'not given' });
  return { commitTitle, commitBody: lines.join('\n'), trailers };
}

/** The body's list of undone changes: the newest {@link LISTED_UNDONE}, then a count of the rest. */
function undoneLines(listed: ChangeRef[]): string[] {
  const lines = ['Undone changes:'];
  for (const u of listed.slice(0, LISTED_UNDONE)) {
    const only = u.partly ? ` (only ${quotePaths(u.partly)})` : '';
    lines.push(`- ${u.commit.slice(0, 7)} ${u.changeId ?? '(no Change-Id)'} ${u.title}${only}`);
  }
  const rest = listed.slice(LISTED_UNDONE);
  if (rest.length > 0) {
    const range = `${rest[rest.length - 1]!.commit.slice(0, 7)}..${rest[0]!.commit.slice(0, 7)}`;
    const where = listed.some((u) => u.partly) ? 'Rollback-Of and Partially-Rolls-Back' : 'Rollback-Of';
    lines.push(`- and ${rest.length} older (${range}); every Change-Id is in the ${where} trailers`);
  }
  return lines;
}

function fileList(files: string[]): string {
  return files.length <= 3 ? quotePaths(files) : `${quotePaths(files.slice(0, 3))} and ${files.length - 3} more`;
}
