/** Shared data shapes of the core. Pure data: no behaviour here. */

/** One step of a field path: a map key, a list position, or a key-matched list entry such as `{ name: 'nginx' }`. */
export type PathSegment = string | number | Record<string, string>;

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One field that differs between two parsed config trees. */
export interface FieldChange {
  file: string;
  path: PathSegment[];
  /** `spec.containers[name=nginx].image`, `items[2]`, `"a.b".c` for keys that need quoting. */
  pathText: string;
  kind: ChangeKind;
  from?: unknown;
  to?: unknown;
}

export type FileStatus = 'added' | 'modified' | 'deleted' | 'mode' | 'typechange';

/** How one file differs between two revisions (or a revision and the live directory). */
export interface FileDiff {
  file: string;
  status: FileStatus;
  /** tree: compared as parsed YAML/JSON; text: unified diff; binary: sizes only; link: a symlink's target. */
  format: 'tree' | 'text' | 'binary' | 'link';
  changes: FieldChange[];
  /** Only for tree files: bytes differ but no field does (comments, key order, spacing). */
  formattingOnly?: boolean;
  /** Unified diff, for text files and for tree files that do not parse. */
  patch?: string;
  /** Why a YAML/JSON file fell back to a text diff: `config.yaml:3:7: ...`. */
  warning?: string;
  /** Why only part of a large file is shown (over `diff_max_bytes`, or too many changed lines). */
  summary?: string;
  fromSize?: number;
  toSize?: number;
  /** A `secret_files` file: its content is never shown, only sizes and `<redacted:…>` tags of each side. */
  secret?: { fromTag?: string; toTag?: string };
  fromMode?: string;
  toMode?: string;
  /** A symlink (`format: 'link'`): its target on each side it exists on. */
  link?: { from?: string; to?: string };
}

export interface Trailer {
  key: string;
  value: string;
}

export interface Person {
  name: string;
  email: string;
}

/** A commit as the audit log shows it (`log --json` shape). */
export interface AuditEntry {
  commit: string;
  parents: string[];
  changeId: string | null;
  title: string;
  body: string;
  author: Person;
  /** ISO 8601 with the author's UTC offset, e.g. `2026-11-26T15:19:07+01:00`. */
  date: string;
  trailers: Trailer[];
  /** `mode` only for a permission-only change (`status: 'mode'`): `{from: '0644', to: '0640'}`. */
  files: { path: string; status: FileStatus; mode?: { from: string; to: string } }[];
}

/** What the derived audit index keeps per commit: the `log --json` entry plus what queries need. */
export interface IndexRecord extends AuditEntry {
  /** Author time, seconds since the epoch. */
  timestamp: number;
  /** Field paths this commit changed, each `${file}\t${pathText}` (tree files only). */
  fields: string[];
}

/** An audit query: every given condition must hold (AND). */
export interface AuditFilter {
  /** Seconds since the epoch, inclusive. */
  since?: number;
  until?: number;
  author?: RegExp;
  grep?: RegExp;
  changeId?: string;
  trailers?: Trailer[];
  risk?: string;
  component?: string;
  /** Path relative to the config root. */
  file?: string;
  /** Field path as in `pathText`, e.g. `database.pool.max`; optionally `file:path`. */
  field?: string;
  limit?: number;
}
