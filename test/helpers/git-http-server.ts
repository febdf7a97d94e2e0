/**
 * A git smart-HTTP server on 127.0.0.1 for tests: native `git http-backend`
 * run as CGI for each request, over a bare repository, behind HTTP Basic
 * auth. `mode` makes it misbehave on purpose (garbage, 500, never answer).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

export interface GitHttpServer {
  /** `http://127.0.0.1:PORT/fleet.git` */
  url: string;
  /** The bare repository's path (a gitdir for native git). */
  repo: string;
  /** Requests served, as `METHOD path?query`. */
  requests: string[];
  mode: 'git' | 'garbage' | 'error500' | 'hang';
  close(): Promise<void>;
}

const BACKEND = join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');

/**
 * Starts a server for a new bare repository `fleet.git`; with `auth`, every
 * request must carry those Basic credentials (else 401). Closed and removed
 * when the test finishes.
 */
export async function startGitHttpServer(opts: { auth?: { user: string; password: string } } = {}): Promise<GitHttpServer> {
  const root = mkdtempSync(join(tmpdir(), 'cfgtrail-githttp-'));
  const repo = join(root, 'fleet.git');
  execFileSync('git', ['init', '-q', '--bare', repo]);
  execFileSync('git', ['--git-dir', repo, 'config', 'http.receivepack', 'true']);
  const hanging: ServerResponse[] = [];
  const s: GitHttpServer = { url: '', repo, requests: [], mode: 'git', close: async () => {} };
  const server = createServer((req, res) => {
    s.requests.push(`${req.method} ${req.url}`);
    if (opts.auth && !authorized(req, opts.auth)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fleet"' });
      return res.end('authentication required\n');
    }
    if (s.mode === 'hang') return void hanging.push(res);
    if (s.mode === 'error500') return res.writeHead(500).end('internal error\n');
    if (s.mode === 'garbage') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>not a git server</html>\n');
    serveCgi(req, res, root, opts.auth?.user);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fleet.git`;
  s.close = () =>
    new Promise<void>((r) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  onTestFinished(async () => {
    await s.close();
    rmSync(root, { recursive: true, force: true });
  });
  return s;
}

function authorized(req: IncomingMessage, auth: { user: string; password: string }): boolean {
  const h = req.headers.authorization ?? '';
  return h === `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
}

/** One CGI request to git http-backend: request body on stdin, `Status:`/headers then body on stdout. */
function serveCgi(req: IncomingMessage, res: ServerResponse, root: string, user?: string): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const child = spawn(BACKEND, [], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: user ?? '',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const i = line.indexOf(':');
      const key = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else res.setHeader(key, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => res.end());
  child.on('error', () => res.writeHead(500).end());
}
