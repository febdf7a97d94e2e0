/**
 * Directories of the live config tree opened without following symlinks, and
 * entries read through them, so that a directory or file swapped for a
 * symlink (or a FIFO) while a scan runs can neither redirect the scan outside
 * the config root nor make it hang.
 *
 * A directory is opened with O_NOFOLLOW from its parent's descriptor, and its
 * entries are reached as `/proc/self/fd/<dir>/<name>`: the kernel starts from
 * the open directory and never looks at its path again (Node has no openat;
 * on Linux this is the same thing, as in ops/rollback/dir-handles.ts). Where
 * /proc is missing, paths are used and each use is followed by a check that
 * the directory's path still leads to the descriptor's directory (same dev
 * and inode), which catches a swapped parent unless it is swapped back within
 * that window.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../errors.js';
import { fsPath, nameFromBytes, quotePath } from '../path-name.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
/** O_NONBLOCK: a FIFO swapped in opens at once (and fstat then skips it) instead of waiting for a writer. */
const FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

/** What an entry is: the kinds a scan tracks, the special files it skips, or gone. */
export type EntryKind = 'dir' | 'file' | 'link' | 'gone' | SpecialKind;
export type SpecialKind = 'fifo' | 'socket' | 'device';

/** An open directory of the live tree; `close()` it when done (also on errors). */
export interface LiveDir {
  /** Its path, for messages and for callers' bookkeeping; never opened by a scan through /proc. */
  readonly abs: string;
  /** A path that reaches `name` in this very directory now (open, lstat, readlink, unlink); bytes for a name that is not UTF-8. */
  at(name: string): string | Buffer;
  /** Its entries, sorted by name, with the type readdir gave (lstat where the file system gives none). */
  entries(): Dirent[];
  /** Opens subdirectory `name`; its new kind (or 'gone') when it is no longer a directory. */
  openSub(name: string): LiveDir | EntryKind;
  /** Throws when, without /proc, the path no longer leads to this directory. */
  check(): void;
  close(): void;
}

/** A regular file as read from its descriptor, or what the entry turned out to be instead. */
export type ReadResult = { kind: 'file'; content: Buffer; st: Stats } | { kind: Exclude<EntryKind, 'file'> };

let procWorks: boolean | undefined;

/**
 * Opens the config root (its own path may go through symlinks, its last
 * component may not, as before). `viaProc: false` forces the path fallback.
 * @throws CfgtrailError ROOT_MISSING (other errors, such as EACCES, as they are)
 */
