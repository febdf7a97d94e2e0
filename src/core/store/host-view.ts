/**
 * A fetched host opened as a read-only store: a small directory that looks
 * like a gitdir to the audit code (a detached HEAD holding the fetched head,
 * `refs/notes/cfgtrail` holding the host's fetched notes, `packed-refs` with
 * its tags under their own names, `objects` and the redaction key linking to
 * the store's, its own `cfgtrail-index/`), read with the fetching store's objects and
 * settings. Its files are refreshed from the real refs each time it is
 * opened; they are derived data, like the index, and nothing writes history
 * through a view.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CfgtrailError } from '../errors.js';
import { isCommit } from '../git/objects.js';
import { listRefs } from '../git/ref-list.js';
import type { FetchedHost } from './fleet-hosts.js';
import type { Store } from './open.js';
import { REDACT_KEY_FILE } from './redact-key.js';

/** Where views live inside the fetching store's gitdir. */
export const HOSTS_DIR = 'cfgtrail-hosts';

/** A fetched host's view: a store whose history is that host's. */
export interface HostStore extends Store {
  host: FetchedHost;
}

/** The view directory of `host` (`origin+eu/web-1` for remote `origin/eu`: one level per remote, never nested). */
export function hostViewDir(gitdir: string, host: Pick<FetchedHost, 'remote' | 'host'>): string {
  return join(gitdir, HOSTS_DIR, host.remote.replaceAll('/', '+'), host.host);
}

/**
 * Opens `host` (from listFetchedHosts) as a store, its view files brought up
 * to date with the fetched refs.
 * @throws CfgtrailError CORRUPT_STORE when the fetched ref names a commit this store does not hold
 * @example log over openHostView(store, findFetchedHost(listFetchedHosts(store.gitdir), 'web-1'))
 */
export function openHostView(store: Store, host: FetchedHost): HostStore {
  requireCommit(store, host, host.ref, host.head);
  const dir = hostViewDir(store.gitdir, host);
  const notes = listRefs(store.gitdir, host.notesRef).get(host.notesRef);
  if (notes !== undefined) requireCommit(store, host, host.notesRef, notes);
  // These are directories of ours: a file or symlink there (left by hand, or planted) goes.
  const ours = [join(store.gitdir, HOSTS_DIR), dirname(dir), dir, join(dir, 'cfgtrail-index')];
  for (const p of ours) if (lstatSync(p, { throwIfNoEntry: false })?.isDirectory() === false) rmSync(p, { force: true });
  try {
    refreshView(store, host, dir, notes);
  } catch (e) {
    if (['EACCES', 'EPERM', 'EROFS', 'ENOSPC'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    // a view in a shape no cfgtrail left (a directory where HEAD goes…): derived data, made again
    rmSync(dir, { recursive: true, force: true });
    refreshView(store, host, dir, notes);
  }
  return {
    root: store.root,
    gitdir: dir,
    host,
    get settings() {
      return store.settings;
    },
    get settingsText() {
      return store.settingsText;
    },
    objects: store.objects,
    ...(store.onNote ? { onNote: store.onNote } : {}),
    ...(store.onWarning ? { onWarning: store.onWarning } : {}),
  };
}

/** Writes the view's files from the fetched refs (only those that changed). */
function refreshView(store: Store, host: FetchedHost, dir: string, notes: string | undefined): void {
  mkdirSync(join(dir, 'refs', 'notes'), { recursive: true, mode: 0o700 });
  writeIfChanged(join(dir, 'HEAD'), `${host.head}\n`);
  if (notes === undefined) rmSync(join(dir, 'refs', 'notes', 'cfgtrail'), { force: true });
  else writeIfChanged(join(dir, 'refs', 'notes', 'cfgtrail'), `${notes}\n`);
  writeIfChanged(join(dir, 'packed-refs'), tagLines(store.gitdir, host.host));
  linkInto(dir, 'objects', join(store.gitdir, 'objects'));
  // the store's redaction key: a secret shows the same tag on every host and in the store's own diffs
  linkInto(dir, REDACT_KEY_FILE, join(store.gitdir, REDACT_KEY_FILE));
}

/** @throws CfgtrailError CORRUPT_STORE when the fetched `ref` does not name a commit the store holds */
function requireCommit(store: Store, host: FetchedHost, ref: string, oid: string): void {
  if (isCommit(store.objects, oid)) return;
  throw new CfgtrailError('CORRUPT_STORE', `fetched host ${host.remote}/${host.host}: ${ref} points to ${oid.slice(0, 12)}, which is not a commit in this store (an interrupted fetch? fetch again)`, { ref, oid });
}

/**
 * Removes the views of hosts that are no longer fetched (pruned on the
 * server, or their remote removed), so no stale index outlives its ref.
 * @example pruneHostViews(store.gitdir, listFetchedHosts(store.gitdir).hosts)
 */
export function pruneHostViews(gitdir: string, hosts: readonly FetchedHost[]): void {
  const keep = new Set(hosts.map((h) => hostViewDir(gitdir, h)));
  const base = join(gitdir, HOSTS_DIR);
  for (const remote of dirsIn(base)) {
    const remoteDir = join(base, remote);
    const views = dirsIn(remoteDir);
    for (const view of views) {
      if (keep.has(join(remoteDir, view))) continue;
      // fetched since `hosts` was listed (another process may be opening it): kept
      const ref = `refs/remotes/${remote.replaceAll('+', '/')}/hosts/${view}`;
      if (listRefs(gitdir, ref).has(ref)) continue;
      // rmSync does not follow the view's `objects` symlink: only the link goes.
      rmSync(join(remoteDir, view), { recursive: true, force: true });
    }
    if (dirsIn(remoteDir).length === 0) rmSync(remoteDir, { recursive: true, force: true });
  }
}

function dirsIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return []; // no views yet
  }
}

/** The host's fetched tags (`refs/tags/hosts/<host>/<tag>`) as the view's `refs/tags/<tag>`. */
function tagLines(gitdir: string, host: string): string {
  const prefix = `refs/tags/hosts/${host}/`;
  let out = '# pack-refs with: sorted \n';
  for (const [ref, oid] of listRefs(gitdir, prefix)) {
    const tag = ref.slice(prefix.length);
    // a crafted name with a space or control character could forge a line: such a tag is not offered
    if (/^[^\s\x00-\x1f\x7f]+$/.test(tag)) out += `${oid} refs/tags/${tag}\n`;
  }
  return out;
}

/** Makes `dir/name` a symlink to `target` (replacing whatever is there). */
function linkInto(dir: string, name: string, target: string): void {
  const link = join(dir, name);
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // not there yet: made below
  }
  const tmp = `${link}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** Writes `text` by temp file and rename when the file does not hold it already. */
function writeIfChanged(file: string, text: string): void {
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // missing: written below
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}
