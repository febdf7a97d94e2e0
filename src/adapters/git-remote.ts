/**
 * isomorphic-git as the transport to a git server (smart HTTP) and as the
 * reader/writer of a store's git config. Bundled on its own
 * (dist/vendor/git-remote.cjs) and loaded only by remote, push, fetch and pull.
 */
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';
import type { FetchedPacks, GitConfigFile, RemoteTransport } from '../ops/remote/ports.js';
import { hideCredentials, type Credentials } from '../ops/remote/credentials.js';
import { isRefComponent } from '../ops/remote/host-name.js';
import { advertiseHead, discoverRefs, once, receivePack } from './git-smart-http.js';

export interface TransportOptions {
  credentials: Credentials | null;
  /** Why there are none, for the message when the server asks (`~/.config/cfgtrail/credentials has no line for this server`). */
  noCredentials?: string;
  /** A connection silent this long fails (REMOTE_FAILED). */
  timeoutMs: number;
  /**
   * Makes the error for a failure the user can act on. This module is a
   * bundle of its own, so it cannot construct the CLI's CfgtrailError itself
   * (`instanceof` would fail): the caller passes its constructor's use.
   */
  fail: (code: 'REMOTE_FAILED' | 'AUTH_FAILED' | 'REFUSED', message: string) => Error;
}

/** A ref whose every component the fleet contract allows (what a fetch may want). */
const fleetRefName = (ref: string): boolean => ref.split('/').slice(1).every(isRefComponent);

/** One cache for every call of the process: without it each call re-reads every pack. */
const cache = {};

/**
 * The smart HTTP transport for one command run.
 * @example await createTransport({ credentials: null, timeoutMs: 30000, fail }).listServerRefs('http://127.0.0.1:8080/fleet.git')
 */
export function createTransport(opts: TransportOptions): RemoteTransport {
  const http = { request: (r: Parameters<typeof nodeHttp.request>[0]) => nodeHttp.request({ ...r, fetchOptions: { timeout: opts.timeoutMs } }) };
  // isomorphic-git's fetch reads the advertisement rewritten; our own ref listing reads all of it.
  const fetchHttp = {
    request: async (r: Parameters<typeof nodeHttp.request>[0]) => {
      const res = await http.request(r);
      return /\/info\/refs\?service=git-upload-pack$/.test(r.url) && res.statusCode === 200 && res.body ? { ...res, body: once(await advertiseHead(res.body, fleetRefName)) } : res;
    },
  };
  const auth = {
    onAuth: () => (opts.credentials ? { username: opts.credentials.username, password: opts.credentials.password } : { cancel: true }),
    onAuthFailure: () => ({ cancel: true }),
  };
  const run = <T>(url: string, fn: () => Promise<T>): Promise<T> => fn().catch((e: unknown) => { throw remoteError(e, url, opts); });
  return {
    listServerRefs: (url) => run(url, () => discoverRefs(http, url, opts)),
    fetchObjects: (gitdir, url, wants, haves) => run(url, () => fetchIntoStore({ gitdir, url, wants, haves, http: fetchHttp, ...auth })),
    pushRefs: (url, commands, pack) => run(url, () => receivePack(http, url, commands, pack, opts)),
  };
}

/** isomorphic-git's config reader/writer; native git reads what it writes. */
export const gitConfigFile: GitConfigFile = {
  get: async (gitdir, p) => {
    const v: unknown = await git.getConfig({ fs, gitdir, path: p });
    return v === undefined || v === null ? undefined : String(v);
  },
  set: (gitdir, p, value) => git.setConfig({ fs, gitdir, path: p, value }),
  listRemotes: (gitdir) => git.listRemotes({ fs, gitdir }),
  addRemote: async (gitdir, name, url, fetch) => {
    await git.addRemote({ fs, gitdir, remote: name, url });
    await git.setConfig({ fs, gitdir, path: `remote.${name}.fetch`, value: fetch });
  },
  deleteRemote: (gitdir, name) => git.deleteRemote({ fs, gitdir, remote: name }),
};

type FetchArgs = { gitdir: string; url: string; wants: readonly { ref: string; have?: string }[]; haves: readonly string[]; http: unknown } & Record<'onAuth' | 'onAuthFailure', () => unknown>;

/**
 * isomorphic-git fetches into a scratch gitdir inside the store (same
 * filesystem) whose objects/ links to the store's packs and loose objects, so
 * it can tell the server what we have; the packs it writes there are checked
 * and moved in by the caller's installPack. isomorphic-git asks for every
 * branch and tag plus one named ref per request, so each wanted ref outside
 * refs/heads and refs/tags (notes) costs one more request.
 */
