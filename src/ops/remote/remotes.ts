/** A store's remotes and host name: native git's `[remote "NAME"]` sections and `cfgtrail.host`. */
import { hostname } from 'node:os';
import { CfgtrailError } from '../../core/errors.js';
import { deleteRef } from '../../core/git/refs.js';
import { listRefs } from '../../core/git/ref-list.js';
import type { Store } from '../../core/store/open.js';
import { withStoreLock, type LockOptions } from '../../core/store/lock.js';
import { checkRefComponent } from './host-name.js';
import type { GitConfigFile, RemoteTransport } from './ports.js';

/** What the fleet use cases work with; the CLI passes the real ones. */
export interface RemoteContext {
  store: Store;
  config: GitConfigFile;
  /** The transport for one server URL (credentials are matched per URL). */
  transportFor: (url: string) => RemoteTransport;
  lock: LockOptions;
  /** The machine's name, the host name when `cfgtrail.host` is unset. @default os.hostname */
  machineName?: () => string;
}

/** A remote as the config names it. */
export interface Remote {
  name: string;
  url: string;
}

/** The fleet contract's fetch refspec for remote `name`. */
export const fetchRefspec = (name: string): string => `+refs/heads/hosts/*:refs/remotes/${name}/hosts/*`;

/**
 * Adds remote `name` at `url` (http/https, no credentials in it); `host` sets
 * `cfgtrail.host`, the name this store pushes under.
 * @throws CfgtrailError BAD_INPUT for a bad name, URL or host, or a remote that exists
 */
export async function addRemote(ctx: RemoteContext, name: string, url: string, host?: string): Promise<void> {
  checkRefComponent(name, 'remote name');
  checkRemoteUrl(url);
  if (host !== undefined) checkRefComponent(host, 'host name');
  await withStoreLock(ctx.store.gitdir, ctx.lock, async () => {
    if ((await ctx.config.listRemotes(ctx.store.gitdir)).some((r) => r.remote === name)) {
      throw new CfgtrailError('BAD_INPUT', `remote ${name} already exists (cfgtrail remote remove ${name} first)`, { name });
    }
    await ctx.config.addRemote(ctx.store.gitdir, name, url, fetchRefspec(name));
    if (host !== undefined) await ctx.config.set(ctx.store.gitdir, 'cfgtrail.host', host);
  });
}

/** Removes remote `name` from the config, with the hosts' refs fetched from it. */
export async function removeRemote(ctx: RemoteContext, name: string): Promise<void> {
  const gitdir = ctx.store.gitdir;
  await withStoreLock(gitdir, ctx.lock, async () => {
    await findRemote(ctx, name);
    await ctx.config.deleteRemote(gitdir, name);
    for (const prefix of [`refs/remotes/${name}/`, `refs/notes/remotes/${name}/`]) {
      for (const ref of listRefs(gitdir, prefix).keys()) deleteRef(gitdir, ref);
    }
  });
}

/** The store's remotes, in config order. */
export async function listRemotes(ctx: Pick<RemoteContext, 'store' | 'config'>): Promise<Remote[]> {
  return (await ctx.config.listRemotes(ctx.store.gitdir)).map((r) => ({ name: r.remote, url: r.url }));
}

/**
 * The remote a command means: `name`, else the only one, else `origin`.
 * @throws CfgtrailError BAD_INPUT when there is none or the choice is unclear
 */
export async function pickRemote(ctx: RemoteContext, name?: string): Promise<Remote> {
  if (name !== undefined) return findRemote(ctx, name);
  const all = await listRemotes(ctx);
  if (all.length === 0) throw new CfgtrailError('BAD_INPUT', 'no remote: add one with cfgtrail remote add origin URL', {});
  const picked = all.length === 1 ? all[0]! : all.find((r) => r.name === 'origin');
  if (!picked) throw new CfgtrailError('BAD_INPUT', `${all.length} remotes and none is origin: name one (${all.map((r) => r.name).join(', ')})`, {});
  // as for a named one: a URL written into the config by hand may hold credentials
  checkRemoteUrl(picked.url);
  return picked;
}

async function findRemote(ctx: RemoteContext, name: string): Promise<Remote> {
  const r = (await listRemotes(ctx)).find((x) => x.name === name);
  if (!r) throw new CfgtrailError('BAD_INPUT', `no remote named ${name} (cfgtrail remote lists them)`, { name });
  checkRemoteUrl(r.url);
  return r;
}

/**
 * The name this store pushes under: `cfgtrail.host` in its git config, else
 * the machine's name; either must be a valid ref component.
 */
export async function storeHostName(ctx: RemoteContext): Promise<string> {
  const set = await ctx.config.get(ctx.store.gitdir, 'cfgtrail.host');
  if (set !== undefined) return checkRefComponent(set, 'host name (git config cfgtrail.host)');
  const machine = (ctx.machineName ?? hostname)();
  return checkRefComponent(machine, 'host name (the machine name; set another with git config cfgtrail.host NAME)');
}

/**
 * Refuses URLs other than http(s) and URLs that hold credentials (they would
 * be stored in the config and shown by `git remote -v`).
 */
export function checkRemoteUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CfgtrailError('BAD_INPUT', `'${url.replace(/\/\/[^/@]*@/, '//***@')}' is not a URL (use http://… or https://…)`, {});
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new CfgtrailError('BAD_INPUT', `only http:// and https:// remotes are supported (git's smart HTTP), not ${u.protocol.replace(/:$/, '')}`, {});
  }
  if (u.username || u.password) {
    throw new CfgtrailError('BAD_INPUT', 'the URL holds credentials: leave them out and set CFGTRAIL_REMOTE_USERNAME/CFGTRAIL_REMOTE_PASSWORD or use the credentials file (~/.config/cfgtrail/credentials)', {});
  }
}
