/**
 * Directories of the config root held open while a rollback writes, so that
 * swapping a directory for a symlink mid-rollback cannot redirect a write,
 * delete or chmod outside the root.
 *
 * Each directory is opened one component at a time with O_NOFOLLOW from the
 * root's descriptor, and files are then reached as `/proc/self/fd/<dir>/<name>`:
 * the kernel starts from the open directory and never looks at its path again
 * (Node has no openat/renameat/unlinkat; on Linux this is the same thing).
 * Where /proc is missing, paths are used after checking with lstat, just
 * before each use, that every parent is a real directory.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { checkProc } from '../../core/store/live-dir.js';
import { fsPath, quotePath } from '../../core/path-name.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

export interface DirHandles {
  /**
   * Path of `name` inside the directory `rel` ('' is the root), opened earlier
   * with {@link openDir}; bytes when a name is not valid UTF-8 (path-name.ts).
   */
  at(rel: string, name: string): string | Buffer;
  /** The open descriptor of `rel`; created (mkdir) when missing and `create`. @throws CfgtrailError UNSAFE_PATH */
  openDir(rel: string, create: boolean): number;
  /** Opens `rel` if it is a directory; false when it or a parent is missing or a file. @throws CfgtrailError UNSAFE_PATH for a symlink */
  openIfThere(rel: string): boolean;
  /** Forgets a directory the rollback removed or moved aside, and those below it (a later write creates it again). */
  forget(rel: string): void;
  /** Descriptor of an open directory, if open. */
  fdOf(rel: string): number | undefined;
  close(): void;
}

/** Relative directory of a relative path: '' for the root. */
export function dirOf(path: string): string {
  const d = dirname(path);
  return d === '.' ? '' : d;
}

export function changedUnderUs(path: string, what: string): CfgtrailError {
  return new CfgtrailError(
    'UNSAFE_PATH',
    `'${quotePath(path)}' ${what} while the rollback ran; nothing outside the config root was changed: check it, then run the rollback again to finish`,
    { path },
  );
}

/** Opens the root (following its own path: the user chose it) and returns handles below it; `onCreate` hears of each mkdir. */
export function openDirHandles(root: string, onCreate: (rel: string) => void = () => {}): DirHandles {
  const fds = new Map<string, number>([['', openSync(root, constants.O_RDONLY | constants.O_DIRECTORY)]]);
  const proc = checkProc(fds.get('')!);
  const at = (rel: string, name: string): string | Buffer => {
    if (proc) return fsPath(`/proc/self/fd/${fds.get(rel)!}/${name}`);
    checkParents(root, rel);
    return fsPath(join(root, rel, name));
  };
  /** `tolerant`: a missing directory, or a file in its place, gives -1 instead of an error (a symlink still throws). */
  const open = (rel: string, create: boolean, tolerant: boolean): number => {
    const known = fds.get(rel);
    if (known !== undefined) return known;
    const parent = dirOf(rel);
    if (open(parent, create, tolerant) < 0) return -1;
    const path = at(parent, basename(rel));
    let fd: number;
    try {
      fd = openSync(path, DIR_FLAGS);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && create) {
        mkdirSync(path);
        onCreate(rel);
        fd = openSync(path, DIR_FLAGS);
      } else if (code === 'ENOENT' && tolerant) {
        return -1;
      } else if (code === 'ENOTDIR' || code === 'ELOOP') {
        const link = lstatSync(path).isSymbolicLink();
        if (!link && tolerant) return -1;
        throw changedUnderUs(rel, link ? 'became a symlink' : 'is no longer a directory');
      } else throw e;
    }
    fds.set(rel, fd);
    return fd;
  };
  return {
    at,
    openDir: (rel, create) => open(rel, create, false),
    openIfThere: (rel) => open(rel, false, true) >= 0,
    forget: (rel) => {
      for (const [d, fd] of fds) {
        if (d === '' || (d !== rel && !d.startsWith(`${rel}/`))) continue;
        closeSync(fd);
        fds.delete(d);
      }
    },
    fdOf: (rel) => fds.get(rel),
    close: () => {
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
    },
  };
}

function checkParents(root: string, rel: string): void {
  let dir = root;
  for (const seg of rel ? rel.split('/') : []) {
    dir = join(dir, seg);
    const st = lstatSync(fsPath(dir));
    if (!st.isDirectory()) throw changedUnderUs(rel, st.isSymbolicLink() ? 'became a symlink' : 'is no longer a directory');
  }
}
