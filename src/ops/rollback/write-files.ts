/**
 * Materialising a revision's files in the live directory, one file at a time
 * and atomically: temp file in the same directory, write, fsync, rename. A
 * crash leaves each file wholly old or wholly new (isomorphic-git's
 * `checkout` writes in place, so it is not used here).
 */
import {
  closeSync, fchmodSync, fchownSync, fsyncSync, lchownSync, chmodSync, chownSync, lstatSync, mkdirSync, openSync,
  readdirSync, renameSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { FileAction } from './types.js';

export interface WriteOptions {
  /** Content of a blob of the store. */
  readBlob: (oid: string) => Buffer;
  /** Restore recorded owners (only root may). */
  chown: boolean;
  /** Called after each file. */
  onFile?: (path: string, action: FileAction['action']) => void;
}

/** Temp names end in `~`, which scans never track, so a crash's leftovers are never recorded. */
const TEMP = /^\..*\.cfgtrail-\d+-[0-9a-f]{8}~$/;

function tempName(abs: string): string {
  return join(dirname(abs), `.${basename(abs).slice(0, 180)}.cfgtrail-${process.pid}-${randomBytes(4).toString('hex')}~`);
}

/**
 * Carries out `actions` under `root`: deletes first (pruning directories they
 * leave empty), then writes and permission changes; finally fsyncs every
 * directory touched. Paths must have passed `assertSafeActions`.
 */
export async function applyFileActions(root: string, actions: FileAction[], opts: WriteOptions): Promise<void> {
  const dirs = new Set<string>();
  const ordered = [...actions.filter((a) => a.action === 'delete'), ...actions.filter((a) => a.action !== 'delete')];
  cleanTemps(new Set(actions.map((a) => dirname(join(root, a.path)))));
  let n = 0;
  for (const a of ordered) {
    const abs = join(root, a.path);
    if (a.action === 'delete') deleteOne(root, abs, dirs);
    else if (a.action === 'chmod') chmodOne(abs, a, opts.chown);
    else writeOne(root, abs, a, opts.readBlob(a.oid), opts.chown, dirs);
    dirs.add(dirname(abs));
    opts.onFile?.(a.path, a.action);
    // Let the lock's heartbeat timer run during long restores.
    if (++n % 32 === 0) await new Promise((r) => setImmediate(r));
  }
  for (const d of dirs) fsyncDir(d);
}

function writeOne(root: string, abs: string, a: Extract<FileAction, { action: 'write' }>, content: Buffer, chown: boolean, dirs: Set<string>): void {
  makeParents(root, dirname(abs), dirs);
  const tmp = tempName(abs);
  try {
    if (a.mode === '120000') {
      symlinkSync(content.toString('utf8'), tmp);
      if (chown && a.uid !== undefined && a.gid !== undefined) lchownSync(tmp, a.uid, a.gid);
    } else {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        for (let off = 0; off < content.length; ) off += writeSync(fd, content, off);
        // chown before chmod: changing the owner clears setuid/setgid bits.
        if (chown && a.uid !== undefined && a.gid !== undefined) fchownSync(fd, a.uid, a.gid);
        fchmodSync(fd, a.perm);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    const st = lstatOrNull(abs);
    if (st?.isDirectory()) rmdirSync(abs); // an empty directory left where the file goes
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function chmodOne(abs: string, a: Extract<FileAction, { action: 'chmod' }>, chown: boolean): void {
  if (chown && a.uid !== undefined && a.gid !== undefined) chownSync(abs, a.uid, a.gid);
  chmodSync(abs, a.perm);
}

function deleteOne(root: string, abs: string, dirs: Set<string>): void {
  try {
    unlinkSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // already gone: a rerun after a crash
  }
  // Git has no empty directories: drop the ones the delete leaves empty.
  for (let d = dirname(abs); d !== root && d.startsWith(`${root}/`); d = dirname(d)) {
    try {
      if (readdirSync(d).length > 0) break;
      rmdirSync(d);
      dirs.add(dirname(d));
    } catch {
      break; // not empty any more or already gone: stop pruning
    }
  }
}

function makeParents(root: string, dir: string, dirs: Set<string>): void {
  if (lstatOrNull(dir)) return;
  mkdirSync(dir, { recursive: true });
  for (let d = dir; d !== root && d.startsWith(`${root}/`); d = dirname(d)) dirs.add(dirname(d));
}

function cleanTemps(dirs: Set<string>): void {
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue; // the directory does not exist yet
    }
    for (const name of names) if (TEMP.test(name)) rmSync(join(d, name), { force: true });
  }
}

function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // pruned away
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null; // missing is the answer here
  }
}
