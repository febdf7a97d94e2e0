/**
 * The rollback journal (`STORE/cfgtrail-rollback.json`): written before the
 * first live file changes and removed when the rollback is done, so a rerun
 * after a crash finishes the same rollback instead of planning a new one
 * from a half-restored directory.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const JOURNAL_FILE = 'cfgtrail-rollback.json';

export interface RollbackJournal {
  version: 1;
  /** HEAD before the rollback started (before any drift snapshot). */
  head: string;
  preRollbackCommit: string | null;
  /** Set once the rollback commit exists. */
  commit: string | null;
  target: string;
  files: string[] | null;
  reason: string | null;
  restart: boolean;
  verify: boolean;
  startedAt: string;
}

/** The pending journal, or null when there is none or it is unreadable. */
export function readJournal(gitdir: string): RollbackJournal | null {
  try {
    const j = JSON.parse(readFileSync(join(gitdir, JOURNAL_FILE), 'utf8')) as RollbackJournal;
    return j.version === 1 && typeof j.target === 'string' && typeof j.head === 'string' ? j : null;
  } catch {
    return null; // no journal: no interrupted rollback
  }
}

/** Writes the journal durably (temp file, fsync, rename). Caller holds the store lock. */
export function writeJournal(gitdir: string, j: RollbackJournal): void {
  const file = join(gitdir, JOURNAL_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(j, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function removeJournal(gitdir: string): void {
  rmSync(join(gitdir, JOURNAL_FILE), { force: true });
}
