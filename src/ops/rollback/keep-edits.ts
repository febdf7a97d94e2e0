/**
 * Never overwriting an edit unseen. Just before a file is replaced or deleted,
 * the live file is kept under a `~` name beside it (a hard link, or the file
 * itself for a delete); once the new file is in place, the kept one is
 * compared with the content the plan was made against. Equal: it is removed.
 * Different: someone edited the file while the rollback ran; the kept file
 * stays and is reported. An in-place edit landing any time before the
 * comparison is caught (the link shares the inode); an editor that replaces
 * the file by rename in the microseconds between link and rename is not.
 */
import { closeSync, constants, linkSync, lstatSync, openSync, readlinkSync, readSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dirOf } from './dir-handles.js';
import { nameStem } from './safe-path.js';
import { blobOid } from '../../core/store/scan.js';
import type { Run } from './write-run.js';
import type { FileAction } from './types.js';

/** `.NAME.cfgtrail-kept-<time>~`: ends in `~`, so scans never track it; a clash adds the run's tag. */
function keptName(run: Run, dir: string, name: string): string {
  const base = `.${nameStem(name)}.cfgtrail-kept-${run.stamp}`;
  return exists(run.dirs.at(dir, `${base}~`)) ? `${base}-${run.tag}-${run.n++}~` : `${base}~`;
}

function exists(path: string | Buffer): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false; // missing is the answer
  }
}

/** Renames the staged temp file `tmp` over the live file of `a`, keeping the live file if it was edited meanwhile. */
export function keepThenReplace(run: Run, a: Extract<FileAction, { action: 'write' }>, tmp: string): void {
  const dir = dirOf(a.path);
  const live = run.dirs.at(dir, basename(a.path));
  const kept = keptName(run, dir, basename(a.path));
  const keptPath = run.dirs.at(dir, kept);
  let linked = false;
  try {
    linkSync(live, keptPath);
    linked = true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Nothing there, or a directory (emptied by the deletes) that the rename replaces.
    if (code !== 'ENOENT' && code !== 'EPERM' && code !== 'EISDIR') {
      // A file system without hard links: compare first, and move an edited file aside.
      if (!holds(live, a.was) && exists(live)) {
        renameSync(live, keptPath);
        run.out.kept.push({ path: a.path, keptAt: join(dir, kept) });
      }
    }
  }
  try {
    renameOver(run, a.path, tmp);
  } catch (e) {
    if (linked) rmSync(keptPath, { force: true });
    throw e;
  }
  if (linked) settle(run, a.path, dir, kept, a.was);
}

/** Deletes the live file of `a` by moving it to a kept name, then drops it unless it was edited meanwhile. */
export function keepThenDelete(run: Run, a: Extract<FileAction, { action: 'delete' }>): void {
  const dir = dirOf(a.path);
  const kept = keptName(run, dir, basename(a.path));
  try {
    renameSync(run.dirs.at(dir, basename(a.path)), run.dirs.at(dir, kept));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // already gone: a rerun after a crash
    throw e;
  }
  settle(run, a.path, dir, kept, a.was);
}

function settle(run: Run, path: string, dir: string, kept: string, was: string | undefined): void {
  const keptPath = run.dirs.at(dir, kept);
  if (holds(keptPath, was)) unlinkSync(keptPath);
  else run.out.kept.push({ path, keptAt: join(dir, kept) });
}

/**
 * Renames the temp file over `path`. A directory still there (it must become
 * a file: the deletes emptied it unless something landed in it meanwhile, an
 * editor's swap file or a copy this run kept) is removed when empty, else
 * moved aside whole and reported: never deleted, never left half-replaced.
 */
function renameOver(run: Run, path: string, tmp: string): void {
  const dir = dirOf(path);
  const live = run.dirs.at(dir, basename(path));
  for (let tries = 0; ; tries++) {
    try {
      renameSync(run.dirs.at(dir, tmp), live);
      return;
    } catch (e) {
      // Someone keeps recreating the directory: give up after a few rounds.
      if ((e as NodeJS.ErrnoException).code !== 'EISDIR' || tries === 3) throw e;
    }
    clearDir(run, path);
  }
}

/** Removes the directory at `path` if empty, else moves it to a kept name beside it. */
function clearDir(run: Run, path: string): void {
  const dir = dirOf(path);
  const live = run.dirs.at(dir, basename(path));
  try {
    rmdirSync(live);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // gone meanwhile: the rename can go ahead
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  const kept = keptName(run, dir, basename(path));
  renameSync(live, run.dirs.at(dir, kept));
  const keptAt = join(dir, kept);
  // Copies this run kept inside it went with it.
  for (const k of run.out.kept) if (k.keptAt.startsWith(`${path}/`)) k.keptAt = keptAt + k.keptAt.slice(path.length);
  run.out.kept.push({ path, keptAt, kind: 'directory' });
  run.dirs.forget(path);
  run.touched.add(dir);
}

/** Whether `path` (the kept copy, or a file just chmodded) still holds blob `oid`. */
export function holds(path: string | Buffer, oid: string | undefined): boolean {
  if (oid === undefined) return false;
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return false; // gone: nothing to compare
  }
  if (st.isSymbolicLink()) return blobOid(readlinkSync(path, { encoding: 'buffer' })) === oid;
  if (!st.isFile()) return false;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return blobOid(readAll(fd, st.size)) === oid;
  } finally {
    closeSync(fd);
  }
}

/** Reads up to `size` bytes of an open file from its start. */
export function readAll(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const got = readSync(fd, buf, off, size - off, off);
    if (got === 0) break;
    off += got;
  }
  return buf.subarray(0, off);
}
