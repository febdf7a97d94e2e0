/**
 * Which process owns a lock or a journal, and whether it still runs. A pid
 * is only checked on the host that wrote it; another host's owner (a store
 * on a shared file system) is taken to be alive.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessOwner {
  pid: number;
  host: string;
  /** The command line, for messages (`cfgtrail rollback --previous --yes`). */
  command?: string;
  /** ISO time the owner started holding. */
  since?: string;
}

/** This process as an owner. */
export function thisProcess(command?: string): ProcessOwner {
  return { pid: process.pid, host: hostname(), ...(command ? { command } : {}), since: new Date().toISOString() };
}

/** True when `owner` is this very process. */
export function isThisProcess(owner: ProcessOwner): boolean {
  return owner.pid === process.pid && owner.host === hostname();
}

/**
 * False only when the owner certainly no longer runs: same host, and no
 * process with its pid (or one that is not a cfgtrail/node process, a
 * reused pid).
 */
export function ownerAlive(owner: ProcessOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // EPERM: it runs, as another user
  }
  return !pidReused(owner.pid);
}

/** A pid now held by a process that cannot be a cfgtrail command (Linux only; elsewhere: not known, so not reused). */
function pidReused(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false; // no /proc: cannot tell
  }
  return !/node|cfgtrail/.test(cmdline);
}

/** `pid 1234 (cfgtrail rollback --previous, since 10:02:03Z)` for messages. */
export function describeOwner(owner: ProcessOwner): string {
  if (owner.pid === 0) return owner.command ?? 'an unknown process';
  const parts = [owner.command, owner.since ? `since ${owner.since}` : undefined].filter(Boolean);
  const host = owner.host === hostname() ? '' : ` on ${owner.host}`;
  return `pid ${owner.pid}${host}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
