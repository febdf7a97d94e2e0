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

export interface TransportOptions {
  credentials: Credentials | null;
  /** A connection silent this long fails (REMOTE_FAILED). */
  timeoutMs: number;
  /**
   * Makes the error for a failure the user can act on. This module is a
   * bundle of its own, so it cannot construct the CLI's CfgtrailError itself
   * (`instanceof` would fail): the caller passes its constructor's use.
   */
  fail: (code: 'REMOTE_FAILED' | 'AUTH_FAILED' | 'REFUSED', message: string) => Error;
}

/** One cache for every call of the process: without it each call re-reads every pack. */
const cache = {};

/**
 * The smart HTTP transport for one command run.
 * @example await createTransport({ credentials: null, timeoutMs: 30000 }).listServerRefs('http://127.0.0.1:8080/fleet.git')
 */
export function createTransport(opts: TransportOptions): RemoteTransport {
  const http = {
    request: async (r: Parameters<typeof nodeHttp.request>[0]) => {
      const res = await nodeHttp.request({ ...r, fetchOptions: { timeout: opts.timeoutMs } });
      return /\/info\/refs\?service=git-upload-pack$/.test(r.url) && res.statusCode === 200 && res.body ? { ...res, body: once(await advertiseHead(res.body)) } : res;
    },
  };
  const auth = {
    onAuth: () => (opts.credentials ? { username: opts.credentials.username, password: opts.credentials.password } : { cancel: true }),
    onAuthFailure: () => ({ cancel: true }),
  };
  const run = <T>(url: string, fn: () => Promise<T>): Promise<T> => fn().catch((e: unknown) => { throw remoteError(e, url, opts); });
  return {
    listServerRefs: (url) => run(url, () => discoverRefs(http, url, opts)),
    fetchObjects: (gitdir, url, wants, haves) => run(url, () => fetchIntoStore({ gitdir, url, wants, haves, http, ...auth })),
    pushRefs: (url, commands, pack) => run(url, () => receivePack(http, url, commands, pack, opts)),
  };
}

const ZERO = '0'.repeat(40);

