/** Refusing store entries that would write outside the config root, before anything is written. */
import { readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { STORE_NAME } from '../../core/store/locate.js';
import { MAX_ID } from '../../core/store/meta.js';
import { lstatOrNull, ROLLBACK_KEPT, ROLLBACK_TEMP } from '../../core/store/scan.js';
import type { FileAction } from './types.js';
import { fsPath, nameFromBytes, quotePath, quotePaths } from '../../core/path-name.js';

const WRITABLE_MODES = new Set(['100644', '100755', '120000']);

function unsafe(path: string, why: string): CfgtrailError {
  return new CfgtrailError('UNSAFE_PATH', `refusing to restore '${quotePath(path)}': ${why} (nothing was changed)`, { path, why });
}

/** Longest file name (bytes) Linux file systems take: NAME_MAX. */
export const NAME_MAX = 255;
/** Longest path (bytes) the kernel takes, its final NUL not counted: PATH_MAX - 1. */
export const PATH_MAX = 4095;
/**
 * Bytes of a file's name kept in the temp and kept-copy names made from it
 * (`.NAME.cfgtrail-kept-<time>-<tag>-<n>~` adds at most 53 more, temp names
 * fewer): with 180, every name cfgtrail makes stays within {@link NAME_MAX}.
 */
export const STEM_BYTES = 180;

/** The start of `name`, at most {@link STEM_BYTES} bytes of UTF-8, never cutting a character. */
export function nameStem(name: string): string {
  if (Buffer.byteLength(name) <= STEM_BYTES) return name;
  let out = '';
  let bytes = 0;
  for (const ch of name) {
    bytes += Buffer.byteLength(ch);
    if (bytes > STEM_BYTES) break;
    out += ch;
  }
  return out;
}

/**
 * Checks one relative path's text: no absolute paths, no `.`/`..`/empty
 * segments, nothing inside a git dir, no name longer than {@link NAME_MAX}
 * bytes and no path longer than {@link PATH_MAX} (only a crafted tree has
 * them: writing one would fail half-way through the rollback).
 */
export function checkPathText(path: string): void {
  if (path === '' || path.includes('\0')) throw unsafe(path, 'empty name or NUL byte');
  if (path.startsWith('/')) throw unsafe(path, 'absolute path');
  const shown = (p: string) => (p.length > 60 ? `${p.slice(0, 60)}…` : p);
  if (Buffer.byteLength(path) > PATH_MAX) throw unsafe(shown(path), `the path is ${Buffer.byteLength(path)} bytes long, more than the ${PATH_MAX} a path can have`);
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw unsafe(path, `path segment '${seg}' leaves its directory`);
    const lower = seg.toLowerCase();
    if (lower === '.git' || lower === STORE_NAME) throw unsafe(path, `'${seg}' is a repository directory`);
    const bytes = Buffer.byteLength(seg);
    if (bytes > NAME_MAX) throw unsafe(shown(path), `a name is ${bytes} bytes long, more than the ${NAME_MAX} a file name can have`);
  }
}

/** Refuses permissions or owners no file can have (a crafted `.cfgtrail-meta`): chmod/chown would fail half-way. */
function checkMetaValues(a: FileAction): void {
  if (a.action === 'delete') return;
  const store = (why: string) => new CfgtrailError('CORRUPT_STORE', `refusing to restore '${quotePath(a.path)}': the stored .cfgtrail-meta gives it ${why} (nothing was changed)`, { path: a.path, why });
  if (a.metaError) throw store(a.metaError);
  if (!Number.isInteger(a.perm) || a.perm < 0 || a.perm > 0o7777) throw store(`permissions ${a.perm.toString(8)} (valid: 0000 to 7777)`);
  for (const [what, v] of [['uid', a.uid], ['gid', a.gid]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX_ID)) throw store(`${what} ${v} (valid: 0 to ${MAX_ID})`);
  }
}

