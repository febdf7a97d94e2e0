import type { ErrorCode } from '../core/errors.js';

/** Exit codes of every command; the README's table lists the same. */
export const ExitCode = {
  OK: 0,
  /** `status --exit-code` / `diff --exit-code` found drift; `verify` or `check` failed a check. */
  DIFFERENCES: 1,
  USAGE: 2,
  NO_STORE: 3,
  UNKNOWN_REV: 4,
  BAD_INPUT: 5,
  LOCKED: 6,
  STORE_CORRUPT: 7,
  FILESYSTEM: 8,
  NOTHING_TO_DO: 10,
  RESTART_FAILED: 11,
  VERIFY_FAILED: 12,
  REFUSED: 13,
  METRICS_UNREACHABLE: 14,
  /** A change freeze is in effect (`snapshot`, `check`). */
  FROZEN: 15,
  /** A pre-* hook refused the action. */
  HOOK_REFUSED: 16,
  /** `watch --once`: a metric is past its threshold (or an alert fires) and no rollback was made this round. */
  WATCH_BREACH: 17,
  /** `watch --once`: rolled back to the last good revision, and its services verified healthy. */
  WATCH_ROLLED_BACK: 18,
  /** A rollout (`rollback --instances`) stopped at a failed gate, ended with failed instances, or could not roll every instance forward. */
  ROLLOUT_FAILED: 19,
  /** `push`/`fetch`/`pull`: the git server cannot be reached, timed out, failed (5xx) or did not answer as a git server. */
  REMOTE_FAILED: 20,
  /** `push`/`fetch`/`pull`: the git server refused the credentials (HTTP 401/403). */
  AUTH_FAILED: 21,
  INTERNAL: 70,
  /** Ctrl-C (SIGINT) during a rollback: 128 + 2, as shells report it. */
  INTERRUPTED: 130,
  /** SIGTERM during a rollback: 128 + 15. */
  TERMINATED: 143,
} as const;

const BY_CODE: Record<ErrorCode, number> = {
  NO_STORE: ExitCode.NO_STORE,
  STORE_EXISTS: ExitCode.BAD_INPUT,
  ROOT_MISSING: ExitCode.FILESYSTEM,
  UNKNOWN_REV: ExitCode.UNKNOWN_REV,
  AMBIGUOUS_REV: ExitCode.UNKNOWN_REV,
  UNKNOWN_CHANGE_ID: ExitCode.UNKNOWN_REV,
  DUPLICATE_CHANGE_ID: ExitCode.BAD_INPUT,
  BAD_INPUT: ExitCode.BAD_INPUT,
  PARSE_ERROR: ExitCode.BAD_INPUT,
  BAD_SETTINGS: ExitCode.BAD_INPUT,
  UNREADABLE_FILE: ExitCode.FILESYSTEM,
  WRITE_FAILED: ExitCode.FILESYSTEM,
  CORRUPT_STORE: ExitCode.STORE_CORRUPT,
  LOCKED: ExitCode.LOCKED,
  UNSAFE_PATH: ExitCode.STORE_CORRUPT,
  NOTHING_TO_DO: ExitCode.NOTHING_TO_DO,
  REFUSED: ExitCode.REFUSED,
  RESTART_FAILED: ExitCode.RESTART_FAILED,
  VERIFY_FAILED: ExitCode.VERIFY_FAILED,
  METRICS_UNREACHABLE: ExitCode.METRICS_UNREACHABLE,
  FROZEN: ExitCode.FROZEN,
  HOOK_REFUSED: ExitCode.HOOK_REFUSED,
  REMOTE_FAILED: ExitCode.REMOTE_FAILED,
  AUTH_FAILED: ExitCode.AUTH_FAILED,
};

/** The one place where error codes become exit codes. */
export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code];
}
