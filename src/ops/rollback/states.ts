/** Comparing the live files with a revision: what to write, what drifted, and the rollback's change record. */
import type { FileDiff, Trailer } from '../../core/types.js';
import type { Store } from '../../core/store/open.js';
import type { LiveFile } from '../../core/store/scan.js';
import { commitFiles, compareStates, defaultPerm, type CommitFile, type FileState } from '../../core/store/compare.js';
import type { ChangeRef, FileAction, TargetFile } from './types.js';

/** Files of a commit with the permissions and owners `.cfgtrail-meta` recorded. */
export function targetFiles(store: Store, commit: string): Map<string, TargetFile> {
  return targetFilesOf(commitFiles(store, commit));
}

/** {@link targetFiles} from a commit's files already read: permissions not recorded become the mode's default. */
export function targetFilesOf(files: Map<string, CommitFile>): Map<string, TargetFile> {
  const out = new Map<string, TargetFile>();
  for (const [path, f] of files) {
    const perm = f.perm ?? defaultPerm(f.mode);
    out.set(path, { mode: f.mode, oid: f.oid, perm, ...(f.uid !== undefined && f.gid !== undefined ? { uid: f.uid, gid: f.gid } : {}) });
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

/** The writes, permission changes and deletes that turn `live` into `wanted`, within scope, sorted by path. */
export function fileActions(live: Map<string, LiveFile>, wanted: Map<string, TargetFile>, inScope: (p: string) => boolean, chown: boolean): FileAction[] {
  const out: FileAction[] = [];
  for (const [path, t] of wanted) {
    if (!inScope(path)) continue;
    const l = live.get(path);
    if (!l || l.oid !== t.oid || l.mode !== t.mode) {
      out.push({ path, action: 'write', ...t });
      continue;
    }
    if (t.mode === '120000') continue;
    const owner = chown && t.uid !== undefined && (l.uid !== t.uid || l.gid !== t.gid);
    if (l.perm !== t.perm || owner) out.push({ path, action: 'chmod', perm: t.perm, ...(owner ? { uid: t.uid, gid: t.gid } : {}) });
  }
  for (const path of live.keys()) if (inScope(path) && !wanted.has(path)) out.push({ path, action: 'delete' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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

/** Title, body and trailers of the rollback commit. */
export function commitMessage(target: ChangeRef, files: string[] | null, undone: ChangeRef[], reason: string | null): { commitTitle: string; commitBody: string; trailers: Trailer[] } {
  const short = target.commit.slice(0, 7);
  const what = files ? `Rollback of ${fileList(files)} to` : 'Rollback to';
  const commitTitle = `${what} ${short}: ${target.title}`;
  const lines = [reason ?? 'No reason given.'];
  if (undone.length > 0) {
    lines.push('', 'Undone changes:');
    for (const u of undone.slice(0, LISTED_UNDONE)) lines.push(`- ${u.commit.slice(0, 7)} ${u.changeId ?? '(no Change-Id)'} ${u.title}`);
    const rest = undone.slice(LISTED_UNDONE);
    if (rest.length > 0) {
      const range = `${rest[rest.length - 1]!.commit.slice(0, 7)}..${rest[0]!.commit.slice(0, 7)}`;
      lines.push(`- and ${rest.length} older (${range}); every Change-Id is in the Rollback-Of trailers`);
    }
  }
  const trailers: Trailer[] = [{ key: 'Rollback-To', value: target.commit }];
  for (const u of undone) if (u.changeId) trailers.push({ key: 'Rollback-Of', value: u.changeId });
  trailers.push({ key: 'Reason', value: reason ?? 'not given' });
  return { commitTitle, commitBody: lines.join('\n'), trailers };
}

function fileList(files: string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}
