/** Refusing store entries that would write outside the config root, before anything is written. */
import { readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { STORE_NAME } from '../../core/store/locate.js';
import { lstatOrNull } from '../../core/store/scan.js';
import type { FileAction } from './types.js';

const WRITABLE_MODES = new Set(['100644', '100755', '120000']);

function unsafe(path: string, why: string): CfgtrailError {
  return new CfgtrailError('UNSAFE_PATH', `refusing to restore '${path}': ${why} (nothing was changed)`, { path, why });
}

/** Checks one relative path's text: no absolute paths, no `.`/`..`/empty segments, nothing inside a git dir. */
export function checkPathText(path: string): void {
  if (path === '' || path.includes('\0')) throw unsafe(path, 'empty name or NUL byte');
  if (path.startsWith('/')) throw unsafe(path, 'absolute path');
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw unsafe(path, `path segment '${seg}' leaves its directory`);
    const lower = seg.toLowerCase();
    if (lower === '.git' || lower === STORE_NAME) throw unsafe(path, `'${seg}' is a repository directory`);
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
    const abs = resolve(absRoot, a.path);
    const rel = relative(absRoot, abs);
    if (rel.startsWith('..') || rel === '' || abs.startsWith(absRoot + sep) === false) throw unsafe(a.path, 'outside the config root');
    if (abs === absGit || abs.startsWith(absGit + sep)) throw unsafe(a.path, 'inside the store');
    if (a.action === 'write' && !WRITABLE_MODES.has(a.mode)) throw unsafe(a.path, `unsupported git mode ${a.mode}`);
    const parts = a.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (modes.get(prefix) === '120000') throw unsafe(a.path, `'${prefix}' is a symlink in the stored revision`);
      const st = lstatOrNull(join(absRoot, prefix));
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
 * them gone, and a rollback never deletes what it does not track.
 */
export function assertDirsBecomeFree(root: string, actions: FileAction[]): void {
  const deleted = new Set(actions.filter((a) => a.action === 'delete').map((a) => a.path));
  for (const a of actions) {
    if (a.action !== 'write' || !lstatOrNull(join(root, a.path))?.isDirectory()) continue;
    const left = leftoversIn(root, a.path, deleted);
    if (left.length === 0) continue;
    const shown = left.length > 5 ? `${left.slice(0, 5).join(', ')} and ${left.length - 5} more` : left.join(', ');
    throw new CfgtrailError(
      'REFUSED',
      `refusing to roll back: '${a.path}' must become a file, but the directory '${a.path}' holds files cfgtrail does not track: ${shown}; move or remove them and run the rollback again (nothing was changed)`,
      { path: a.path, files: left },
    );
  }
}

/** Entries under directory `rel` that deleting `deleted` leaves behind (an empty directory as `dir/`). */
function leftoversIn(root: string, rel: string, deleted: Set<string>, top = true): string[] {
  const out: string[] = [];
  const names = readdirSync(join(root, rel)).sort();
  if (names.length === 0) return top ? [] : [`${rel}/`]; // the directory itself is replaced once empty
  for (const name of names) {
    const p = `${rel}/${name}`;
    if (lstatOrNull(join(root, p))?.isDirectory()) out.push(...leftoversIn(root, p, deleted, false));
    else if (!deleted.has(p)) out.push(p);
  }
  return out;
}
