/**
 * The HTTP endpoint Alertmanager posts to (`watch --listen`). It checks the
 * bearer token (401), the size (413) and the JSON (400) before the handler
 * sees anything, bounds how long a client may take, and answers every request:
 * no input ends the process.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ListenerOptions {
  host: string;
  port: number;
  /** The secret every request must carry as `Authorization: Bearer <token>`. */
  token: string;
  maxBody: number;
  /** Called with each parsed JSON body; its answer is sent back. */
  onJson: (body: unknown) => { status: number; body: Record<string, unknown> };
}

export interface Listener {
  /** `127.0.0.1:9099` as bound (the real port when 0 was asked). */
  address: string;
  close(): Promise<void>;
}

/**
 * Starts listening; rejects when the address cannot be bound.
 * @example const l = await listenForAlerts({ host: '127.0.0.1', port: 9099, token, maxBody: 1 << 20, onJson })
 */
export function listenForAlerts(opts: ListenerOptions): Promise<Listener> {
  const want = digest(opts.token);
  const server = createServer((req, res) => {
    void handle(req, res, opts, want).catch(() => answer(res, 500, { error: 'internal error' }));
  });
  // A client that trickles its request is cut off instead of holding a socket for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.maxHeadersCount = 100;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const a = server.address() as { address: string; port: number };
      resolve({
        address: `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: ListenerOptions, want: Buffer): Promise<void> {
  if (req.method !== 'POST') return answer(res, 405, { error: 'POST an Alertmanager webhook notification' });
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!auth || !timingSafeEqual(digest(auth[1]!), want)) return answer(res, 401, { error: 'missing or wrong bearer token' });
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > opts.maxBody) return answer(res, 413, { error: `body over ${opts.maxBody} bytes` });
  const text = await readBody(req, opts.maxBody);
  if (text === null) return answer(res, 413, { error: `body over ${opts.maxBody} bytes` });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return answer(res, 400, { error: 'the body is not JSON' });
  }
  const r = opts.onJson(body);
  answer(res, r.status, r.body);
}

/** The body as text, or null once it passes `max` bytes (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(`${JSON.stringify(body)}\n`);
}

/** Comparing fixed-size digests keeps the comparison's time independent of the token. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
