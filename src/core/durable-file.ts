import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DurableWriteOptions {
  /** Of a new file, less the umask. @default 0o600 (the store's state is private) */
  mode?: number;
  /** The temp file's last suffix: `lock` for refs, whose temp git itself must take for a lock. @default 'tmp' */
  suffix?: string;
  /** Also fsync the directory, so the rename itself survives a crash (refs). @default false */
  syncDir?: boolean;
}

/**
 * Replaces `file` with `text` so that a reader sees the old or the new
 * content, never a torn one, and the new one survives a crash: a temp file
 * beside it (`FILE.PID.tmp`), fsync, rename; a failed write leaves no temp
 * file. Used for refs (src/core/git/refs.ts), the store's state files (the
 * rollback journal, the rollout state, the watcher's state) and reports.
 * @example writeFileDurably(join(gitdir, 'refs/heads/main'), `${oid}\n`, { mode: 0o644, suffix: 'lock', syncDir: true })
 */
export function writeFileDurably(file: string, text: string, opts: DurableWriteOptions = {}): void {
  const tmp = `${file}.${process.pid}.${opts.suffix ?? 'tmp'}`;
  try {
    const fd = openSync(tmp, 'w', opts.mode ?? 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  if (opts.syncDir) fsyncDir(dirname(file));
}

/** fsyncs directory `dir` where the platform and file system allow it (a rename in it is then durable). */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return; // a platform that cannot open directories: the rename is all we can do
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    // Some filesystems refuse fsync on a directory; the rename itself has happened.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}
