/** `cfgtrail push`: plan what goes to the server (pure over the refs), then send it. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { objectsToSend } from '../../core/git/objects-to-send.js';
import { writePack } from '../../core/git/pack-write.js';
import { deltaSourceFromPacks } from '../../core/git/pack-reuse.js';
import { listPackIdx } from '../../core/git/pack-files.js';
import { countNew, isAncestor } from '../../core/git/ancestry.js';
import { NOTES_REF } from '../../core/git/notes.js';
import type { ObjectStore } from '../../core/git/objects.js';
import { readRef } from '../../core/git/refs.js';
import { listRefs } from '../../core/git/ref-list.js';
import { storeHeadRefName } from '../../core/audit/store-head.js';
import { pickRemote, storeHostName, type Remote, type RemoteContext } from './remotes.js';
import { storeLockOptions, withStoreLock } from '../../core/store/lock.js';

/** One server ref to set. */
export interface RefUpdate {
  local: string;
  remote: string;
  oid: string;
  /** The server's value now; null when it has none. */
  serverOid: string | null;
  kind: 'branch' | 'notes' | 'tag';
}

export interface PushPlan {
  remote: Remote;
  host: string;
  updates: RefUpdate[];
  /** Commits the branch update sends that the server lacks (0 when only notes/tags move). */
  newChanges: number;
}

/**
 * The server refs this store maps to under `host` (the fleet contract):
 * branch → refs/heads/hosts/H, notes → refs/notes/hosts/H, tag T → refs/tags/hosts/H/T.
 */
export function hostRefMap(gitdir: string, host: string): Omit<RefUpdate, 'serverOid'>[] {
  const branch = storeHeadRefName(gitdir) ?? 'refs/heads/main';
  const out: Omit<RefUpdate, 'serverOid'>[] = [];
  const head = readRef(gitdir, branch);
  if (head) out.push({ local: branch, remote: `refs/heads/hosts/${host}`, oid: head, kind: 'branch' });
  const notes = readRef(gitdir, NOTES_REF);
  if (notes) out.push({ local: NOTES_REF, remote: `refs/notes/hosts/${host}`, oid: notes, kind: 'notes' });
  for (const [ref, oid] of listRefs(gitdir, 'refs/tags/')) {
    if (!ref.startsWith('refs/tags/hosts/')) out.push({ local: ref, remote: `refs/tags/hosts/${host}/${ref.slice('refs/tags/'.length)}`, oid, kind: 'tag' });
  }
  return out;
}

/**
 * What to push, given the server's refs: every mapped ref whose server value
 * differs. Pure over its inputs; changes nothing.
 * @throws CfgtrailError REFUSED when a server ref is not an ancestor of ours (a tag: differs), naming how to resolve it
 */
export function planPushUpdates(objects: ObjectStore, mapped: Omit<RefUpdate, 'serverOid'>[], server: Map<string, string>, host: string, remote = 'origin'): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const m of mapped) {
    const serverOid = server.get(m.remote) ?? null;
    if (serverOid === m.oid) continue;
    const fastForward = serverOid === null || (m.kind !== 'tag' && isAncestor(objects, serverOid, m.oid));
    if (!fastForward) throw m.kind === 'tag' ? movedTag(m, serverOid!) : m.kind === 'notes' ? notesDiverged(host, remote) : divergence(m, host);
    updates.push({ ...m, serverOid });
  }
  return updates;
}

/**
 * A tag this store moved (or made anew under a name the server has): pulling or renaming the
 * host cannot help, only putting the tag back or dropping it here; the advice says which.
 */
function movedTag(m: Omit<RefUpdate, 'serverOid'>, serverOid: string): CfgtrailError {
  const tag = m.local.slice('refs/tags/'.length);
  return new CfgtrailError(
    'REFUSED',
    `push refused, nothing changed on the server: tag ${tag} points to ${m.oid.slice(0, 7)} here and to ${serverOid.slice(0, 7)} on the server (tags are never moved there): put it back (git --git-dir .cfgtrail tag -f ${tag} ${serverOid.slice(0, 12)}) or delete it here (git --git-dir .cfgtrail tag -d ${tag}), then push again`,
    { ref: m.remote },
  );
}

