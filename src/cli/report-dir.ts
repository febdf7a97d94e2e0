import { accessSync, constants, mkdirSync } from 'node:fs';
import { CfgtrailError } from '../core/errors.js';

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
