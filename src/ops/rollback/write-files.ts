/**
 * Materialising a revision's files in the live directory, one file at a time
 * and atomically: temp file in the same directory, write, fsync, rename. A
 * crash leaves each file wholly old or wholly new (isomorphic-git's
 * `checkout` writes in place, so it is not used here).
 *
 * Directories are held open (see dir-handles.ts), files are opened with
 * O_NOFOLLOW and chmodded/chowned through their descriptor: a symlink swapped
 * in while the rollback runs never leads it outside the root. A file edited
 * while it is being replaced is kept beside it (see keep-edits.ts).
 */
import { closeSync, constants, fchmodSync, fchownSync, fstatSync, fsync, fsyncSync, lchownSync, lstatSync, openSync, readdirSync, rmdirSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { blobOid, ROLLBACK_TEMP } from '../../core/store/scan.js';
import { nameFromBytes } from '../../core/path-name.js';
import { dirOf, openDirHandles, type DirHandles } from './dir-handles.js';
import { keepThenReplace, keepThenDelete, readAll } from './keep-edits.js';
import { assertDirsBecomeFree, nameStem } from './safe-path.js';
import { checkLinkTargets, writeFailed } from './write-errors.js';
import type { FileAction } from './types.js';
import type { Run, WriteOutcome } from './write-run.js';

export interface WriteOptions {
  /** Content of a blob of the store. */
  readBlob: (oid: string) => Buffer;
  /** Restore recorded owners (only root may). */
  chown: boolean;
  /** Called after each file. */
  onFile?: (path: string, action: FileAction['action']) => void;
  /** ms since the epoch, for the names of kept edits. @default Date.now */
  now?: () => number;
}

export type { WriteOutcome } from './write-run.js';

/** Matches ROLLBACK_TEMP (store/scan.ts): the `~` keeps scans from tracking a crash's leftovers. */
function tempName(path: string, run: Run): string {
  return `.${nameStem(basename(path))}.cfgtrail-${process.pid}-${run.tag}-${run.n++}~`;
}

/** Files staged at once: their fsyncs run together, and this many descriptors stay open. */
const BATCH = 64;

/**
 * Carries out `actions` under `root`: deletes first (pruning directories they
 * leave empty), then writes and permission changes; finally fsyncs every
 * directory touched. Paths must have passed `assertSafeActions`.
 *
 * Writes go in batches: each file's temp copy is written, all of the batch
 * are fsynced together (the file system commits concurrent fsyncs at once:
 * 50 files take 6 ms instead of 17 ms here), then renamed over the live files
 * in order. A file is renamed only once its content is on disk.
 * @throws CfgtrailError UNSAFE_PATH when a directory became a symlink before anything was written
 */
export async function applyFileActions(root: string, actions: FileAction[], opts: WriteOptions): Promise<WriteOutcome> {
  const touched = new Set<string>();
  const dirs = openDirHandles(root, (rel) => touched.add(dirOf(rel)));
  const stamp = new Date((opts.now ?? Date.now)()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const run: Run = { dirs, touched, tag: randomBytes(4).toString('hex'), n: 0, stamp, out: { kept: [], written: new Map() } };
  try {
    // Every directory that exists is opened before anything is written: a swap found now changes nothing.
    for (const d of new Set(actions.map((a) => dirOf(a.path)))) dirs.openIfThere(d);
    // Planned before the lock: checked again, since a file may have appeared in such a directory since.
    assertDirsBecomeFree(root, actions);
    checkLinkTargets(actions, opts.readBlob);
    cleanTemps(dirs, new Set(actions.map((a) => dirOf(a.path))));
    try {
      await writeAll(run, actions, opts);
      for (const d of touched) {
        const fd = dirs.fdOf(d);
        run.at = d === '' ? '.' : d;
        if (fd !== undefined) fsyncSync(fd);
      }
    } catch (e) {
      throw writeFailed(e, run.at);
    }
    return run.out;
  } finally {
    dirs.close();
  }
}

async function writeAll(run: Run, actions: FileAction[], opts: WriteOptions): Promise<void> {
  let n = 0;
  const done = async (a: FileAction) => {
    run.touched.add(dirOf(a.path));
    opts.onFile?.(a.path, a.action);
    // Let the lock's heartbeat timer run during long restores.
    if (++n % 32 === 0) await new Promise((r) => setImmediate(r));
  };
  for (const a of actions) {
    if (a.action !== 'delete') continue;
    run.at = a.path;
    if (run.dirs.fdOf(dirOf(a.path)) !== undefined) {
      keepThenDelete(run, a);
      prune(run, dirOf(a.path));
    }
    await done(a);
  }
  const rest = actions.filter((a) => a.action !== 'delete');
  for (let i = 0; i < rest.length; i += BATCH) {
    const batch = rest.slice(i, i + BATCH);
    const staged = await stageBatch(batch, opts, run);
    try {
      for (const [k, a] of batch.entries()) {
        run.at = a.path;
        if (a.action === 'chmod') chmodOne(run, a, opts.chown);
        else if (a.action === 'write') keepThenReplace(run, a, staged[k]!);
        staged[k] = null;
        await done(a);
      }
    } finally {
      // Left by a failure: never tracked, removed anyway.
      for (const [k, tmp] of staged.entries()) if (tmp) rmSync(run.dirs.at(dirOf(batch[k]!.path), tmp), { force: true });
    }
  }
}

/** Writes the batch's temp files and fsyncs them together; returns their names (null for chmod). */
async function stageBatch(batch: FileAction[], opts: WriteOptions, run: Run): Promise<(string | null)[]> {
  const temps: (string | null)[] = [];
  const fds: number[] = [];
  try {
    for (const a of batch) {
      if (a.action !== 'write') {
        temps.push(null);
        continue;
      }
      const dir = dirOf(a.path);
      run.at = a.path;
      run.dirs.openDir(dir, true);
      const tmp = tempName(a.path, run);
      temps.push(tmp);
      const fd = writeTemp(run, run.dirs.at(dir, tmp), a, opts.readBlob(a.oid), opts.chown);
      if (fd !== null) fds.push(fd);
    }
    await Promise.all(fds.map((fd) => new Promise<void>((res, rej) => fsync(fd, (e) => (e ? rej(e) : res())))));
    return temps;
  } catch (e) {
    for (const [k, tmp] of temps.entries()) if (tmp && run.dirs.fdOf(dirOf(batch[k]!.path)) !== undefined) rmSync(run.dirs.at(dirOf(batch[k]!.path), tmp), { force: true });
    throw e;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** Writes one temp file (or link); returns its open descriptor, still to be fsynced (null for a link). */
function writeTemp(run: Run, tmp: string | Buffer, a: Extract<FileAction, { action: 'write' }>, content: Buffer, chown: boolean): number | null {
  const owner = chown && a.uid !== undefined && a.gid !== undefined;
  if (a.mode === '120000') {
    symlinkSync(content, tmp);
    if (owner) lchownSync(tmp, a.uid!, a.gid!);
    const st = lstatSync(tmp);
    run.out.written.set(a.path, { perm: st.mode & 0o7777, uid: st.uid, gid: st.gid });
    return null;
  }
  // O_EXCL never follows a symlink at the name.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    for (let off = 0; off < content.length; ) off += writeSync(fd, content, off);
    // chown before chmod: changing the owner clears setuid/setgid bits.
    if (owner) fchownSync(fd, a.uid!, a.gid!);
    fchmodSync(fd, a.perm);
    const st = fstatSync(fd);
    run.out.written.set(a.path, { perm: st.mode & 0o7777, uid: st.uid, gid: st.gid });
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * Permission (and owner) change through the file's own descriptor. A symlink
 * (or anything but a regular file) put in its place meanwhile is never
 * followed: it is left as it is and reported like any edit made during the
 * rollback, and so is new content (only the mode is this action's business).
 */
function chmodOne(run: Run, a: Extract<FileAction, { action: 'chmod' }>, chown: boolean): void {
  let fd: number;
  try {
    fd = openSync(run.dirs.at(dirOf(a.path), basename(a.path)), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'ENOENT') throw e;
    run.out.kept.push({ path: a.path, keptAt: a.path });
    return;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      run.out.kept.push({ path: a.path, keptAt: a.path });
      return;
    }
    if (chown && a.uid !== undefined && a.gid !== undefined) fchownSync(fd, a.uid, a.gid);
    fchmodSync(fd, a.perm);
    const after = fstatSync(fd);
    run.out.written.set(a.path, { perm: after.mode & 0o7777, uid: after.uid, gid: after.gid });
    if (a.was !== undefined && blobOid(readAll(fd, after.size)) !== a.was) run.out.kept.push({ path: a.path, keptAt: a.path });
  } finally {
    closeSync(fd);
  }
}

/** Git has no empty directories: drop the ones a delete leaves empty, up to the root. */
function prune(run: Run, rel: string): void {
  for (let d = rel; d !== ''; d = dirOf(d)) {
    const parent = dirOf(d);
    try {
      if (readdirSync(run.dirs.at(d, '')).length > 0) break;
      rmdirSync(run.dirs.at(parent, basename(d)));
    } catch {
      break; // not empty any more, already gone or not ours to open: stop pruning
    }
    run.dirs.forget(d);
    run.touched.add(parent);
  }
}

function cleanTemps(dirs: DirHandles, rels: Set<string>): void {
  for (const d of rels) {
    if (dirs.fdOf(d) === undefined) continue; // the directory does not exist yet
    // names as bytes: the temp file of a name that is not UTF-8 has such a name too
    for (const raw of readdirSync(dirs.at(d, ''), { encoding: 'buffer' })) {
      const name = nameFromBytes(raw);
      if (ROLLBACK_TEMP.test(name)) rmSync(dirs.at(d, name), { force: true });
    }
  }
}

