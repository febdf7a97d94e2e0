import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../errors.js';
import { hashObject } from '../git/objects.js';
import { globToRegExp, matchesAny } from './glob.js';
import { STORE_NAME } from './locate.js';
import { META_FILE } from './meta.js';
import { changedWhileRead, kindAt, kindOf, openLiveRoot, readFileIn, type EntryKind, type LiveDir, type SpecialKind } from './live-dir.js';
import { quotePath } from '../path-name.js';

/** A tracked file as it is in the live directory. */
export interface LiveFile {
  /** Git mode: '100644', '100755' or '120000' (symlink). */
  mode: string;
  /** Full permission bits (e.g. 0o600), uid and gid: git keeps none of them. */
  perm: number;
  uid: number;
  gid: number;
  content: Buffer;
  oid: string;
}

/** Never tracked: editor leftovers, nested git dirs, our own bookkeeping. */
const ALWAYS_EXCLUDED = ['*.swp', '*.swx', '*~', '.#*', '4913', '.git', STORE_NAME, `${STORE_NAME}.lock`, META_FILE].map((g) => globToRegExp(g));

export interface ScanOptions {
  include: string[];
  exclude: string[];
  /** Absolute git dir, skipped when it lies inside the root. */
  gitdir: string;
  /**
   * Told of each temp file a killed rollback left, and of each kept copy of a
   * live file (never tracked either way); `at` reaches it in its directory
   * while the callback runs (use it, not `abs`, to read or remove it).
   */
  onTemp?: (abs: string, kind: 'temp' | 'kept', at: string | Buffer) => void;
  /** Told of each FIFO, socket or device the scan skipped (relative path). */
  onSkip?: (rel: string, kind: SpecialKind) => void;
  /** Reach entries through /proc/self/fd. @default true where /proc works */
  viaProc?: boolean;
}

/**
 * A rollback's temp file (`.NAME.cfgtrail-PID-TAG-N~`): only ever left behind
 * by a process killed while writing; the `~` keeps scans from tracking it.
 */
export const ROLLBACK_TEMP = /^\..*\.cfgtrail-\d+-[0-9a-f]{8}(?:-\d+)?~$/;

/**
 * A live file a rollback kept aside before replacing it (`.NAME.cfgtrail-kept-TIME~`):
 * kept for good when it held an edit made during the rollback; a kill can
 * also leave one that holds nothing new.
 */
export const ROLLBACK_KEPT = /^\..*\.cfgtrail-kept-[0-9TZ]+(?:-[0-9a-f]{8}-\d+)?~$/;

/**
 * Reads every tracked file under `root` into memory, keyed by `/`-separated
 * relative path, sorted. Blob ids are computed here so callers can compare
 * with a tree without parsing anything.
 *
 * Symlinks are read as links and never followed, not even one swapped in for
 * a directory or file while the scan runs (see live-dir.ts); FIFOs, sockets
 * and devices are skipped, never opened.
 */
export function scanLive(root: string, opts: ScanOptions): Map<string, LiveFile> {
  const include = opts.include.map((g) => globToRegExp(g));
  const exclude = opts.exclude.map((g) => globToRegExp(g));
  const out = new Map<string, LiveFile>();
  const walk = (dir: LiveDir, relDir: string) => {
    let entries;
    try {
      entries = dir.entries();
    } catch (e) {
      throw unreadable(dir.abs, e);
    }
    for (const entry of entries) {
      const name = entry.name;
      const abs = join(dir.abs, name);
      const rel = relDir ? `${relDir}/${name}` : name;
      if (opts.onTemp && name.includes('.cfgtrail-')) {
        if (ROLLBACK_TEMP.test(name)) opts.onTemp(abs, 'temp', dir.at(name));
        else if (ROLLBACK_KEPT.test(name)) opts.onTemp(abs, 'kept', dir.at(name));
      }
      if (abs === opts.gitdir || matchesAny(rel, ALWAYS_EXCLUDED) || matchesAny(rel, exclude)) continue;
      visit(dir, name, rel, kindOf(entry), 0);
    }
  };
  /** `kind` is what readdir (or, on a retry, lstat) said; the entry may have changed since. */
  const visit = (dir: LiveDir, name: string, rel: string, kind: EntryKind, tries: number): void => {
    const abs = join(dir.abs, name);
    if (tries > 2) throw changedWhileRead(abs);
    const again = () => visit(dir, name, rel, tryRead(abs, () => kindAt(dir.at(name))), tries + 1);
    if (kind === 'gone') return; // vanished since readdir
    if (kind === 'dir') {
      const sub = tryRead(abs, () => dir.openSub(name));
      if (typeof sub === 'string') return sub === 'gone' ? undefined : again();
      try {
        walk(sub, rel);
      } finally {
        sub.close();
      }
      return;
    }
    if (include.length > 0 && !matchesAny(rel, include)) return;
    if (kind === 'link') {
      const link = tryRead(abs, () => readLinkIn(dir, name));
      if (link === 'gone') return;
      if (!link) return again();
      out.set(rel, link);
    } else if (kind === 'file') {
      const r = tryRead(abs, () => readFileIn(dir, name));
      if (r.kind === 'file') out.set(rel, liveFile(r.content, r.st.mode & 0o111 ? '100755' : '100644', r.st));
      else if (r.kind !== 'gone') again();
    } else {
      opts.onSkip?.(rel, kind); // FIFOs, sockets and devices are not config, and opening one may block or act
    }
  };
  const rootDir = tryRead(root, () => openLiveRoot(root, opts.viaProc === undefined ? {} : { viaProc: opts.viaProc }));
  try {
    walk(rootDir, '');
  } finally {
    rootDir.close();
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The symlink `name` as a link (its target's bytes); null when it is no longer a symlink. */
function readLinkIn(dir: LiveDir, name: string): LiveFile | null | 'gone' {
  let target: Buffer;
  try {
    target = readlinkSync(dir.at(name), { encoding: 'buffer' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EINVAL') return null; // not a symlink (any more)
    if (code === 'ENOENT') return 'gone';
    throw e;
  }
  // Permissions and owner of the link itself (rollbacks restore its owner).
  const st = lstatSync(dir.at(name));
  dir.check();
  return st.isSymbolicLink() ? liveFile(target, '120000', st) : null;
}

function liveFile(content: Buffer, mode: string, st: Stats): LiveFile {
  return { mode, perm: st.mode & 0o7777, uid: st.uid, gid: st.gid, content, oid: blobOid(content) };
}

function tryRead<T>(abs: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof CfgtrailError) throw e;
    throw unreadable(abs, e);
  }
}

/** Git's blob id of `content`. */
export function blobOid(content: Buffer): string {
  return hashObject('blob', content);
}

function unreadable(path: string, e: unknown): CfgtrailError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' ? 'permission denied' : (e as Error).message;
  return new CfgtrailError('UNREADABLE_FILE', `cannot read '${quotePath(path)}': ${why}`, { path }, { cause: e });
}

/** lstat, or null when the path does not exist (or cannot be looked at). */
export function lstatOrNull(p: string | Buffer): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null; // missing is the answer here
  }
}
