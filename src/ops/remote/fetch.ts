/** `cfgtrail fetch`: the fleet's refs from the server into the contract's local refs. */
import { CfgtrailError, isCfgtrailError } from '../../core/errors.js';
import { objectsToSend } from '../../core/git/objects-to-send.js';
import { countNew } from '../../core/git/ancestry.js';
import { installPack } from '../../core/git/install-pack.js';
import { isCommit, openObjectStore, type ObjectStore } from '../../core/git/objects.js';
import { deleteRef, readRefTips, writeRef } from '../../core/git/refs.js';
import { listRefs } from '../../core/git/ref-list.js';
import { withStoreLock } from '../../core/store/lock.js';
import { pickRemote, type Remote, type RemoteContext } from './remotes.js';
import { isRefComponent } from './host-name.js';

/** One local ref to set (`serverRef` then names where it comes from) or to delete (`oid` null). */
export interface LocalRefChange {
  host: string;
  kind: 'branch' | 'notes' | 'tag';
  local: string;
  serverRef: string | null;
  old: string | null;
  oid: string | null;
}

/** What a fetch did for one host, for the one line the CLI prints. */
export interface HostReport {
  host: string;
  /** `new`: first fetch of it; `moved`: new changes; `pruned`: gone from the server; `notes`: only notes or tags moved. */
  state: 'new' | 'moved' | 'pruned' | 'notes';
  changes: number;
}

/** `host`: only that host's refs (pull); `onSkip`: told of each server ref left out, and why. */
export interface FetchOptions {
  host?: string;
  onSkip?: (ref: string, why: string) => void;
}

const HOST_REFS: { kind: LocalRefChange['kind']; server: RegExp; local: (remote: string, host: string, rest: string) => string }[] = [
  { kind: 'branch', server: /^refs\/heads\/hosts\/([^/]+)$/, local: (r, h) => `refs/remotes/${r}/hosts/${h}` },
  { kind: 'notes', server: /^refs\/notes\/hosts\/([^/]+)$/, local: (r, h) => `refs/notes/remotes/${r}/hosts/${h}` },
  { kind: 'tag', server: /^refs\/tags\/hosts\/([^/]+)\/(.+)$/, local: (_r, h, t) => `refs/tags/hosts/${h}/${t}` },
];

/**
 * The local ref changes that make the store mirror the server's fleet refs
 * for `remote` (only `host`'s when given). Pure over its inputs. Server refs
 * whose host is not a valid name are skipped (`onSkip`).
 */
export function planFetchChanges(remote: string, server: Map<string, string>, local: Map<string, string>, opts: FetchOptions = {}): LocalRefChange[] {
  const changes: LocalRefChange[] = [];
  const wanted = new Set<string>();
  for (const [serverRef, oid] of server) {
    for (const h of HOST_REFS) {
      const m = h.server.exec(serverRef);
      if (!m) continue;
      const host = m[1]!;
      if (opts.host !== undefined && host !== opts.host) break;
      if (!isRefComponent(host) || (m[2] !== undefined && m[2].split('/').some((c) => !isRefComponent(c)))) {
        opts.onSkip?.(serverRef, 'not a valid host name');
        break;
      }
      const localRef = h.local(remote, host, m[2] ?? '');
      wanted.add(localRef);
      const old = local.get(localRef) ?? null;
      if (old !== oid) changes.push({ host, kind: h.kind, local: localRef, serverRef, old, oid });
    }
  }
  for (const [localRef, old] of local) {
    if (wanted.has(localRef)) continue;
    const h = HOST_REFS.find((x) => localRef.startsWith(localPrefix(x, remote)))!;
    const host = localRef.slice(localPrefix(h, remote).length).split('/')[0]!;
    if (opts.host !== undefined && host !== opts.host) continue;
    changes.push({ host, kind: h.kind, local: localRef, serverRef: null, old, oid: null });
  }
  return changes;
}

/** Where `h`'s local refs of `remote` live: `refs/remotes/R/hosts/`, `refs/notes/remotes/R/hosts/`, `refs/tags/hosts/`. */
function localPrefix(h: (typeof HOST_REFS)[number], remote: string): string {
  return h.local(remote, '', '').replace(/\/+$/, '/');
}


/**
 * The fleet refs of `remote` the store holds now. Tags under refs/tags/hosts/H/
 * count for this remote when H is one of its hosts (or was, before a prune).
 */
function localFleetRefs(gitdir: string, remote: string): Map<string, string> {
  const branches = listRefs(gitdir, `refs/remotes/${remote}/hosts/`);
  const refs = new Map([...branches, ...listRefs(gitdir, `refs/notes/remotes/${remote}/hosts/`)]);
  const hosts = new Set([...branches.keys()].map((r) => r.split('/')[4]));
  for (const [ref, oid] of listRefs(gitdir, 'refs/tags/hosts/')) if (hosts.has(ref.split('/')[3])) refs.set(ref, oid);
  return refs;
}

