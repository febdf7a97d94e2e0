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
  /**
   * The process's start time in clock ticks since boot (/proc/PID/stat field
   * 22, Linux): compared exactly, it tells a reused pid from the owner
   * without mixing the wall clock in (it can stand a second or more apart
   * from the boot-time estimate on a virtual machine).
   */
  startTicks?: number;
}

/** This process as an owner. */
export function thisProcess(command?: string): ProcessOwner {
  myStartTicks ??= startTicksOf(process.pid);
  return { pid: process.pid, host: hostname(), ...(command ? { command } : {}), since: new Date().toISOString(), ...(myStartTicks !== null ? { startTicks: myStartTicks } : {}) };
}

let myStartTicks: number | null | undefined;

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
  return !pidReused(owner);
}

/**
 * The owner's pid now belongs to another process: one that started after the
 * owner recorded itself, or that cannot be a cfgtrail command (Linux only;
 * elsewhere: not known, so not reused).
 */
function pidReused(owner: ProcessOwner): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${owner.pid}/cmdline`, 'utf8');
  } catch {
    return false; // no /proc: cannot tell
  }
  if (!/node|cfgtrail/.test(cmdline)) return true;
  if (typeof owner.startTicks === 'number') {
    const ticks = startTicksOf(owner.pid);
    return ticks !== null && ticks !== owner.startTicks;
  }
  // Written by an older cfgtrail: the start time against the wall clock, with slack.
  const started = processStartMs(owner.pid);
  const since = owner.since ? Date.parse(owner.since) : NaN;
  // A second of slack: the boot time and clock ticks are coarse.
  return started !== null && Number.isFinite(since) && started > since + 1_000;
}

/** A process's start time in clock ticks since boot, from /proc; null when it cannot be read. */
function startTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isInteger(ticks) ? ticks : null;
  } catch {
    return null; // gone meanwhile, or no /proc
  }
}

/** When a process started (ms since the epoch), from /proc; null when it cannot be read. */
function processStartMs(pid: number): number | null {
  const ticks = startTicksOf(pid);
  try {
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (ticks === null || !Number.isFinite(btime)) return null;
    return (btime + ticks / CLOCK_TICKS) * 1000;
  } catch {
    return null; // no /proc
  }
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

/** `pid 1234 (cfgtrail rollback --previous, since 10:02:03Z)` for messages. */
export function describeOwner(owner: ProcessOwner): string {
  if (owner.pid === 0) return owner.command ?? 'an unknown process';
  const parts = [owner.command, owner.since ? `since ${owner.since}` : undefined].filter(Boolean);
  const host = owner.host === hostname() ? '' : ` on ${owner.host}`;
  return `pid ${owner.pid}${host}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
