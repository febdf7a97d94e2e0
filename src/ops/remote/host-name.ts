import { CfgtrailError } from '../../core/errors.js';

/**
 * The longest component: a loose ref file and its `.lock`/`.PID.lock` must fit a
 * file name (255 bytes); a server's packed-refs can hold longer names.
 */
const MAX_COMPONENT = 200;

/**
 * Checks that `name` can be a single git ref component (the fleet contract:
 * up to 200 of `[A-Za-z0-9._-]`, not starting with `.` or `-`, no `..`, not ending in
 * `.lock`) and returns it.
 * @throws CfgtrailError BAD_INPUT naming what is wrong
 * @example checkRefComponent('web-1', 'host name') // 'web-1'
 */
export function checkRefComponent(name: string, what: string): string {
  const ok = /^[A-Za-z0-9._-]+$/.test(name) && !/^[.-]/.test(name) && !name.includes('..') && !name.endsWith('.lock') && name.length <= MAX_COMPONENT;
  if (!ok) {
    throw new CfgtrailError('BAD_INPUT', `${what} '${name.length > MAX_COMPONENT ? `${name.slice(0, 40)}…` : name}' cannot name a git branch: use up to ${MAX_COMPONENT} letters, digits, '.', '_' and '-' (not first, no '..', not ending in '.lock')`, { name });
  }
  return name;
}

/** True when {@link checkRefComponent} accepts `name`. */
export function isRefComponent(name: string): boolean {
  try {
    checkRefComponent(name, 'name');
    return true;
  } catch {
    return false; // not a valid component
  }
}
