/**
 * Operations that span commands and were left unfinished: a rollout that
 * stopped or was interrupted, a drill killed before it restored its files.
 * `status` shows them first, as git status shows a rebase.
 */
import type { Store } from '../core/store/open.js';
import { ownerAlive } from '../core/store/owner.js';
import { readDrillState } from './drill/state.js';
import { pendingRollout } from './rollout/state.js';

/** One sentence each, with the command that finishes it; empty in the usual case (two missing files). */
export function pendingOperations(store: Store): string[] {
  const out: string[] = [];
  const r = pendingRollout(store.gitdir);
  if (r) {
    const live = r.status !== 'stopped' && ownerAlive(r.owner);
    const what = live ? `is ${r.status === 'aborting' ? 'being aborted' : 'running'} (pid ${r.owner.pid})` : r.status === 'stopped' ? `stopped at batch ${r.batch}/${r.batches}${r.stopped ? ` (${r.stopped})` : ''}` : `was interrupted in batch ${r.batch}/${r.batches}`;
    out.push(`Rollout ${r.id} to ${r.target} ${what}: 'cfgtrail rollout status' shows each instance${live ? '' : `; 'cfgtrail rollback --${r.status === 'aborting' ? 'abort' : 'continue'}' resumes it`}`);
  }
  const d = readDrillState(store.gitdir);
  if (d) {
    out.push(ownerAlive(d.owner)
      ? `Drill ${d.id} is running (pid ${d.owner.pid}) with a deliberately bad ${d.file}`
      : `Drill ${d.id} was stopped before it restored ${d.file}: run 'cfgtrail drill --restore'`);
  }
  return out;
}
