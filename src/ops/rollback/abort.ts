/**
 * `rollback --abort`: abandon an interrupted rollback, like `git rebase
 * --abort`. Files it had already restored go back to what HEAD records
 * (the state before the rollback, drift included); a file edited since the
 * interruption is left as it is and reported. When the rollback commit
 * already exists, nothing is undone: only the pending restarts and checks
 * are dropped. History is never rewritten.
 */
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { storeLockOptions, withStoreLock } from '../../core/store/lock.js';
import { liveFiles } from '../../core/store/compare.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { removeJournal } from './journal.js';
import { describePending, pendingRollback, servicesLeft } from './pending.js';
import { assertSafeActions } from './safe-path.js';
import { fileActions, headFiles, scopeOf, targetFiles } from './states.js';
import { applyFileActions } from './write-files.js';
import type { KeptEdit } from './types.js';

/** What {@link abortRollback} did. */
export interface AbortResult {
  /** The abandoned rollback's target. */
  target: string;
  stage: 'write' | 'after-commit';
  /** Files put back to HEAD's version. */
  restored: string[];
  /** Files that match neither HEAD nor the target (edited after the interruption): left alone. */
  leftAlone: string[];
  /** The rollback commit that stays (stage `after-commit`). */
  commit: string | null;
  /** Services that were not restarted or checked. */
  servicesNotDone: string[];
  /** Files edited while the abort put them back: kept aside, never overwritten unseen. */
  keptEdits: KeptEdit[];
}

/**
 * @throws CfgtrailError NOTHING_TO_DO (no rollback pending), REFUSED (it is still running), LOCKED, UNSAFE_PATH
 * @example const r = await abortRollback(store, { chown: false })
 */
export async function abortRollback(store: Store, opts: { chown: boolean }): Promise<AbortResult> {
  return withStoreLock(store.gitdir, storeLockOptions(store), async () => {
    const pending = pendingRollback(store, undefined);
    if (!pending) throw new CfgtrailError('NOTHING_TO_DO', 'no rollback is in progress: nothing to abort', {});
    if (pending.running) throw new CfgtrailError('REFUSED', `${describePending(pending)}; nothing was changed`, {});
    const j = pending.journal;
    if (pending.stage === 'after-commit') {
      removeJournal(store.gitdir);
      return { target: j.target, stage: pending.stage, restored: [], leftAlone: [], commit: j.commit, servicesNotDone: servicesLeft(j), keptEdits: [] };
    }
    const head = readStoreHead(store.gitdir)!;
    const before = headFiles(store, head);
    const wanted = targetFiles(store, j.target);
    const live = liveFiles(store, { removeTemps: true });
    const inJob = scopeOf(j.files);
    // A file the rollback changed holds the target's version (or is gone, where the target has none).
    const restoredByRollback = (p: string) => {
      const l = live.get(p);
      const t = wanted.get(p);
      return l && t ? l.oid === t.oid && l.mode === t.mode : !l && !t;
    };
    const touched = (p: string) => inJob(p) && restoredByRollback(p);
    const actions = fileActions(live, before, touched, opts.chown);
    assertSafeActions(store.root, store.gitdir, actions, new Map([...before].map(([p, f]) => [p, f.mode])));
    const wrote = await applyFileActions(store.root, actions, { readBlob: (oid) => store.objects.read(oid).content, chown: opts.chown });
    const leftAlone = [...new Set([...before.keys(), ...live.keys()])]
      .filter((p) => inJob(p) && !touched(p) && live.get(p)?.oid !== before.get(p)?.oid)
      .sort();
    removeJournal(store.gitdir);
    return { target: j.target, stage: pending.stage, restored: actions.map((a) => a.path), leftAlone, commit: null, servicesNotDone: [], keptEdits: wrote.kept };
  });
}
