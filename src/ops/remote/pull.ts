/** `cfgtrail pull`: this host's history from the server, taken only by fast-forward. */
import { CfgtrailError } from '../../core/errors.js';
import { countNew, isAncestor } from '../../core/git/ancestry.js';
import type { Signature } from '../../core/git/commit.js';
import { NOTES_REF } from '../../core/git/notes.js';
import { moveBranch, readRef, writeRef } from '../../core/git/refs.js';
import { appendReflog } from '../../core/git/reflog.js';
import { readStoreHead, storeHeadRefName } from '../../core/audit/store-head.js';
import { withStoreLock } from '../../core/store/lock.js';
import { describePending, pendingRollback } from '../rollback/pending.js';
import { fetchRemote } from './fetch.js';
import { storeHostName, type RemoteContext } from './remotes.js';

export interface PullResult {
  host: string;
  remote: string;
  /** Commits the branch moved forward by (0: already up to date). */
  changes: number;
  notes: 'updated' | 'kept' | 'diverged';
}

/**
 * Fetches this host's refs, then fast-forwards the store's branch (with a
 * reflog line by `who`) and its notes to them. Never merges and never writes
 * a live config file.
 * @throws CfgtrailError NOTHING_TO_DO when the server has no history for this host
 * @throws CfgtrailError REFUSED when the store's branch and the server's have diverged, or a rollback is pending
 */
export async function pullHost(ctx: RemoteContext, remoteName: string | undefined, who: Signature): Promise<PullResult> {
  const host = await storeHostName(ctx);
  const { remote } = await fetchRemote(ctx, remoteName, { host });
  const gitdir = ctx.store.gitdir;
  return withStoreLock(gitdir, ctx.lock, async () => {
    const theirs = readRef(gitdir, `refs/remotes/${remote.name}/hosts/${host}`);
    if (!theirs) throw new CfgtrailError('NOTHING_TO_DO', `${remote.name} has no history for host ${host} (nothing pushed as hosts/${host})`, { host });
    const ours = readStoreHead(gitdir);
    const objects = ctx.store.objects;
    let changes = 0;
    if (ours !== theirs) {
      // A pending rollback's journal names the head it started from: moving HEAD would leave its
      // files half restored with no `rollback --continue`/`--abort` left to finish or undo them.
      const pending = pendingRollback(ctx.store);
      if (pending) throw new CfgtrailError('REFUSED', `not pulling: ${describePending(pending)}`, { host });
      if (ours !== null && !isAncestor(objects, ours, theirs)) {
        const ahead = isAncestor(objects, theirs, ours);
        throw new CfgtrailError(
          'REFUSED',
          ahead
            ? `this store is ahead of ${remote.name}/hosts/${host}: nothing to pull (cfgtrail push sends it)`
            : `this store and ${remote.name}/hosts/${host} have diverged; pull never merges: push this store under another name (git config cfgtrail.host NAME) or re-create it and pull`,
          { host },
        );
      }
      changes = countNew(objects, theirs, ours ? [ours] : []);
      const branch = storeHeadRefName(gitdir) ?? 'refs/heads/main';
      const entry = { old: ours, new: theirs, who, message: `pull ${remote.name}: fast-forward to hosts/${host}` };
      if (ours !== null) moveBranch(gitdir, branch, entry);
      else {
        // An empty store's first ref goes before its reflog: a kill in between leaves a branch
        // without a log line (git and readHead take that), never a log line naming a branch
        // that does not exist (readHead calls that damage, and the next pull would refuse).
        writeRef(gitdir, branch, theirs);
        appendReflog(gitdir, branch, entry);
        appendReflog(gitdir, 'HEAD', entry);
      }
    }
    return { host, remote: remote.name, changes, notes: pullNotes(ctx, remote.name, host) };
  });
}

function pullNotes(ctx: RemoteContext, remote: string, host: string): PullResult['notes'] {
  const gitdir = ctx.store.gitdir;
  const theirs = readRef(gitdir, `refs/notes/remotes/${remote}/hosts/${host}`);
  const ours = readRef(gitdir, NOTES_REF);
  if (!theirs || theirs === ours) return 'kept';
  if (ours !== null && !isAncestor(ctx.store.objects, ours, theirs)) return 'diverged';
  writeRef(gitdir, NOTES_REF, theirs);
  return 'updated';
}
