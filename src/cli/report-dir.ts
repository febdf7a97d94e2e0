import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CfgtrailError } from '../core/errors.js';
import { writeFileDurably } from '../core/durable-file.js';

/**
 * `--report DIR` of drills and playbooks, made and checked for writing before
 * anything changes: a report that cannot be written is refused up front
 * (exit 8), not found out after a drill or a rollback has run.
 * @throws CfgtrailError UNREADABLE_FILE naming the directory and the system's reason
 */
export function reportDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch (e) {
    throw new CfgtrailError('UNREADABLE_FILE', `--report ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; nothing was changed`, { dir });
  }
}

/**
 * Writes a report's files (`ID.md`, `ID.json`, …) into `dir`, each whole or
 * not at all (temp file, fsync, rename): a report read while it is written,
 * or after a crash, is never torn. Readable as any file the user writes (0644
 * less the umask).
 * @returns the paths written, in the order given
 * @example writeReport(dir, 'DRILL-1', { md: text, json }) // ['DIR/DRILL-1.md', 'DIR/DRILL-1.json']
 */
export function writeReport(dir: string, id: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([ext, text]) => {
    const path = join(dir, `${id}.${ext}`);
    writeFileDurably(path, text, { mode: 0o644 });
    return path;
  });
}
