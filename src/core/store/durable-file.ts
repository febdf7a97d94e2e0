/** Replacing a small store file so a crash leaves the old or the new content, never a torn one. */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * Writes `text` to a temp file beside `file` (0600), fsyncs it and renames it over `file`.
 * @example writeFileDurably(join(gitdir, 'cfgtrail-watch.json'), JSON.stringify(state))
 */
export function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