/**
 * Fetches `remote` (or the picked one): downloads what moved, installs the
 * packs, then sets and prunes the local refs, all under the store lock. A kill
 * at any point leaves every ref old or new: packs are moved in whole before
 * any ref names their objects.
 */
export async function fetchRemote(ctx: RemoteContext, remoteName?: string, opts: FetchOptions = {}): Promise<{ remote: Remote; hosts: HostReport[] }> {
  const remote = await pickRemote(ctx, remoteName);
  const transport = ctx.transportFor(remote.url);
  const server = await transport.listServerRefs(remote.url);
  const gitdir = ctx.store.gitdir;
  return withStoreLock(gitdir, ctx.lock, async () => {
    let changes = planFetchChanges(remote.name, server, localFleetRefs(gitdir, remote.name), opts);
    let sets = changes.filter((c) => c.oid !== null && c.serverRef !== null);
    const objects = ctx.store.objects;
    const missing = sets.filter((c) => !objects.has(c.oid!));
    const tips = readRefTips(gitdir);
    if (missing.length > 0) {
      const fetched = await transport.fetchObjects(gitdir, remote.url, missing.map((c) => ({ ref: c.serverRef!, ...(c.old ? { have: c.old } : {}) })), tips);
      try {
        for (const idx of fetched.packs) installPack(gitdir, idx);
      } finally {
        fetched.dispose();
      }
      objects.close();
      ctx.store.objects = openObjectStore(gitdir);
    }
    const fresh = ctx.store.objects;
    const absent = sets.find((c) => !fresh.has(c.oid!));
    if (absent) throw new CfgtrailError('REMOTE_FAILED', `${remote.url} did not send ${absent.serverRef} (${absent.oid!.slice(0, 7)}); nothing was changed, try again`, {});
    // only what this fetch brought in is walked: tips the store held already were checked when they came
    const unreachable = missing.length === 0 ? null : missingObject(fresh, missing.map((c) => c.oid!), tips);
    if (unreachable) throw new CfgtrailError('REMOTE_FAILED', `${remote.url} sent an incomplete history (${unreachable} is missing); nothing was changed, try again (git fsck on the server may say why)`, {});
    // A branch or notes ref naming a blob or a tag (any host may push one) is left out, its local
    // ref kept: it would stop every later fetch of the fleet and read as a damaged store.
    const notCommits = new Set(sets.filter((c) => c.kind !== 'tag' && !isCommit(fresh, c.oid!)));
    for (const c of notCommits) opts.onSkip?.(c.serverRef!, `names a ${fresh.read(c.oid!).type}, not a commit`);
    changes = changes.filter((c) => !notCommits.has(c));
    sets = sets.filter((c) => !notCommits.has(c));
    const reports = reportHosts(changes, (c) => countNew(fresh, c.oid!, c.old ? [c.old] : []));
    for (const c of sets) writeRef(gitdir, c.local, c.oid!);
    for (const c of changes) if (c.oid === null) deleteRef(gitdir, c.local);
    return { remote, hosts: reports };
  });
}

/**
 * The first object reachable from `tips` but not from `known` that the store
 * lacks, or null: git's connectivity check after a fetch (`rev-list
 * --objects TIPS --not KNOWN`), so no ref ever names a history with holes
 * (queries would call the store damaged, and a next fetch would find it up to date).
 */
function missingObject(objects: ObjectStore, tips: string[], known: string[]): string | null {
  let reachable: Map<string, string>;
  try {
    reachable = objectsToSend(objects, tips, known);
  } catch (e) {
    if (!isCfgtrailError(e, 'CORRUPT_STORE')) throw e;
    return typeof e.data.oid === 'string' ? e.data.oid.slice(0, 12) : 'a commit or tree';
  }
  for (const oid of reachable.keys()) if (!objects.has(oid)) return `${oid.slice(0, 12)} at ${reachable.get(oid) || 'the root'}`;
  return null;
}

function reportHosts(changes: LocalRefChange[], count: (c: LocalRefChange) => number): HostReport[] {
  const byHost = new Map<string, HostReport>();
  for (const c of changes) {
    const r = byHost.get(c.host) ?? { host: c.host, state: 'notes', changes: 0 };
    if (c.kind === 'branch') {
      if (c.oid === null) r.state = 'pruned';
      else {
        r.state = c.old === null ? 'new' : 'moved';
        r.changes = count(c);
      }
    }
    byHost.set(c.host, r);
  }
  return [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host));
}