async function fetchIntoStore(a: FetchArgs): Promise<FetchedPacks> {
  const scratch = makeScratch(a.gitdir, a.haves);
  const dispose = () => fs.rmSync(scratch, { recursive: true, force: true });
  try {
    const common = { fs, http: a.http as never, cache, dir: scratch, gitdir: scratch, url: a.url, remote: 'scratch', onAuth: a.onAuth as never, onAuthFailure: a.onAuthFailure as never };
    const [first, ...rest] = a.wants;
    if (!first) return { packs: [], dispose };
    await git.fetch({ ...common, remoteRef: first.ref, tags: true });
    for (const w of rest.filter((x) => !/^refs\/(heads|tags)\//.test(x.ref))) {
      fs.writeFileSync(path.join(scratch, 'refs', 'have-one'), `${w.have ?? '0'.repeat(40)}\n`);
      await git.fetch({ ...common, ref: 'refs/have-one', remoteRef: w.ref, singleBranch: true });
    }
    const dir = path.join(scratch, 'objects', 'pack');
    // A pack the store already has whole stays a link: nothing to move in.
    const packs = fs.readdirSync(dir).filter((f) => f.endsWith('.idx') && !fs.lstatSync(path.join(dir, f)).isSymbolicLink() && !fs.lstatSync(path.join(dir, f.replace(/\.idx$/, '.pack'))).isSymbolicLink());
    return { packs: packs.map((f) => path.join(dir, f)), dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** The scratch gitdir: `<gitdir>/cfgtrail-fetch/`, replaced on every fetch (a killed fetch leaves one behind). */
function makeScratch(gitdir: string, haves: readonly string[]): string {
  const scratch = path.join(gitdir, SCRATCH_DIR);
  fs.rmSync(scratch, { recursive: true, force: true });
  const objects = path.join(gitdir, 'objects');
  fs.mkdirSync(path.join(scratch, 'objects', 'pack'), { recursive: true });
  fs.mkdirSync(path.join(scratch, 'refs'), { recursive: true });
  for (const d of fs.readdirSync(objects)) {
    if (/^[0-9a-f]{2}$/.test(d)) fs.symlinkSync(path.join(objects, d), path.join(scratch, 'objects', d));
  }
  // Whole packs only: a .pack without its .idx (a fetch killed while moving
  // it in) is invisible to git, and a link to it would make isomorphic-git
  // write the same pack again through the link, into the store.
  const packDir = path.join(objects, 'pack');
  const names = new Set(fs.existsSync(packDir) ? fs.readdirSync(packDir) : []);
  for (const idx of [...names].filter((f) => /^pack-[0-9a-f]+\.idx$/.test(f))) {
    const pack = idx.replace(/\.idx$/, '.pack');
    if (!names.has(pack)) continue;
    for (const f of [idx, pack]) fs.symlinkSync(path.join(packDir, f), path.join(scratch, 'objects', 'pack', f));
  }
  fs.writeFileSync(path.join(scratch, 'HEAD'), 'ref: refs/heads/none\n');
  // Branches only: the refs written here are never read (the caller has the server's refs), and a
  // refspec covering refs/tags/ made isomorphic-git write an annotated tag's peeled `T^{}`
  // entry as a ref name, which it then refuses (one annotated tag stopped every fetch).
  fs.writeFileSync(path.join(scratch, 'config'), '[remote "scratch"]\n\tfetch = +refs/heads/*:refs/fetched/heads/*\n');
  fs.writeFileSync(path.join(scratch, 'packed-refs'), haves.map((oid, i) => `${oid} refs/have/${i}\n`).join(''));
  return scratch;
}

export const SCRATCH_DIR = 'cfgtrail-fetch';

/** isomorphic-git's and Node's errors as REMOTE_FAILED / AUTH_FAILED / REFUSED, credentials hidden. */
function remoteError(e: unknown, url: string, opts: TransportOptions): unknown {
  const creds = opts.credentials;
  const err = e as { code?: string; message?: string; data?: { statusCode?: number; statusMessage?: string } };
  const where = hideCredentials(url, creds);
  const say = (m: string) => hideCredentials(m, creds);
  const status = err.code === 'HttpError' ? err.data?.statusCode : undefined;
  if (err.code === 'UserCanceledError' || status === 401 || status === 403) {
    const msg = creds
      ? `${where} refused the credentials from ${creds.source}${status ? ` (HTTP ${status})` : ''}`
      : `${where} asks for credentials and none are set${opts.noCredentials ? ` (${opts.noCredentials})` : ''}: set CFGTRAIL_REMOTE_USERNAME and CFGTRAIL_REMOTE_PASSWORD, or add a line to the credentials file`;
    return opts.fail('AUTH_FAILED', msg);
  }
  if (status !== undefined) {
    const hint = status === 404 ? ': no git repository there' : '';
    return opts.fail('REMOTE_FAILED', say(`${where}: HTTP ${status} ${err.data?.statusMessage ?? ''}`.trim() + hint));
  }
  if (err.code === 'SmartHttpError' || err.code === 'ParseError' || err.code === 'InternalError' || err.code === 'NotFoundError' && /pack|idx/.test(err.message ?? '')) {
    return opts.fail('REMOTE_FAILED', `${where} did not answer as a git server (${say(err.code)})`);
  }
  if (err.code === 'GitPushError') {
    return opts.fail('REFUSED', say(`${where} refused the push (${err.message ?? ''}): another push moved the ref since we read it; run cfgtrail push again`));
  }
  if (/^E[A-Z]+$/.test(err.code ?? '') || /timed out|socket hang up|aborted/i.test(err.message ?? '')) {
    return opts.fail('REMOTE_FAILED', say(`cannot reach ${where}: ${err.message ?? err.code}`));
  }
  return e;
}
