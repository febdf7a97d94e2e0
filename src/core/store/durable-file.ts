import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * Replaces `file` with `text` so that a reader sees the old or the new
 * content, never a torn one, and the new one survives a crash: a private
 * temp file beside it, fsync, rename. Used for the store's state files (the
 * rollback journal, the rollout state, the watcher's state) and reports.
 * @param mode of a new file, less the umask. @default 0o600 (the store's state is private)
 */
export function writeFileDurably(file: string, text: string, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
