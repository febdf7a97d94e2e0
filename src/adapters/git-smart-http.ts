/**
 * git's smart HTTP protocol on the wire (gitprotocol-http(5), gitprotocol-pack(5)):
 * ref discovery, a receive-pack push, and the HEAD line isomorphic-git's fetch
 * needs. Requests go through isomorphic-git's node HTTP client.
 */
import type nodeHttp from 'isomorphic-git/http/node';
import type { Credentials } from '../ops/remote/credentials.js';

/** What the wire code needs of the transport's options. */
export interface WireOptions {
  credentials: Credentials | null;
}

/** isomorphic-git's HTTP client (with the transport's timeout). */
export type HttpClient = { request: typeof nodeHttp.request };

const ZERO = '0'.repeat(40);

/** HTTP Basic credentials as a header, when there are any. */
function authHeader(opts: WireOptions): Record<string, string> {
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
export async function discoverRefs(http: HttpClient, url: string, opts: WireOptions): Promise<Map<string, string>> {
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
export async function receivePack(http: HttpClient, url: string, commands: readonly { ref: string; old: string | null; new: string }[], pack: Buffer, opts: WireOptions): Promise<void> {
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
 * What isomorphic-git's fetch reads of the server's ref advertisement. It
 * needs a HEAD (it looks up the default branch after every fetch and throws
 * "Could not find HEAD" without one), but a fleet repository's HEAD usually
 * names a branch nobody pushes (git init's master), which git leaves out:
 * then a `<oid> HEAD` line (the first ref's oid) is added. And it writes
 * every advertised branch and tag into the scratch gitdir, so refs `keep`
 * refuses (names too long for a file, peeled `^{}` entries, names no host
 * has) are left out, the capabilities moving to the next ref kept. Nothing
 * sent to the server changes.
 */
export async function advertiseHead(body: AsyncIterableIterator<Uint8Array>, keep: (ref: string) => boolean = () => true): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  const buf = Buffer.concat(chunks);
  const lines: Buffer[] = [];
  let caps = '';
  for (let at = 0; at + 4 <= buf.length; ) {
    const len = parseInt(buf.subarray(at, at + 4).toString('latin1'), 16);
    if (Number.isNaN(len)) return buf; // not pkt-lines: let isomorphic-git report it
    const size = len === 0 ? 4 : len;
    const line = buf.subarray(at, at + size);
    at += size;
    const ref = /^([0-9a-f]{40}) (refs\/[^\0\n]*)(\0[^\n]*)?\n?$/.exec(line.subarray(4).toString('latin1'));
    if (ref && !keep(ref[2]!)) {
      caps ||= ref[3] ?? '';
      continue;
    }
    lines.push(ref && caps ? pktLine(`${ref[1]} ${ref[2]}${caps}\n`) : line);
    if (ref) caps = '';
  }
  const text = lines.map((l) => l.subarray(4).toString('latin1'));
  const first = text.findIndex((t) => /^[0-9a-f]{40} refs\//.test(t));
  if (first < 0 || text.some((t) => /^[0-9a-f]{40} HEAD(\0|\n|$)/.test(t))) return Buffer.concat(lines);
  lines.splice(first + 1, 0, pktLine(`${text[first]!.slice(0, 40)} HEAD\n`));
  return Buffer.concat(lines);
}

export async function* once(b: Uint8Array): AsyncIterableIterator<Uint8Array> {
  yield b;
}

