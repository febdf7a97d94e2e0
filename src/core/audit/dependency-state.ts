import type { Trailer } from '../types.js';
import { isCfgtrailError } from '../errors.js';
import { resolveChangeId } from './revs.js';
import type { DependencyState } from '../record/change-record.js';
import { trailerValues } from '../record/trailers.js';
import { eachFirstParent, type FirstParentEntry } from './first-parent.js';
import type { IndexData } from './index-store.js';

/**
 * Whether each `Depends-On` change still stands on HEAD's history. Walking
 * back from HEAD, the newest word on it wins: a later commit whose
 * `Rollback-Of`, `Reverts` or `Partially-Rolls-Back` names it undid it; a
 * later rollback to a state that includes it (`Rollback-To` a descendant)
 * restored it; reaching its own commit first means nothing undid it. A change
 * not on HEAD's first-parent line is not in effect.
 * @example dependencyStates(index, ['I1111222233334444'])
 */
export function dependencyStates(index: IndexData, ids: readonly string[]): DependencyState[] {
  return ids.map((id) => dependencyState(index, id));
}

function state(id: string, status: DependencyState['status'], commit: string | null = null, undoneBy: string | null = null): DependencyState {
  return { change_id: id, relationship: 'depends-on', in_effect: status === 'in effect', status, commit, undone_by: undoneBy };
}

function dependencyState(index: IndexData, id: string): DependencyState {
  let found: DependencyState | null = null;
  const undone = (status: DependencyState['status'], by: FirstParentEntry): void => {
    found = state(id, status, null, by.changeId ?? by.oid);
  };
  eachFirstParent(index, index.head, (e) => {
    if (e.changeId === id) {
      found = state(id, 'in effect', e.oid);
      return false;
    }
    const trailers = (e.member('trailers', 'files') ?? []) as Trailer[];
    const values = (key: string) => trailerValues(trailers, key);
    if (values('rollback-of').includes(id)) undone('rolled back', e);
    else if (values('reverts').includes(id)) undone('reverted', e);
    else if (values('partially-rolls-back').some((v) => v.split(/\s/)[0] === id)) undone('partially rolled back', e);
    else {
      const target = values('rollback-to')[0];
      const restored = target !== undefined ? commitOnLine(index, target, id) : null;
      if (restored) found = state(id, 'in effect', restored);
    }
    return found === null;
  });
  return found ?? state(id, knownChange(index, id) ? 'not in HEAD history' : 'unknown change');
}

/** The commit carrying Change-Id `id` on `from`'s first-parent line, or null. */
function commitOnLine(index: IndexData, from: string, id: string): string | null {
  let hit: string | null = null;
  eachFirstParent(index, from, (e) => {
    if (e.changeId === id) hit = e.oid;
    return hit === null;
  });
  return hit;
}

/** Whether some change in the store has Change-Id `id` (or a prefix of one; an ambiguous prefix is no answer). */
export function knownChange(index: IndexData, id: string): boolean {
  try {
    resolveChangeId(index, id);
    return true;
  } catch (e) {
    if (isCfgtrailError(e, 'UNKNOWN_CHANGE_ID') || isCfgtrailError(e, 'AMBIGUOUS_REV')) return false;
    throw e;
  }
}
