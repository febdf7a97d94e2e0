/**
 * The pre-rollback checklist of a playbook, evaluated (not printed): is there
 * a change in the incident window, would the rollback break a dependency,
 * does the target exist and read cleanly, who is notified. Each check is a
 * small verdict; {@link evaluateChecklist} gathers their inputs.
 */
import type { Store } from '../../core/store/open.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { lastGoodCommit } from '../../core/audit/verification-notes.js';
import { parseCommit } from '../../core/git/commit.js';
import { readTreeRecursive } from '../../core/git/tree.js';
import { isoDate } from '../../core/audit/record.js';
import { isCfgtrailError } from '../../core/errors.js';
import { findSuspects } from '../suspects.js';
import { describeTarget } from '../alerts.js';
import type { AlertTarget } from '../watch/config.js';
import type { DependencyWarning } from '../rollback/types.js';
import type { CheckName, CheckResult, Checklist, WindowChange } from './types.js';

export interface ChecklistInput {
  /** The revision the playbook rolls back to (a rollout: the local revision its name resolves to). */
  target: string;
  /** What the rollback plan says stays in effect but depends on an undone change. */
  dependencies: DependencyWarning[];
  alerts: AlertTarget[];
  /** Seconds since the epoch. */
  now: number;
  /** Failing checks to pass over (`--force`). */
  force: boolean;
}

/**
 * Evaluates every check. The window is "since the last good verification"
 * (or the target's own time when nothing passed verification yet).
 * @example evaluateChecklist(store, index, { target, dependencies: plan.dependencies, alerts, now, force: false }).checks
 */
export function evaluateChecklist(store: Store, index: IndexData, input: ChecklistInput): Checklist {
  const since = windowStart(store, index, input.target);
  const found = findSuspects(store, index, { at: input.now, windowSeconds: Math.max(0, input.now - since.seconds) });
  // The last good commit itself is where the window starts, not a suspect.
  const changes: WindowChange[] = found.suspects
    .filter((s) => s.commit !== since.commit)
    .sort((a, b) => a.secondsBefore - b.secondsBefore)
    .map((s) => ({ commit: s.commit, changeId: s.changeId, title: s.title, date: s.date, kind: s.kind, author: `${s.author.name} <${s.author.email}>`, files: s.files.length }));
  const notified = input.alerts.map(describeTarget);
  const checks = [
    windowCheck(changes, since.date),
    dependencyCheck(input.dependencies),
    targetCheck(store, input.target),
    notifyCheck(notified),
  ];
  const forced: CheckName[] = input.force ? checks.filter((c) => c.status === 'fail').map((c) => c.name) : [];
  return { checks, window: { since: since.date, changes }, notified, forced };
}

/** The failing checks that stop the run (none when forced). */
export function blockingChecks(c: Checklist): CheckResult[] {
  return c.checks.filter((x) => x.status === 'fail' && !c.forced.includes(x.name));
}

function windowStart(store: Store, index: IndexData, target: string): { commit: string; seconds: number; date: string } {
  const commit = lastGoodCommit(store, index) ?? target;
  const a = parseCommit(store.objects.read(commit).content).author;
  return { commit, seconds: a.timestamp, date: isoDate(a.timestamp, a.timezoneOffset) };
}

/** A change (not only freezes or records) since the last good verification. */
export function windowCheck(changes: WindowChange[], since: string): CheckResult {
  // Freezes, rollbacks and event records (a rollout's, a playbook's) are not what broke things.
  const real = changes.filter((c) => (c.kind === 'change' || c.kind === 'revert' || c.kind === 'drill') && c.files > 0);
  if (real.length === 0) return { name: 'incident-window', status: 'fail', detail: `no change recorded since the last good verification (${since}): a rollback would undo nothing` };
  const newest = real[0]!;
  return { name: 'incident-window', status: 'pass', detail: `${real.length} change${real.length === 1 ? '' : 's'} since ${since}; newest ${newest.commit.slice(0, 7)} "${newest.title}" by ${newest.author} at ${newest.date}` };
}

/** No change that stays in effect names an undone one in Depends-On. */
export function dependencyCheck(deps: DependencyWarning[]): CheckResult {
  if (deps.length === 0) return { name: 'dependencies', status: 'pass', detail: 'no change that stays in effect depends on an undone one' };
  const list = deps.map((d) => `${d.dependent.changeId ?? d.dependent.commit.slice(0, 7)} ("${d.dependent.title}") depends on ${d.undone}`).join('; ');
  return { name: 'dependencies', status: 'fail', detail: `the rollback would break ${deps.length} dependenc${deps.length === 1 ? 'y' : 'ies'}: ${list}` };
}

/** The target commit, its trees and every blob read and match their hashes. */
export function targetCheck(store: Store, target: string): CheckResult {
  try {
    const c = parseCommit(store.objects.read(target).content);
    const files = readTreeRecursive(store.objects, c.tree, { strict: true });
    for (const f of files.values()) if (f.mode !== '160000') store.objects.read(f.oid);
    return { name: 'target', status: 'pass', detail: `${target.slice(0, 7)} and its ${files.size} file${files.size === 1 ? '' : 's'} read cleanly` };
  } catch (e) {
    if (!isCfgtrailError(e)) throw e;
    return { name: 'target', status: 'fail', detail: `${target.slice(0, 7)} does not read cleanly: ${e.message}` };
  }
}

/** Who hears about it; nobody is worth saying, not worth stopping a recovery for. */
export function notifyCheck(notified: string[]): CheckResult {
  if (notified.length === 0) return { name: 'notify', status: 'warn', detail: 'nobody is notified: no watch.alerts configured' };
  return { name: 'notify', status: 'pass', detail: `notified: ${notified.join(', ')}` };
}
