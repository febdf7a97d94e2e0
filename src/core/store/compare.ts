import { rmSync } from 'node:fs';
import type { FileDiff } from '../types.js';
import type { Store } from './open.js';
import { parseCommit } from '../git/commit.js';
import { readTreeRecursive } from '../git/tree.js';
import { diffFile } from '../diff/diff-file.js';
import { redactFileDiff, secretFileDiff, storeRedaction } from './redact-store.js';
import { META_FILE, parseMeta, type FileMeta } from './meta.js';
import { blobOid, scanLive, type LiveFile } from './scan.js';
import { readRegularFile } from './live-dir.js';
import { warnSkipped } from './scan-warnings.js';
import { nameFromBytes } from '../path-name.js';

/** One side of a comparison: a file set with lazily loaded content. */
export interface FileState {
  files: Map<string, { mode: string; oid: string; perm?: number }>;
  load(path: string): Buffer;
}

/** A file of a commit, with the permissions and owner `.cfgtrail-meta` recorded for it (if any). */
export interface CommitFile {
  mode: string;
  oid: string;
  perm?: number;
  uid?: number;
  gid?: number;
}

/**
 * The files of a commit, `.cfgtrail-meta` itself left out and applied.
 * @throws CfgtrailError CORRUPT_STORE when one of its trees is malformed (duplicate or unsorted names, bad modes, `..`)
 */
export function commitFiles(store: Store, commit: string): Map<string, CommitFile> {
  const tree = readTreeRecursive(store.objects, parseCommit(store.objects.read(commit).content).tree, { strict: true });
  const metaEntry = tree.get(META_FILE);
  const meta = metaEntry ? parseMeta(store.objects.read(metaEntry.oid).content.toString('utf8')) : new Map<string, FileMeta>();
  const files = new Map<string, CommitFile>();
  for (const [path, e] of tree) if (path !== META_FILE) files.set(path, { ...e, ...meta.get(path) });
  return files;
}

/** The files of a commit (permissions from `.cfgtrail-meta`); `files` when the caller has read them already. */
export function revState(store: Store, commit: string, files = commitFiles(store, commit)): FileState {
  return { files, load: (p) => store.objects.read(files.get(p)!.oid).content };
}

/**
 * The live directory's tracked files, as the store's settings select them.
 * Their contents are blobs the store may read next (recording a snapshot or
 * a rollback diffs them), so the object store keeps them.
 */
export function liveFiles(store: Store, opts: { removeTemps?: boolean } = {}): Map<string, LiveFile> {
  const s = store.settings;
  // Only a command holding the store lock removes temp files: no rollback is writing them then.
  // A kept copy goes only when its content is already in the store (nothing in it is unrecorded).
  const onTemp = opts.removeTemps
    ? (_abs: string, kind: 'temp' | 'kept', at: string | Buffer) => {
      if (kind === 'kept' && !keptIsRecorded(store, at)) return;
      rmSync(at, { force: true });
    }
    : undefined;
  const live = scanLive(store.root, { include: s.include, exclude: s.exclude, gitdir: store.gitdir, onSkip: warnSkipped(store), ...(onTemp ? { onTemp } : {}) });
  for (const f of live.values()) store.objects.rememberBlob(f.oid, f.content);
  return live;
}

/** True when the kept copy at `path` is a regular file whose content the store already has. */
function keptIsRecorded(store: Store, path: string | Buffer): boolean {
  try {
    const content = readRegularFile(path);
    return content !== null && store.objects.has(blobOid(content));
  } catch {
    return false; // unreadable: leave it for the user
  }
}

/** The live directory's tracked files. */
export function liveState(store: Store): FileState {
  const live = liveFiles(store);
  return { files: live, load: (p) => live.get(p)!.content };
}

export interface CompareOptions {
  /** Only these paths (or directories), relative to the root. */
  paths?: string[];
  showSecrets?: boolean;
}

/** Field-level diff of two file states, sorted by path. Secrets are redacted unless asked. */
export function compareStates(store: Store, a: FileState, b: FileState, opts: CompareOptions = {}): FileDiff[] {
  const redaction = opts.showSecrets ? null : storeRedaction(store);
  const inScope = (p: string) => !opts.paths?.length || opts.paths.some((q) => p === q || p.startsWith(`${q.replace(/\/$/, '')}/`));
  const paths = [...new Set([...a.files.keys(), ...b.files.keys()])].filter(inScope).sort();
  const out: FileDiff[] = [];
  for (const path of paths) {
    const x = a.files.get(path);
    const y = b.files.get(path);
    const permChanged = x && y && x.perm !== undefined && y.perm !== undefined && x.perm !== y.perm;
    if (x && y && x.oid === y.oid && x.mode === y.mode && !permChanged) continue;
    let d: FileDiff;
    if (x && y && x.oid === y.oid) {
      d = { file: path, status: 'mode', format: 'tree', changes: [] };
    } else if ((!x || x.mode === LINK) && (!y || y.mode === LINK)) {
      // a link's blob is its target path: shown as a target change, never parsed as config
      d = { file: path, status: !x ? 'added' : !y ? 'deleted' : 'modified', format: 'link', changes: [], link: {} };
      if (x) d.link!.from = nameFromBytes(a.load(path));
      if (y) d.link!.to = nameFromBytes(b.load(path));
    } else if (redaction?.isSecretFile(path)) {
      d = secretFileDiff(redaction, path, !x ? 'added' : !y ? 'deleted' : 'modified', x ? a.load(path) : null, y ? b.load(path) : null);
    } else {
      d = diffFile(path, x ? a.load(path) : null, y ? b.load(path) : null, {
        schema: store.settings.yamlSchema,
        identifiers: store.settings.listIdentifiers,
        redactPatch: redaction?.patch,
        maxBytes: store.settings.diffMaxBytes,
        oids: { from: x?.oid, to: y?.oid },
      });
    }
    if (x && y && (x.mode !== y.mode || permChanged)) {
      d.fromMode = modeText(x.mode, x.perm);
      d.toMode = modeText(y.mode, y.perm);
    }
    if (redaction) redactFileDiff(redaction, d);
    out.push(d);
  }
  return out;
}

const LINK = '120000';

function modeText(mode: string, perm: number | undefined): string {
  if (mode === LINK) return 'symlink';
  return (perm ?? defaultPerm(mode)).toString(8).padStart(4, '0');
}

/** The permissions a file has when none were recorded: git's own mode is all there is. */
export function defaultPerm(mode: string): number {
  return mode === '100755' ? 0o755 : 0o644;
}
