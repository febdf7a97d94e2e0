/**
 * Errors a user can cause carry a stable `code` (tests check it, the CLI maps
 * it to an exit code) and a `data` bag for front ends. Anything else is a bug.
 */
export type ErrorCode =
  | 'NO_STORE' // no store found walking up from the directory
  | 'STORE_EXISTS' // init on a directory that already has one
  | 'ROOT_MISSING' // the config root vanished or is not a directory
  | 'UNKNOWN_REV' // revision, prefix, tag or HEAD~N that does not resolve
  | 'AMBIGUOUS_REV' // prefix that matches more than one commit
  | 'UNKNOWN_CHANGE_ID'
  | 'DUPLICATE_CHANGE_ID'
  | 'BAD_INPUT' // a flag value that does not make sense (bad date, bad trailer)
  | 'PARSE_ERROR' // a config file that does not parse (with --strict)
  | 'BAD_SETTINGS' // settings.yaml invalid: data has file, line, key
  | 'UNREADABLE_FILE' // a tracked file that cannot be read
  | 'WRITE_FAILED' // a live file a rollback writes, moves or deletes: the system call failed (disk full, busy mount, I/O error)
  | 'CORRUPT_STORE' // missing/damaged object, bad pack, bad ref
  | 'LOCKED' // another cfgtrail process holds the store lock too long
  | 'UNSAFE_PATH' // a store entry that would write outside the root
  | 'NOTHING_TO_DO'
  | 'REFUSED' // needs --yes/--force, or a freeze is in effect
  | 'RESTART_FAILED'
  | 'VERIFY_FAILED'
  | 'METRICS_UNREACHABLE'
  | 'FROZEN' // a change freeze is in effect: snapshot and check refuse
  | 'HOOK_REFUSED' // a pre-* hook in STORE/hooks exited non-zero
  | 'REMOTE_FAILED' // a git server cannot be reached, times out, answers 5xx or not as a git server
  | 'AUTH_FAILED'; // a git server refused the credentials (401/403)

export class CfgtrailError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CfgtrailError';
    this.code = code;
    this.data = data;
  }
}

/** Something that should never happen: the CLI asks the user to file an issue. */
export class BugError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BugError';
  }
}

export function isCfgtrailError(e: unknown, code?: ErrorCode): e is CfgtrailError {
  return e instanceof CfgtrailError && (code === undefined || e.code === code);
}
