/**
 * The OpenTelemetry SDK behind src/core/trace.ts: spans kept in memory while
 * the command runs and sent once, at the end, to the OTLP/HTTP endpoint the
 * standard OTEL_* variables name. Built into its own dist/vendor/otel-sdk.cjs
 * and loaded by src/cli/tracing.ts only when tracing is configured.
 *
 * Two ways out: `finish()` exports with the official OTLP exporter, bounded by
 * `timeoutMs`; a process that exits without it (Ctrl-C or SIGTERM of a
 * rollback, `cfgtrail log | head`) ends its open spans as failed in the
 * 'exit' event and posts them from a child process it waits for (at most
 * `timeoutMs`), because nothing asynchronous runs once exit has begun and
 * the rollback's own work must not go on meanwhile.
 */
import { spawnSync } from 'node:child_process';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { SpanOutcome, TraceAttributes, Tracer } from '../core/trace.js';

/** What the CLI hands over (src/cli/tracing.ts reads the environment). */
export interface OtelOptions {
  env: NodeJS.ProcessEnv;
  /** `http/json` or `http/protobuf`. */
  protocol: 'http/json' | 'http/protobuf';
  /** Bound on sending the spans, in ms. */
  timeoutMs: number;
  serviceVersion: string;
  /** Names an exit code for `error.type` (`LOCKED`, `INTERRUPTED`). */
  exitCodeName: (code: number) => string;
  /** One warning line for a failed export in the 'exit' path (stderr). */
  warn: (line: string) => void;
}

/** One traced command: its tracer and its root span. */
export interface OtelSession {
  tracer: Tracer;
  /** Runs `run` inside the root span; `run` resolves to the exit code. */
  root(name: string, attributes: TraceAttributes, run: () => Promise<number>): Promise<number>;
  /** Ends the root span with `code` and sends every span; resolves to a warning, or null when sent. */
  finish(code: number): Promise<string | null>;
}

/** Incubating semantic conventions (process.*), spelled out as their docs advise. */
const ATTR_PROCESS_EXIT_CODE = 'process.exit.code';
const ATTR_PROCESS_PID = 'process.pid';
const ATTR_PROCESS_EXECUTABLE_NAME = 'process.executable.name';

