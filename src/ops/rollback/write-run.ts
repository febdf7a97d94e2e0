import type { DirHandles } from './dir-handles.js';
import type { WrittenFile } from './states.js';
import type { KeptEdit } from './types.js';

/** What the writes did: edits kept aside, and the permissions and owner each written file got. */
export interface WriteOutcome {
  kept: KeptEdit[];
  written: Map<string, WrittenFile>;
}

/** What one applyFileActions call tracks (write-files.ts; keep-edits.ts moves live files aside within it). */
export interface Run {
  dirs: DirHandles;
  /** Relative directories to fsync at the end. */
  touched: Set<string>;
  /** Random per call; with a counter, it makes every temp name unique (names are cut to 180 bytes). */
  tag: string;
  n: number;
  stamp: string;
  out: WriteOutcome;
  /** The path being written, deleted or chmodded: named if a system call fails. */
  at?: string;
}