/** HTTP Basic credentials as a header, when there are any. */
function authHeader(opts: TransportOptions): Record<string, string> {
  const c = opts.credentials;
  return c ? { authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` } : {};
}

/** The error isomorphic-git would throw for an HTTP status, for remoteError to classify. */
function httpError(status: number, message: string): Error {
  return Object.assign(new Error(`HTTP ${status}`), { code: 'HttpError', data: { statusCode: status, statusMessage: message } });
}

/**
 * The server's refs from its upload-pack advertisement (the smart HTTP
 * discovery GET). Our own few lines rather than isomorphic-git's
 * listServerRefs: for a repository with no refs (a new fleet's) it went on
 * to a protocol-v2 `ls-refs` request that git http-backend refuses.
 */
async function discoverRefs(http: { request: typeof nodeHttp.request }, url: string, opts: TransportOptions): Promise<Map<string, string>> {
  const res = await http.request({ url: `${url.replace(/\/+$/, '')}/info/refs?service=git-upload-pack`, method: 'GET', headers: { 'user-agent': 'git/cfgtrail', ...authHeader(opts) } });
  const chunks: Buffer[] = [];
  for await (const c of res.body ?? []) chunks.push(Buffer.from(c));
  if (res.statusCode !== 200) throw httpError(res.statusCode, res.statusMessage);
  const lines = readPktLines(Buffer.concat(chunks).toString('latin1'), true);
  if (!String(res.headers?.['content-type'] ?? '').startsWith('application/x-git-upload-pack-advertisement') || lines[0] !== '# service=git-upload-pack') {
    throw Object.assign(new Error('not git'), { code: 'SmartHttpError' });
  }
  const refs = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const m = /^([0-9a-f]{40}) (refs\/[^\0\s]+)/.exec(line);
    if (m && !m[2]!.endsWith('^{}')) refs.set(m[2]!, m[1]!);
  }
  return refs;
}

/** One pkt-line: four hex digits of length (itself included), then the data. */
function pktLine(text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((data.length + 4).toString(16).padStart(4, '0'), 'latin1'), data]);
}

/**
 * A push as git's smart HTTP protocol has it (gitprotocol-pack(5),
 * receive-pack): the ref commands as pkt-lines, a flush, then the pack, in
 * one POST; the answer is `unpack ok` and an `ok`/`ng` line per ref. The
 * pack is ours (src/core/git/pack-write, with deltas): isomorphic-git's push
 * builds an undeltified pack by reading every object through its own reader
 * (see docs/decisions.md). Its HTTP client does the request.
 */
async function receivePack(http: { request: typeof nodeHttp.request }, url: string, commands: readonly { ref: string; old: string | null; new: string }[], pack: Buffer, opts: TransportOptions): Promise<void> {
  const lines = commands.map((c, i) => pktLine(`${c.old ?? ZERO} ${c.new} ${c.ref}${i === 0 ? '\0report-status agent=cfgtrail' : ''}\n`));
  const body = Buffer.concat([...lines, Buffer.from('0000', 'latin1'), pack]);
  const headers: Record<string, string> = { 'content-type': 'application/x-git-receive-pack-request', accept: 'application/x-git-receive-pack-result', 'user-agent': 'git/cfgtrail' };
  Object.assign(headers, authHeader(opts));
  const res = await http.request({ url: `${url.replace(/\/+$/, '')}/git-receive-pack`, method: 'POST', headers, body: [body] as never }); // an array: sent whole, with a Content-Length
  const chunks: Buffer[] = [];
  for await (const c of res.body ?? []) chunks.push(Buffer.from(c));
  const text = Buffer.concat(chunks).toString('utf8');
  if (res.statusCode !== 200) throw httpError(res.statusCode, res.statusMessage);
  const report = readPktLines(text);
  if (!report[0]?.startsWith('unpack ')) throw Object.assign(new Error('not git'), { code: 'SmartHttpError' });
  const bad = [report[0] === 'unpack ok' ? null : report[0], ...report.slice(1).filter((l) => l.startsWith('ng '))].filter(Boolean);
  if (bad.length > 0) throw Object.assign(new Error(bad.join('; ')), { code: 'GitPushError' });
}

/** The text of each pkt-line in `text`, newline dropped; stops at the first flush unless `acrossFlush`. */
function readPktLines(text: string, acrossFlush = false): string[] {
  const out: string[] = [];
  for (let at = 0; at + 4 <= text.length; ) {
    const len = parseInt(text.slice(at, at + 4), 16);
    if (len === 0 && acrossFlush) {
      at += 4;
      continue;
    }
    if (!len) break;
    out.push(text.slice(at + 4, at + len).replace(/\n$/, ''));
    at += len;
  }
  return out;
}

/**
 * isomorphic-git's fetch needs a HEAD in the server's ref advertisement (it
 * looks up the default branch after every fetch and throws "Could not find
 * HEAD" without one), but a fleet repository's HEAD usually names a branch
 * nobody pushes (git init's master), which git leaves out. When HEAD is
 * missing, this adds a `<oid> HEAD` line (the first ref's oid) to what
 * isomorphic-git reads; nothing sent to the server changes.
 */
async function advertiseHead(body: AsyncIterableIterator<Uint8Array>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  const buf = Buffer.concat(chunks);
  const lines: Buffer[] = [];
  for (let at = 0; at + 4 <= buf.length; ) {
    const len = parseInt(buf.subarray(at, at + 4).toString('latin1'), 16);
    if (Number.isNaN(len)) return buf; // not pkt-lines: let isomorphic-git report it
    const size = len === 0 ? 4 : len;
    lines.push(buf.subarray(at, at + size));
    at += size;
  }
  const text = lines.map((l) => l.subarray(4).toString('latin1'));
  const first = text.findIndex((t) => /^[0-9a-f]{40} refs\//.test(t));
  if (first < 0 || text.some((t) => /^[0-9a-f]{40} HEAD(\0|\n|$)/.test(t))) return buf;
  const head = `${text[first]!.slice(0, 40)} HEAD\n`;
  lines.splice(first + 1, 0, Buffer.from(`${(head.length + 4).toString(16).padStart(4, '0')}${head}`, 'latin1'));
  return Buffer.concat(lines);
}

async function* once(b: Uint8Array): AsyncIterableIterator<Uint8Array> {
  yield b;
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
  fs.writeFileSync(path.join(scratch, 'config'), '[remote "scratch"]\n\tfetch = +refs/*:refs/fetched/*\n');
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
      : `${where} asks for credentials and none are set: set CFGTRAIL_REMOTE_USERNAME and CFGTRAIL_REMOTE_PASSWORD, or add a line to the credentials file`;
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
