/** Which changes a rollback undoes, and which remaining changes depend on them (from the audit index). */
import type { AuditEntry, Trailer } from '../../core/types.js';
import { eachFirstParent, entryMember, type IndexData } from '../../core/audit/index-store.js';
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
  eachFirstParent(index, head, (col) => {
    if (col.oid === target) {
      reached = true;
      return false;
    }
    const files = inScope ? (entryMember(col.json, 'files', null) as AuditEntry['files']) : null;
    if (!files || files.some((f) => inScope!(f.path))) {
      const changeId = entryMember(col.json, 'changeId', 'title') as string | null;
      undone.push({ commit: col.oid, changeId, title: entryMember(col.json, 'title', 'body') as string });
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
  eachFirstParent(index, head, (col) => {
    if (col.oid === oldest) return false;
    if (!undoneCommits.has(col.oid) && /"depends-on"/i.test(col.json)) {
      for (const id of trailerValues(entryMember(col.json, 'trailers', 'files') as Trailer[], 'Depends-On')) {
        if (!undoneIds.has(id)) continue;
        const dependent = { commit: col.oid, changeId: entryMember(col.json, 'changeId', 'title') as string | null, title: entryMember(col.json, 'title', 'body') as string };
        out.push({ undone: id, dependent });
      }
    }
    return true;
  });
  return out;
}