/**
 * The store's verification notes and the server's were both written since they last agreed
 * (notes rewritten by git notes, or recorded in a re-created store): neither pull nor a new host
 * name settles that, a notes merge does.
 */
function notesDiverged(host: string, remote: string): CfgtrailError {
  return new CfgtrailError(
    'REFUSED',
    `push refused, nothing changed on the server: the verification notes here (refs/notes/cfgtrail) and the server's notes/hosts/${host} have diverged; merge them: cfgtrail pull ${remote}, then git --git-dir .cfgtrail notes --ref cfgtrail merge -s cat_sort_uniq refs/notes/remotes/${remote}/hosts/${host}, then push again`,
    { ref: `refs/notes/hosts/${host}` },
  );
}

function divergence(m: Omit<RefUpdate, 'serverOid'>, host: string): CfgtrailError {
  const what = `${m.remote.replace(/^refs\/(heads\/)?/, '')} has history this store does not`;
  return new CfgtrailError(
    'REFUSED',
    `push refused, nothing changed on the server: ${what}. If another host pushes as '${host}', give this one its own name (git config cfgtrail.host NAME, or cfgtrail remote add … --host NAME); if this store was re-created, run cfgtrail pull first`,
    { ref: m.remote },
  );
}

/** Reads the server's refs and plans the push (nothing is sent). */
export async function planPush(ctx: RemoteContext, remoteName?: string): Promise<PushPlan> {
  const remote = await pickRemote(ctx, remoteName);
  const host = await storeHostName(ctx);
  const mapped = hostRefMap(ctx.store.gitdir, host);
  if (!mapped.some((m) => m.kind === 'branch')) throw new CfgtrailError('NOTHING_TO_DO', 'nothing to push: the store has no snapshot yet', {});
  const server = await ctx.transportFor(remote.url).listServerRefs(remote.url);
  const updates = planPushUpdates(ctx.store.objects, mapped, server, host, remote.name);
  const branch = updates.find((u) => u.kind === 'branch');
  const newChanges = branch ? countNew(ctx.store.objects, branch.oid, branch.serverOid ? [branch.serverOid] : []) : 0;
  return { remote, host, updates, newChanges };
}

/**
 * Sends the plan in one request: a pack (ours, delta-compressed) of what the
 * server lacks, and every ref, each checked by the server against the value
 * we planned from, so a push racing another one is refused, not lost.
 */
export async function applyPush(ctx: RemoteContext, plan: PushPlan): Promise<void> {
  const objects = ctx.store.objects;
  const haves = [...new Set(plan.updates.map((u) => u.serverOid).filter((o): o is string => o !== null))];
  const scratch = mkdtempSync(join(tmpdir(), 'cfgtrail-push-'));
  try {
    // Built under the store lock, so a gc (an automatic one after a snapshot) cannot swap the
    // packs it reads; sent without it. Deltas the store's packs hold are reused (as git
    // pack-objects does), never ones whose base stays behind.
    const packPath = await withStoreLock(ctx.store.gitdir, storeLockOptions(ctx.store), async () => {
      const wanted = objectsToSend(objects, plan.updates.map((u) => u.oid), haves);
      const reuse = deltaSourceFromPacks(listPackIdx(ctx.store.gitdir));
      try {
        return writePack(scratch, [...wanted.keys()], objects, { pathHints: wanted, reuseDeltas: reuse.source }).packPath;
      } finally {
        reuse.close();
      }
    });
    const commands = plan.updates.map((u) => ({ ref: u.remote, old: u.serverOid, new: u.oid }));
    await ctx.transportFor(plan.remote.url).pushRefs(plan.remote.url, commands, readFileSync(packPath));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