export function openLiveRoot(root: string, opts: { viaProc?: boolean } = {}): LiveDir {
  let fd: number;
  try {
    fd = openSync(root, DIR_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') throw e;
    throw new CfgtrailError('ROOT_MISSING', `config root '${root}' is missing or not a directory`, { root }, { cause: e });
  }
  try {
    procWorks ??= checkProc(fd);
    return makeDir(fd, root, opts.viaProc ?? procWorks);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function makeDir(fd: number, abs: string, viaProc: boolean): LiveDir {
  // Without /proc: the directory's identity, to check that its path still leads to it.
  const self = viaProc ? null : fstatSync(fd);
  const check = () => {
    if (!self) return;
    let now: Stats | null = null;
    try {
      now = lstatSync(fsPath(abs));
    } catch {
      // gone: reported below as changed
    }
    if (!now?.isDirectory() || now.ino !== self.ino || now.dev !== self.dev) throw changedWhileRead(abs);
  };
  const at = viaProc ? (name: string) => fsPath(`/proc/self/fd/${fd}/${name}`) : (name: string) => fsPath(join(abs, name));
  return {
    abs,
    at,
    check,
    entries: () => {
      const from = viaProc ? `/proc/self/fd/${fd}` : fsPath(abs);
      let list = readdirSync(from, { withFileTypes: true });
      // A name that is not valid UTF-8 came back with U+FFFD: read its bytes, keep them as escapes (path-name.ts).
      if (list.some((d) => d.name.includes('\ufffd'))) list = namesFromBytes(readdirSync(from, { withFileTypes: true, encoding: 'buffer' }));
      check();
      return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    openSub: (name) => {
      let sub: number;
      try {
        sub = openSync(at(name), DIR_FLAGS);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return kindAt(at(name));
        throw e;
      }
      try {
        check();
        return makeDir(sub, join(abs, name), viaProc);
      } catch (e) {
        closeSync(sub);
        throw e;
      }
    },
    close: () => closeSync(fd),
  };
}

/**
 * Reads `name` in `dir` if it is a regular file: opened without following a
 * symlink and without waiting on a FIFO, checked with fstat, read from the
 * descriptor (so type, permissions and content are of one and the same file).
 */
export function readFileIn(dir: LiveDir, name: string): ReadResult {
  let fd: number;
  try {
    fd = openSync(dir.at(name), FILE_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { kind: 'link' }; // O_NOFOLLOW on a symlink
    if (code === 'ENOENT') return { kind: 'gone' };
    if (code === 'ENXIO') return { kind: 'socket' }; // a socket cannot be opened
    throw e;
  }
  try {
    dir.check();
    const st = fstatSync(fd);
    const kind = kindOf(st);
    return kind === 'file' ? { kind, content: readAll(fd, st.size), st } : { kind };
  } finally {
    closeSync(fd);
  }
}

/** Dirents read with `encoding: 'buffer'`, their names as name strings. */
function namesFromBytes(list: Dirent<Buffer>[]): Dirent[] {
  return list.map((d) => Object.assign(d, { name: nameFromBytes(d.name) }));
}

/** Content of the regular file at `path` (a symlink is not followed, a FIFO not waited on); null when it is anything else or gone. */
export function readRegularFile(path: string | Buffer): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, FILE_FLAGS);
  } catch {
    return null; // a symlink, gone or unopenable: not a regular file we can read
  }
  try {
    return readIfRegular(fd);
  } finally {
    closeSync(fd);
  }
}

/** As readRegularFile, but throws: the open's error (ELOOP for a symlink, ENOENT), or ENOTREG when it is not a regular file. */
export function readRegularFileOrThrow(path: string): Buffer {
  const fd = openSync(path, FILE_FLAGS);
  try {
    const content = readIfRegular(fd);
    if (content === null) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREG' });
    return content;
  } finally {
    closeSync(fd);
  }
}

/** The content of the open `fd` if it is a regular file (checked with fstat), else null. */
function readIfRegular(fd: number): Buffer | null {
  const st = fstatSync(fd);
  return st.isFile() ? readAll(fd, st.size) : null;
}

/** What the entry at `path` is now (lstat); 'gone' when it is missing. */
export function kindAt(path: string | Buffer): EntryKind {
  try {
    return kindOf(lstatSync(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return 'gone';
    throw e;
  }
}

/** The kind of a readdir entry or a stat result. */
export function kindOf(s: Stats | Dirent): EntryKind {
  if (s.isDirectory()) return 'dir';
  if (s.isFile()) return 'file';
  if (s.isSymbolicLink()) return 'link';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  return 'device';
}

export function changedWhileRead(path: string): CfgtrailError {
  return new CfgtrailError('UNREADABLE_FILE', `'${quotePath(path)}' changed while it was being read; run the command again`, { path });
}

/** `size` bytes from `fd` (fewer if the file shrank; none are waited for); a size of 0 reads to the end. */
function readAll(fd: number, size: number): Buffer {
  if (size === 0) {
    const parts: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(8192);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return Buffer.concat(parts);
      parts.push(chunk.subarray(0, n));
    }
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  while (pos < size) {
    const n = readSync(fd, buf, pos, size - pos, null);
    if (n === 0) return buf.subarray(0, pos);
    pos += n;
  }
  return buf;
}

/** Whether `/proc/self/fd/<fd>` reaches the open directory `fd` (false where /proc is missing). */
export function checkProc(fd: number): boolean {
  try {
    return statSync(`/proc/self/fd/${fd}`).isDirectory();
  } catch {
    return false; // no /proc: fall back to checked paths
  }
}
