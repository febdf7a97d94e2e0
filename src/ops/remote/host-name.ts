import { CfgtrailError } from '../../core/errors.js';

/**
 * Checks that `name` can be a single git ref component (the fleet contract:
 * `[A-Za-z0-9._-]+`, not starting with `.` or `-`, no `..`, not ending in
 * `.lock`) and returns it.
 * @throws CfgtrailError BAD_INPUT naming what is wrong
 * @example checkRefComponent('web-1', 'host name') // 'web-1'
 */
export function checkRefComponent(name: string, what: string): string {
  const ok = /^[A-Za-z0-9._-]+$/.test(name) && !/^[.-]/.test(name) && !name.includes('..') && !name.endsWith('.lock');
  if (!ok) {
    throw new CfgtrailError('BAD_INPUT', `${what} '${name}' cannot name a git branch: use letters, digits, '.', '_' and '-' (not first, no '..', not ending in '.lock')`, { name });
  }
  return name;
}
