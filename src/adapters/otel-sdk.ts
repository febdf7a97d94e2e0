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
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { SpanOutcome, TraceAttributes, Tracer } from '../core/trace.js';
import { postAtExit } from './otlp-exit-post.js';

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
  /** Hides secrets in error messages before they leave the process (a password in a health-check URL). */
  scrub: (text: string) => string;
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
  const http = convertLegacyHttpOptions({ timeoutMillis: o.timeoutMs }, 'TRACES', 'v1/traces', { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' });
  const headers = await http.headers();
  const failed = (why: string) => `could not send traces to ${http.url}: ${why}`;

  const open = new Set<Span>();
  let root: Span | null = null;
  let sent = false;
  const endAll = (code: number) => {
    endOpen(open, code, o.exitCodeName);
    if (root) endRoot(root, code, o.exitCodeName);
    root = null;
  };
  process.on('exit', (code) => {
    if (sent) return;
    sent = true;
    endAll(code);
    const spans = memory.getFinishedSpans();
    const body = spans.length ? (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans) : undefined;
    const problem = body ? postAtExit(http.url, headers, body, o.timeoutMs) : null;
    if (problem) o.warn(failed(problem));
  });

  return {
    tracer: {
      span: (name, attributes, fn, outcome) => tracer.startActiveSpan(name, { attributes: clean(attributes) }, (s) => runInSpan(s, { open, scrub: o.scrub }, fn, outcome)),
      annotate: (attributes) => trace.getActiveSpan()?.setAttributes(clean(attributes)),
    },
    root: (name, attributes, run) => {
      // TRACEPARENT/TRACESTATE, as a deploy pipeline exports them (W3C trace context).
      const parent = propagation.extract(ROOT_CONTEXT, { traceparent: o.env.TRACEPARENT ?? '', tracestate: o.env.TRACESTATE ?? '' });
      root = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes: clean({ ...attributes, [ATTR_PROCESS_PID]: process.pid, [ATTR_PROCESS_EXECUTABLE_NAME]: 'cfgtrail' }) }, parent);
      return context.with(trace.setSpan(parent, root), run);
    },
    finish: async (code) => {
      sent = true;
      endAll(code);
      const spans = memory.getFinishedSpans();
      if (spans.length === 0) return null;
      const problem = await exportBounded(exporter, spans, o.timeoutMs);
      return problem && failed(problem);
    },
  };
}

/** Runs `fn` in the started span `s`: a throw or a failed outcome fails it; ends it either way. */
function runInSpan<T>(s: Span, { open, scrub }: { open: Set<Span>; scrub: (text: string) => string }, fn: () => T, outcome?: (r: Awaited<T>) => SpanOutcome): T {
  open.add(s);
  const end = () => {
    open.delete(s);
    s.end();
  };
  const failed = (e: unknown): never => {
    fail(s, errorType(e), scrub(e instanceof Error ? e.message : String(e)));
    end();
    throw e;
  };
  const done = (r: Awaited<T>) => {
    if (outcome) record(s, () => outcome(r), scrub);
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
}

/** Spans still open when the process ends were cut short by it: failed, with the exit code's name. */
function endOpen(open: Set<Span>, code: number, name: (code: number) => string): void {
  for (const s of [...open].reverse()) {
    fail(s, name(code), `cfgtrail exited with code ${code} while this ran`);
    s.end();
  }
  open.clear();
}

/** The command span: `process.exit.code`, and failed when it is not 0 (CLI semantic conventions). */
function endRoot(root: Span, code: number, name: (code: number) => string): void {
  root.setAttribute(ATTR_PROCESS_EXIT_CODE, code);
  if (code !== 0) fail(root, name(code), `exit code ${code}`);
  root.end();
}

/** One export with the official exporter; resolves to why it failed, or null. */
function exportBounded(exporter: SpanExporter, spans: ReadableSpan[], timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    // The exporter gives up at its own timeout; this is a backstop should it not call back.
    const backstop = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs + 250);
    try {
      exporter.export(spans, (result) => {
        clearTimeout(backstop);
        resolve(result.code === ExportResultCode.SUCCESS ? null : result.error?.message ?? 'export failed');
      });
    } catch (e) {
      clearTimeout(backstop);
      resolve(e instanceof Error ? e.message : String(e));
    }
  });
}

/** Marks a span failed the way the semantic conventions record errors. */
function fail(s: Span, type: string, message: string): void {
  s.setAttribute(ATTR_ERROR_TYPE, type);
  s.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** Applies an outcome; a broken outcome function must never fail the command it traces. */
function record(s: Span, outcome: () => SpanOutcome, scrub: (text: string) => string): void {
  try {
    const { attributes, error } = outcome();
    if (attributes) s.setAttributes(clean(attributes));
    if (error) fail(s, error.type, scrub(error.message ?? error.type));
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