/**
 * Throws UNSAFE_PATH when any action would write outside `root`, into the
 * store, through a symlink (live or created by the same rollback), or needs
 * a directory where an untouched non-directory is.
 */
export function assertSafeActions(root: string, gitdir: string, actions: FileAction[], modes: Map<string, string>): void {
  const absRoot = resolve(root);
  const absGit = resolve(gitdir);
  const deleted = new Set(actions.filter((a) => a.action === 'delete').map((a) => a.path));
  for (const a of actions) {
    checkPathText(a.path);
    checkMetaValues(a);
    const abs = resolve(absRoot, a.path);
    const rel = relative(absRoot, abs);
    if (rel.startsWith('..') || rel === '' || abs.startsWith(absRoot + sep) === false) throw unsafe(a.path, 'outside the config root');
    if (abs === absGit || abs.startsWith(absGit + sep)) throw unsafe(a.path, 'inside the store');
    if (a.action === 'write' && !WRITABLE_MODES.has(a.mode)) throw unsafe(a.path, `unsupported git mode ${a.mode}`);
    const parts = a.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (modes.get(prefix) === '120000') throw unsafe(a.path, `'${prefix}' is a symlink in the stored revision`);
      const st = lstatOrNull(fsPath(join(absRoot, prefix)));
      if (!st) break; // created by us, below anything that exists
      if (st.isSymbolicLink()) throw unsafe(a.path, `'${prefix}' is a symlink in the config directory`);
      if (!st.isDirectory() && !deleted.has(prefix)) throw unsafe(a.path, `'${prefix}' exists and is not a directory`);
    }
  }
  assertDirsBecomeFree(absRoot, actions);
}

/**
 * Throws REFUSED when a file must be written where a directory is and that
 * directory holds anything the rollback does not delete (editor swap files,
 * ignored or untracked files, empty directories): replacing it would need
 * them gone, and a rollback never deletes what it does not track. Copies a
 * rollback kept (`.NAME.cfgtrail-kept-…~`) and its temp files do not count:
 * a rerun moves the directory aside with them (see keep-edits.ts), as it does
 * with anything that lands there after this check.
 */
export function assertDirsBecomeFree(root: string, actions: FileAction[]): void {
  const deleted = new Set(actions.filter((a) => a.action === 'delete').map((a) => a.path));
  for (const a of actions) {
    if (a.action !== 'write' || !lstatOrNull(fsPath(join(root, a.path)))?.isDirectory()) continue;
    const left = leftoversIn(root, a.path, deleted);
    if (left.length === 0) continue;
    const shown = left.length > 5 ? `${quotePaths(left.slice(0, 5))} and ${left.length - 5} more` : quotePaths(left);
    throw new CfgtrailError(
      'REFUSED',
      `refusing to roll back: '${quotePath(a.path)}' must become a file, but the directory '${quotePath(a.path)}' holds files cfgtrail does not track: ${shown}; move or remove them and run the rollback again (this run changed nothing)`,
      { path: a.path, files: left },
    );
  }
}

/** Entries under directory `rel` that deleting `deleted` leaves behind (an empty directory as `dir/`). */
function leftoversIn(root: string, rel: string, deleted: Set<string>, top = true): string[] {
  const out: string[] = [];
  // bytes, as the scan reads them: a name that is not UTF-8 must match its tracked path
  const names = readdirSync(fsPath(join(root, rel)), { encoding: 'buffer' }).map(nameFromBytes).sort();
  if (names.length === 0) return top ? [] : [`${rel}/`]; // the directory itself is replaced once empty
  for (const name of names) {
    const p = `${rel}/${name}`;
    if (lstatOrNull(fsPath(join(root, p)))?.isDirectory()) out.push(...leftoversIn(root, p, deleted, false));
    else if (!deleted.has(p) && !ROLLBACK_KEPT.test(name) && !ROLLBACK_TEMP.test(name)) out.push(p);
  }
  return out;
}