/** Starts the SDK: resource, context manager, W3C propagator, exporter. */
export async function startOtel(o: OtelOptions): Promise<OtelSession> {
  const detected = detectResources({ detectors: [processDetector, hostDetector, envDetector] });
  await detected.waitForAsyncAttributes?.();
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) win over our defaults.
  const resource = defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'cfgtrail', [ATTR_SERVICE_VERSION]: o.serviceVersion })).merge(detected);
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer('cfgtrail', o.serviceVersion);
  const json = o.protocol === 'http/json';
  const exporter: SpanExporter = json ? new JsonTraceExporter({ timeoutMillis: o.timeoutMs }) : new ProtoTraceExporter({ timeoutMillis: o.timeoutMs });
  // The same settings the exporter resolved from OTEL_EXPORTER_OTLP_*, for the 'exit' path.
  const contentType = json ? 'application/json' : 'application/x-protobuf';
  const http = convertLegacyHttpOptions({ timeoutMillis: o.timeoutMs }, 'TRACES', 'v1/traces', { 'Content-Type': contentType });
  const headers = await http.headers();

  const open = new Set<Span>();
  let rootSpan: Span | null = null;
  let sent = false;

  const span = <T>(name: string, attributes: TraceAttributes, fn: () => T, outcome?: (r: Awaited<T>) => SpanOutcome): T =>
    tracer.startActiveSpan(name, { attributes: clean(attributes) }, (s) => {
      open.add(s);
      const end = () => {
        open.delete(s);
        s.end();
      };
      const failed = (e: unknown): never => {
        fail(s, errorType(e), e instanceof Error ? e.message : String(e));
        end();
        throw e;
      };
      const done = (r: Awaited<T>) => {
        if (outcome) record(s, () => outcome(r));
        end();
        return r;
      };
      let r: T;
      try {
        r = fn();
      } catch (e) {
        return failed(e);
      }
      if (r instanceof Promise) return r.then(done, failed) as T;
      return done(r as Awaited<T>) as T;
    });

  const endRoot = (code: number) => {
    for (const s of [...open].reverse()) {
      // Spans still open when the process ends were cut short by it.
      fail(s, o.exitCodeName(code), `cfgtrail exited with code ${code} while this ran`);
      s.end();
    }
    open.clear();
    if (!rootSpan) return;
    rootSpan.setAttribute(ATTR_PROCESS_EXIT_CODE, code);
    if (code !== 0) fail(rootSpan, o.exitCodeName(code), `exit code ${code}`);
    rootSpan.end();
    rootSpan = null;
  };

  process.on('exit', (code) => {
    if (sent) return;
    sent = true;
    endRoot(code);
    const spans = memory.getFinishedSpans();
    if (spans.length === 0) return;
    const body = (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans);
    if (!body) return;
    const r = spawnSync(process.execPath, ['-e', POST_SCRIPT, http.url], {
      input: Buffer.from(body), timeout: o.timeoutMs, env: { ...process.env, CFGTRAIL_OTLP_HEADERS: JSON.stringify(headers) }, encoding: 'utf8',
    });
    if (r.status !== 0) o.warn(`could not send traces to ${http.url}: ${r.error ? `timed out after ${o.timeoutMs} ms` : (r.stderr || `exit ${r.status}`).trim().split('\n')[0]}`);
  });

  return {
    tracer: {
      span,
      annotate: (attributes) => trace.getActiveSpan()?.setAttributes(clean(attributes)),
    },
    root: (name, attributes, run) => {
      // TRACEPARENT/TRACESTATE, as a deploy pipeline exports them (W3C trace context).
      const carrier = { traceparent: o.env.TRACEPARENT ?? '', tracestate: o.env.TRACESTATE ?? '' };
      const parent = propagation.extract(ROOT_CONTEXT, carrier);
      rootSpan = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes: clean({ ...attributes, [ATTR_PROCESS_PID]: process.pid, [ATTR_PROCESS_EXECUTABLE_NAME]: 'cfgtrail' }) }, parent);
      return context.with(trace.setSpan(parent, rootSpan), run);
    },
    finish: (code) => {
      sent = true;
      endRoot(code);
      const spans = memory.getFinishedSpans();
      if (spans.length === 0) return Promise.resolve(null);
      return new Promise((resolve) => {
        const failed = (why: string) => `could not send traces to ${http.url}: ${why}`;
        // The exporter gives up at its own timeout; this is a backstop should it not call back.
        const backstop = setTimeout(() => resolve(failed(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs + 250);
        try {
          exporter.export(spans, (result) => {
            clearTimeout(backstop);
            resolve(result.code === ExportResultCode.SUCCESS ? null : failed(result.error?.message ?? 'export failed'));
          });
        } catch (e) {
          clearTimeout(backstop);
          resolve(failed(e instanceof Error ? e.message : String(e)));
        }
      });
    },
  };
}

/** Posts stdin to argv[1] with the headers in CFGTRAIL_OTLP_HEADERS; exit 0 on a 2xx answer. */
const POST_SCRIPT = `
const url = new URL(process.argv[1]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', () => {
  const body = Buffer.concat(chunks);
  const headers = { ...JSON.parse(process.env.CFGTRAIL_OTLP_HEADERS), 'Content-Length': body.length };
  const req = require(url.protocol === 'https:' ? 'node:https' : 'node:http').request(url, { method: 'POST', headers }, (res) => {
    res.resume();
    if (res.statusCode < 200 || res.statusCode > 299) { process.stderr.write('HTTP ' + res.statusCode + '\\n'); process.exitCode = 1; }
  });
  req.on('error', (e) => { process.stderr.write(e.message + '\\n'); process.exitCode = 1; });
  req.end(body);
});`;

/** Marks a span failed the way the semantic conventions record errors. */
function fail(s: Span, type: string, message: string): void {
  s.setAttribute(ATTR_ERROR_TYPE, type);
  s.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Applies an outcome; a broken outcome function must never fail the command it traces. */
function record(s: Span, outcome: () => SpanOutcome): void {
  try {
    const { attributes, error } = outcome();
    if (attributes) s.setAttributes(clean(attributes));
    if (error) fail(s, error.type, error.message ?? error.type);
  } catch (e) {
    s.setAttribute('cfgtrail.trace_error', e instanceof Error ? e.message : String(e));
  }
}

/** `error.type`: a CfgtrailError's code (`LOCKED`), else the error's class name. */
function errorType(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  return e instanceof Error ? e.name : typeof e;
}

/** Attributes without undefined or null values (OpenTelemetry drops them with a diagnostic). */
function clean(a: TraceAttributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined && v !== null) out[k] = v as Attributes[string];
  return out;
}
