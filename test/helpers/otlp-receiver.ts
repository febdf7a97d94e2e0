/**
 * A real OTLP/HTTP trace receiver on 127.0.0.1 for tests: it decodes what
 * arrives (OTLP JSON, or OTLP protobuf with the small wire-format reader
 * below, written from opentelemetry-proto's trace.proto) into plain spans.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { BIN, cliEnv } from './cli.js';

export type AttrValue = string | number | boolean | AttrValue[];

/** One span as the receiver decoded it; ids are lowercase hex, parentSpanId '' for none. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, AttrValue>;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Record<string, AttrValue>;
}

export interface Receiver {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders; contentType: string }[];
  spans: ReceivedSpan[];
}

/** Starts a receiver that answers 200 to every POST; closed when the test finishes. */
export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', requests: [], spans: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      r.requests.push({ path: req.url ?? '', headers: req.headers, contentType });
      r.spans.push(...(contentType.includes('json') ? spansFromJson(JSON.parse(body.toString('utf8'))) : spansFromProtobuf(body)));
      res.writeHead(200, { 'content-type': contentType });
      res.end(contentType.includes('json') ? '{}' : '');
    });
  });
  r.url = await listen(server);
  return r;
}

/** A server that accepts connections and never answers (a hung collector). */
export async function startBlackhole(): Promise<string> {
  const server = createServer(() => {});
  return listen(server);
}

/** A collector that answers every request with `status` (and a plain-text body). */
export async function startFailingReceiver(status: number): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('collector says no');
    });
  });
  return listen(server);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Runs the real CLI without blocking this process (the receiver lives in it); resolves with its exit code, output and wall time. */
export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; onSpawn?: (kill: (s: NodeJS.Signals) => void) => void }): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    opts.onSpawn?.((s) => child.kill(s));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

/** Polls `cond` every 20 ms until it holds (or `ms` pass: then rejects). */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((res) => setTimeout(res, 20));
  }
}

// --- OTLP JSON (ids are hex strings, as the OTLP/JSON encoding specifies) ---

interface JsonAttr { key: string; value: JsonValue }
interface JsonValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: JsonValue[] } }

function jsonValue(v: JsonValue): AttrValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  return (v.arrayValue?.values ?? []).map(jsonValue);
}

const jsonAttrs = (a: JsonAttr[] = []) => Object.fromEntries(a.map((x) => [x.key, jsonValue(x.value)]));

function spansFromJson(body: { resourceSpans: { resource: { attributes: JsonAttr[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[] }): ReceivedSpan[] {
  return body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({
    traceId: String(s.traceId),
    spanId: String(s.spanId),
    parentSpanId: String(s.parentSpanId ?? ''),
    name: String(s.name),
    attributes: jsonAttrs(s.attributes as JsonAttr[]),
    status: { code: (s.status as { code?: number }).code ?? 0, message: (s.status as { message?: string }).message ?? '' },
    resource: jsonAttrs(rs.resource.attributes),
  }))));
}

// --- OTLP protobuf: ExportTraceServiceRequest{1: ResourceSpans{1: Resource{1: KeyValue}, 2: ScopeSpans{2: Span}}} ---

type Field = { no: number; wire: number; value: bigint | Buffer };

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const wire = key & 7;
    const no = key >> 3;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1) out.push({ no, wire, value: buf.subarray(i, (i += 8)) });
    else if (wire === 5) out.push({ no, wire, value: buf.subarray(i, (i += 4)) });
    else throw new Error(`protobuf: wire type ${wire} not expected`);
  }
  return out;
}

const sub = (f: Field[], no: number) => f.filter((x) => x.no === no).map((x) => x.value as Buffer);
const one = (f: Field[], no: number) => sub(f, no)[0];

/** AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array{1: AnyValue}. */
function pbValue(buf: Buffer): AttrValue {
  const [f] = fields(buf);
  if (!f) return '';
  if (f.no === 1) return (f.value as Buffer).toString('utf8');
  if (f.no === 2) return f.value === 1n;
  if (f.no === 3) return Number(f.value as bigint);
  if (f.no === 4) return (f.value as Buffer).readDoubleLE(0);
  return sub(fields(f.value as Buffer), 1).map(pbValue);
}

const pbAttrs = (kvs: Buffer[]) => Object.fromEntries(kvs.map((kv) => {
  const f = fields(kv);
  return [one(f, 1)!.toString('utf8'), pbValue(one(f, 2) ?? Buffer.alloc(0))];
}));

function spansFromProtobuf(body: Buffer): ReceivedSpan[] {
  return sub(fields(body), 1).flatMap((rsBuf) => {
    const rs = fields(rsBuf);
    const resource = pbAttrs(sub(fields(one(rs, 1) ?? Buffer.alloc(0)), 1));
    return sub(rs, 2).flatMap((ss) => sub(fields(ss), 2).map((spanBuf) => {
      // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 9 attributes, 15 status{2 message, 3 code}.
      const s = fields(spanBuf);
      const status = fields(one(s, 15) ?? Buffer.alloc(0));
      return {
        traceId: one(s, 1)!.toString('hex'),
        spanId: one(s, 2)!.toString('hex'),
        parentSpanId: (one(s, 4) ?? Buffer.alloc(0)).toString('hex'),
        name: one(s, 5)!.toString('utf8'),
        attributes: pbAttrs(sub(s, 9)),
        status: { code: Number((status.find((x) => x.no === 3)?.value as bigint | undefined) ?? 0n), message: (one(status, 2) ?? Buffer.alloc(0)).toString('utf8') },
        resource,
      };
    }));
  });
}
