/** What applyFileActions checks before it writes, and how a system call failing while it writes is reported. */
import { constants as osConstants } from 'node:os';
import { CfgtrailError } from '../../core/errors.js';
import { PATH_MAX } from './safe-path.js';
import type { FileAction } from './types.js';
import { quotePath } from '../../core/path-name.js';

/**
 * A stored symlink whose target no link can have (empty, a NUL byte, longer
 * than a path: only a crafted store has one) is refused before anything is
 * written, since making it would fail half-way.
 * @throws CfgtrailError UNSAFE_PATH
 */
export function checkLinkTargets(actions: FileAction[], readBlob: (oid: string) => Buffer): void {
  for (const a of actions) {
    if (a.action !== 'write' || a.mode !== '120000') continue;
    const target = readBlob(a.oid);
    const why = target.length === 0 ? 'its target is empty' : target.includes(0) ? 'its target has a NUL byte' : target.length > PATH_MAX ? `its target is ${target.length} bytes long, more than a path can have` : null;
    if (why) throw new CfgtrailError('UNSAFE_PATH', `refusing to restore the symlink '${quotePath(a.path)}': ${why} (nothing was changed)`, { path: a.path, why });
  }
}

const ERRNO_NAMES = new Map(Object.entries(osConstants.errno).map(([k, v]) => [v, k]));

/**
 * A system call that failed while the files were being written (disk full,
 * quota, a busy mount point, an I/O error) says which file and what to do:
 * the journal is in place, so the rollback can be finished or aborted once
 * the cause is fixed. Anything else (our own errors, bugs) passes unchanged.
 */
export function writeFailed(e: unknown, path: string | undefined): unknown {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof CfgtrailError || typeof err?.syscall !== 'string' || typeof err.code !== 'string') return e;
  const where = path === undefined ? '' : ` '${quotePath(path)}'`;
  // libuv has no name for some errors (EDQUOT is "Unknown system error -122"): the kernel's name then.
  const name = ERRNO_NAMES.get(-(err.errno ?? 0)) ?? err.code;
  return new CfgtrailError(
    'WRITE_FAILED',
    `cannot write${where}: ${name} (${err.syscall}); the rollback stopped part-way and is pending: fix the cause, then run \`cfgtrail rollback --continue\` to finish, or \`cfgtrail rollback --abort\` to put back what was changed`,
    { path, errno: name, syscall: err.syscall },
    { cause: e },
  );
}
