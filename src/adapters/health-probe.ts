/** HealthProbe over real sockets and processes: http, tcp and command checks. */
import { connect } from 'node:net';
import { commandVerdict, httpVerdict, tcpVerdict, type HttpOutcome, type TcpOutcome } from '../ops/health.js';
import type { HealthProbe, Verdict } from '../ops/ports.js';
import type { HealthCheck } from '../ops/services-config.js';
import { runProcess } from './run-process.js';

/**
 * One attempt per call; every failure is a verdict, never a throw.
 * @example await createHealthProbe().check({ kind: 'tcp', host: '127.0.0.1', port: 5432, timeoutMs: 2000, retries: 0 })
 */
export function createHealthProbe(): HealthProbe {
  return {
    async check(check: HealthCheck, options: { signal?: AbortSignal } = {}): Promise<Verdict> {
      const started = Date.now();
      if (check.kind === 'http') return httpVerdict(await getHttp(check.url, check.timeoutMs, options.signal), check, Date.now() - started);
      if (check.kind === 'tcp') return tcpVerdict(await openTcp(check.host, check.port, check.timeoutMs), check, Date.now() - started);
      const run = await runProcess(check.argv, { timeoutMs: check.timeoutMs, signal: options.signal, maxOutput: 8_192 });
      return commandVerdict(run, check, Date.now() - started);
    },
  };
}

/**
 * One GET, bounded by `timeoutMs`; the body is cut at `maxBody` characters.
 * Never throws: a network failure or timeout is `{ error }`.
 */
export async function getHttp(url: string, timeoutMs: number, signal?: AbortSignal, maxBody = 1_000): Promise<HttpOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { signal: both, redirect: 'manual', headers: { connection: 'close' } });
    const body = (await res.text()).slice(0, maxBody);
    return { status: res.status, body };
  } catch (e) {
    if (timeout.aborted) return { error: `no answer within ${timeoutMs}ms` };
    return { error: describeNetError(e) };
  }
}

/** fetch reports `fetch failed`; the useful part (ECONNREFUSED …) is in `cause`. */
export function describeNetError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` ${cause.message}` : ''}`;
  return cause?.message ?? (e instanceof Error ? e.message : String(e));
}

function openTcp(host: string, port: number, timeoutMs: number): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: TcpOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ error: `no connection within ${timeoutMs}ms` }), timeoutMs);
    socket.once('connect', () => done({ connected: true }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
  });
}
