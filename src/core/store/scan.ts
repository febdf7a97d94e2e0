import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { CfgtrailError } from '../errors.js';
import { hashObject } from '../repo/objects.js';
import { globToRegExp, matchesAny } from './glob.js';
import { STORE_NAME } from './locate.js';
import { META_FILE } from './meta.js';

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
  /** Told of each temp file a killed rollback left, and of each kept copy of a live file (never tracked either way). */
  onTemp?: (abs: string, kind: 'temp' | 'kept') => void;
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
 */
export function scanLive(root: string, opts: ScanOptions): Map<string, LiveFile> {
  const rootStat = lstatOrNull(root);
  if (!rootStat?.isDirectory()) {
    throw new CfgtrailError('ROOT_MISSING', `config root '${root}' is missing or not a directory`, { root });
  }
  const include = opts.include.map((g) => globToRegExp(g));
  const exclude = opts.exclude.map((g) => globToRegExp(g));
  const out = new Map<string, LiveFile>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      throw unreadable(dir, e);
    }
    names.sort();
    for (const name of names) {
      const abs = join(dir, name);
      const rel = relative(root, abs).split('\\').join('/');
      if (opts.onTemp && name.includes('.cfgtrail-')) {
        if (ROLLBACK_TEMP.test(name)) opts.onTemp(abs, 'temp');
        else if (ROLLBACK_KEPT.test(name)) opts.onTemp(abs, 'kept');
      }
      if (abs === opts.gitdir || matchesAny(rel, ALWAYS_EXCLUDED) || matchesAny(rel, exclude)) continue;
      const st = lstatOrNull(abs);
      if (!st) continue; // vanished between readdir and lstat
      if (st.isDirectory()) {
        walk(abs);
        continue;
      }
      if (include.length > 0 && !matchesAny(rel, include)) continue;
      const file = readLive(abs, st);
      if (file) out.set(rel, file);
    }
  };
  walk(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function readLive(abs: string, st: Stats): LiveFile | null {
  let content: Buffer;
  let mode: string;
  try {
    if (st.isSymbolicLink()) {
      content = Buffer.from(readlinkSync(abs));
      mode = '120000';
    } else if (st.isFile()) {
      content = readFileSync(abs);
      mode = st.mode & 0o111 ? '100755' : '100644';
    } else {
      return null; // sockets, fifos, devices are not config
    }
  } catch (e) {
    throw unreadable(abs, e);
  }
  return { mode, perm: st.mode & 0o7777, uid: st.uid, gid: st.gid, content, oid: blobOid(content) };
}

/** Git's blob id of `content`. */
export function blobOid(content: Buffer): string {
  return hashObject('blob', content);
}

function unreadable(path: string, e: unknown): CfgtrailError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' ? 'permission denied' : (e as Error).message;
  return new CfgtrailError('UNREADABLE_FILE', `cannot read '${path}': ${why}`, { path }, { cause: e });
}

/** lstat, or null when the path does not exist (or cannot be looked at). */
export function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null; // missing is the answer here
  }
}
