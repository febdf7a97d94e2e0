/** Which changes a rollback undoes, and which remaining changes depend on them (from the audit index). */
import type { AuditEntry, Trailer } from '../../core/types.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { eachFirstParent, type FirstParentEntry } from '../../core/audit/first-parent.js';
import { trailerValues } from '../../core/record/trailers.js';
import type { ChangeRef, DependencyWarning } from './types.js';
import { CfgtrailError } from '../../core/errors.js';
import { freezeRecordOf } from '../../core/record/freeze.js';

/** Whether a first-parent entry is a freeze or unfreeze record (commits with no Change-Id only: cfgtrail's changes all have one). */
function isFreezeEntry(e: FirstParentEntry): boolean {
  const text = e.memberText('trailers', 'files');
  return /"key":"freeze"/i.test(text) && freezeRecordOf(JSON.parse(text) as Trailer[]) !== null;
}

/**
 * Whether an entry is stepped over as no change of its own: a freeze record,
 * a rollout's record (it changes no file: the rollout acted on other hosts),
 * or a commit of a drill (its bad change, its recovery, its record: together
 * they change nothing, and the state before the recovery is the drill's fault).
 */
function isRecordEntry(e: FirstParentEntry): boolean {
  if (e.changeId === null && isFreezeEntry(e)) return true;
  const text = e.memberText('trailers', 'files');
  if (!/"key":"(drill|rollout)"/i.test(text)) return false;
  const trailers = JSON.parse(text) as Trailer[];
  return trailerValues(trailers, 'Drill').length > 0 || (e.changeId === null && trailerValues(trailers, 'Rollout').length > 0);
}

/**
 * `rollback --previous`: the state before the newest change on HEAD's
 * first-parent line, stepping over freeze and unfreeze records (they change
 * no file, so the state before them is their own) and drills: the parent of the newest
 * change, or the change below that parent's freeze records.
 * @throws CfgtrailError UNKNOWN_REV when no change has a parent
 * @example previousTarget(index, head) // the parent of the newest change
 */
export function previousTarget(index: IndexData, head: string): string {
  let changes = 0;
  let target: string | null = null;
  let last: string | null = null;
  eachFirstParent(index, head, (e) => {
    if (isRecordEntry(e)) {
      if (changes === 1 && last === null) last = e.oid;
      return true;
    }
    changes += 1;
    if (changes === 2) target = e.oid;
    return changes < 2;
  });
  // Only freeze records below the newest change: the first of them (same files as the root state).
  target ??= last;
  if (target === null) throw new CfgtrailError('UNKNOWN_REV', 'there is no change before the newest one to go back to', { head });
  return target;
}

/**
 * `commit`, or the change below it when it is a freeze or unfreeze record
 * (the same files, named by the change that made them): `rollback
 * --last-good` then names a change, not a freeze.
 */
export function changeAtOrBelow(index: IndexData, commit: string): string {
  let found: string | null = null;
  eachFirstParent(index, commit, (e) => {
    if (isRecordEntry(e)) return true;
    found = e.oid;
    return false;
  });
  return found ?? commit;
}

/**
 * Commits after `target` on HEAD's first-parent line, newest first; with
 * `inScope`, only those that touched a path in scope. `reached` is false when
 * `target` is not on that line (then nothing counts as undone). A change that
 * also touched paths out of scope carries `partly`: its files in scope. Reads only
 * the members it needs of each entry: a rollback may undo thousands.
 *
 * `dependencies`: the changes on that line that stay in effect (out of scope)
 * but name an undone change in `Depends-On`, found in the same walk. Only a
 * change later than an undone one can depend on it, so those older than the
 * oldest undone change do not count; entries that mention no Depends-On
 * trailer are stepped over without parsing.
 */
export function undoneChanges(
  index: IndexData,
  head: string,
  target: string,
  inScope?: (path: string) => boolean,
): { undone: ChangeRef[]; dependencies: DependencyWarning[]; reached: boolean } {
  const undone: ChangeRef[] = [];
  // Kept changes that name some Depends-On, with how many undone changes were newer than them.
  const kept: { ref: ChangeRef; dependsOn: string[]; undoneBefore: number }[] = [];
  let reached = false;
  eachFirstParent(index, head, (e) => {
    if (e.oid === target) {
      reached = true;
      return false;
    }
    // A freeze record changes no file: a rollback past it undoes nothing of it (the freeze stays).
    if (e.changeId === null && isFreezeEntry(e)) return true;
    const ref: ChangeRef = { commit: e.oid, changeId: e.changeId, title: e.title };
    const files = inScope ? (e.member('files', null) as AuditEntry['files']) : null;
    const touched = files?.filter((f) => inScope!(f.path)).map((f) => f.path);
    if (!files || touched!.length > 0) {
      // A change whose other files stay as they are is only partly undone: say which of its files are.
      undone.push(files && touched!.length < files.length ? { ...ref, partly: touched } : ref);
      return true;
    }
    const trailers = e.memberText('trailers', 'files');
    if (/"depends-on"/i.test(trailers)) kept.push({ ref, dependsOn: trailerValues(JSON.parse(trailers) as Trailer[], 'Depends-On'), undoneBefore: undone.length });
    return true;
  });
  if (!reached) return { undone: [], dependencies: [], reached };
  const undoneIds = new Set(undone.map((u) => u.changeId).filter((x): x is string => x !== null));
  const dependencies: DependencyWarning[] = [];
  for (const k of kept) {
    if (k.undoneBefore === undone.length) continue; // older than every undone change
    for (const id of k.dependsOn) if (undoneIds.has(id)) dependencies.push({ undone: id, dependent: k.ref });
  }
  return { undone, dependencies, reached };
}
