/** Which changes a rollback undoes, and which remaining changes depend on them (from the audit index). */
import type { AuditEntry } from '../../core/types.js';
import { eachNewestFirst, splitLine, type IndexData } from '../../core/audit/index-store.js';
import { trailerValues } from '../../core/record/trailers.js';
import type { ChangeRef, DependencyWarning } from './types.js';

/**
 * Calls `fn` for each commit on `head`'s first-parent line, newest first,
 * until it returns false. With `only`, commits whose entry text does not
 * match it are stepped over without parsing their entry.
 */
export function eachFirstParent(index: IndexData, head: string, fn: (e: AuditEntry) => boolean, only?: RegExp): void {
  let expected: string | null = head;
  eachNewestFirst(index.text, (line) => {
    const col = splitLine(line);
    if (!col || col.oid !== expected) return true; // off the first-parent line
    if (only && !only.test(col.json)) {
      expected = firstParent(col.json);
      return expected !== null;
    }
    const entry = JSON.parse(col.json) as AuditEntry;
    if (!fn(entry)) return false;
    expected = entry.parents[0] ?? null;
    return expected !== null;
  });
}

/** The first parent in an entry's JSON text (`"parents":["<oid>",...`), or null for a root commit. */
function firstParent(json: string): string | null {
  const at = json.indexOf('"parents":[') + 11;
  return json[at] === '"' ? json.slice(at + 1, at + 41) : null;
}

function ref(e: AuditEntry): ChangeRef {
  return { commit: e.commit, changeId: e.changeId, title: e.title };
}

/**
 * Commits after `target` on HEAD's first-parent line, newest first; with
 * `inScope`, only those that touched a path in scope. `reached` is false when
 * `target` is not on that line (then nothing counts as undone).
 */
export function undoneChanges(index: IndexData, head: string, target: string, inScope?: (path: string) => boolean): { undone: ChangeRef[]; reached: boolean } {
  const undone: ChangeRef[] = [];
  let reached = false;
  eachFirstParent(index, head, (e) => {
    if (e.commit === target) {
      reached = true;
      return false;
    }
    if (!inScope || e.files.some((f) => inScope(f.path))) undone.push(ref(e));
    return true;
  });
  return reached ? { undone, reached } : { undone: [], reached };
}

/** Changes on HEAD's line that stay in effect but name an undone change in `Depends-On`. */
export function dependencyWarnings(index: IndexData, head: string, undone: ChangeRef[]): DependencyWarning[] {
  const undoneIds = new Set(undone.map((u) => u.changeId).filter((x): x is string => x !== null));
  const undoneCommits = new Set(undone.map((u) => u.commit));
  if (undoneIds.size === 0) return [];
  const out: DependencyWarning[] = [];
  // Only entries that mention a Depends-On trailer are parsed: the walk goes to the first snapshot.
  eachFirstParent(index, head, (e) => {
    if (undoneCommits.has(e.commit)) return true;
    for (const id of trailerValues(e.trailers, 'Depends-On')) {
      if (undoneIds.has(id)) out.push({ undone: id, dependent: ref(e) });
    }
    return true;
  }, /"depends-on"/i);
  return out;
}
