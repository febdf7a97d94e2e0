// A git smart-HTTP server on 127.0.0.1: native `git http-backend` run as CGI
// for each request, over the repositories under a root, behind optional HTTP
// Basic auth. Used by the tests (test/helpers/git-http-server.ts) and, as
// `node test/helpers/git-http-backend.mjs ROOT` (prints the port), by the
// benchmark, whose spawnSync would block a server in its own process.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const BACKEND = join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');

/**
 * Starts serving `root`; `state.mode` makes it misbehave on purpose
 * ('garbage', 'error500', 'hang'); `state.requests` lists what it served.
 * Resolves to { port, state, close }.
 */
export async function serveGitHttp(root, opts = {}) {
  const state = { mode: 'git', requests: [] };
  const hanging = [];
  const server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    if (opts.auth && req.headers.authorization !== `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}`) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="fleet"' });
      return res.end('authentication required\n');
    }
    if (state.mode === 'hang') return void hanging.push(res);
    if (state.mode === 'error500') return res.writeHead(500).end('internal error\n');
    if (state.mode === 'garbage') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>not a git server</html>\n');
    serveCgi(req, res, root, opts.auth?.user);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const close = () =>
    new Promise((r) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return { port: server.address().port, state, close };
}

/** One CGI request: the request body on stdin; `Status:` and headers, a blank line, then the body on stdout. */
function serveCgi(req, res, root, user) {
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
  child.stdout.on('data', (chunk) => {
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { port } = await serveGitHttp(process.argv[2]);
  process.stdout.write(`${port}\n`);
}
