/**
 * The rollback journal (`STORE/cfgtrail-rollback.json`): written before the
 * first live file changes and removed when the whole rollback is done
 * (files, commit, restarts, verification and its note), so a rerun after a
 * crash or `rollback --continue` finishes the same rollback instead of
 * planning a new one from a half-restored directory.
 */
import { rmSync } from 'node:fs';
import { writeFileDurably } from '../../core/durable-file.js';
import { readRegularFile } from '../../core/store/lock.js';
import { join } from 'node:path';

export const JOURNAL_FILE = 'cfgtrail-rollback.json';

export interface RollbackJournal {
  /** 1: written before phases were recorded (no `services`, `restarted`, `owner`). */
  version: 1 | 2;
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
  /** Services the rollback's file changes affect, fixed before the first write. */
  services?: string[];
  /** Services restarted since the commit (restart phase done for them). */
  restarted?: string[];
  /** The process carrying the rollback out, to tell a running rollback from an interrupted one. */
  owner?: { pid: number; host: string };
}

/** The journal on disk, or null when there is none or it is unreadable. */
export function readJournal(gitdir: string): RollbackJournal | null {
  let j: RollbackJournal;
  try {
    // Never blocks on a FIFO nor follows a link put in its place.
    j = JSON.parse(readRegularFile(join(gitdir, JOURNAL_FILE))) as RollbackJournal;
  } catch {
    return null; // no journal (or a torn one, which the atomic write never leaves): no interrupted rollback
  }
  const ok = j !== null && typeof j === 'object' && (j.version === 1 || j.version === 2) && typeof j.target === 'string' && typeof j.head === 'string';
  return ok ? j : null;
}

/** Writes the journal durably (temp file, fsync, rename). Caller holds the store lock or owns the journal. */
export function writeJournal(gitdir: string, j: RollbackJournal): void {
  writeFileDurably(join(gitdir, JOURNAL_FILE), JSON.stringify(j, null, 2));
}

export function removeJournal(gitdir: string): void {
  rmSync(join(gitdir, JOURNAL_FILE), { force: true });
}
