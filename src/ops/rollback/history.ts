/** Which changes a rollback undoes, and which remaining changes depend on them (from the audit index). */
import type { AuditEntry, Trailer } from '../../core/types.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { eachFirstParent } from '../../core/audit/first-parent.js';
import { trailerValues } from '../../core/record/trailers.js';
import type { ChangeRef, DependencyWarning } from './types.js';

/**
 * Commits after `target` on HEAD's first-parent line, newest first; with
 * `inScope`, only those that touched a path in scope. `reached` is false when
 * `target` is not on that line (then nothing counts as undone). Reads only
 * the members it needs of each entry: a rollback may undo thousands.
 */
export function undoneChanges(index: IndexData, head: string, target: string, inScope?: (path: string) => boolean): { undone: ChangeRef[]; reached: boolean } {
  const undone: ChangeRef[] = [];
  let reached = false;
  eachFirstParent(index, head, (e) => {
    if (e.oid === target) {
      reached = true;
      return false;
    }
    const files = inScope ? (e.member('files', null) as AuditEntry['files']) : null;
    if (!files || files.some((f) => inScope!(f.path))) {
      undone.push({ commit: e.oid, changeId: e.changeId, title: e.title });
    }
    return true;
  });
  return reached ? { undone, reached } : { undone: [], reached };
}

/**
 * Changes on HEAD's line that stay in effect but name an undone change in
 * `Depends-On`. Only changes later than an undone one can depend on it, so
 * the walk stops at the oldest undone change; entries that mention no
 * Depends-On trailer are stepped over without parsing.
 */
export function dependencyWarnings(index: IndexData, head: string, undone: ChangeRef[]): DependencyWarning[] {
  const undoneIds = new Set(undone.map((u) => u.changeId).filter((x): x is string => x !== null));
  const undoneCommits = new Set(undone.map((u) => u.commit));
  const oldest = undone[undone.length - 1]?.commit;
  if (undoneIds.size === 0) return [];
  const out: DependencyWarning[] = [];
  eachFirstParent(index, head, (e) => {
    if (e.oid === oldest) return false;
    if (undoneCommits.has(e.oid)) return true;
    const trailers = e.memberText('trailers', 'files');
    if (/"depends-on"/i.test(trailers)) {
      for (const id of trailerValues(JSON.parse(trailers) as Trailer[], 'Depends-On')) {
        if (!undoneIds.has(id)) continue;
        const dependent = { commit: e.oid, changeId: e.changeId, title: e.title };
        out.push({ undone: id, dependent });
      }
    }
    return true;
  });
  return out;
}
