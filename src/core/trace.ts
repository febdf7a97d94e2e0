/**
 * Tracing hook: the one call instrumented code makes. It costs a branch when
 * tracing is off (the default); the CLI installs a {@link Tracer} backed by
 * the OpenTelemetry SDK only when an OTLP endpoint is configured
 * (src/cli/tracing.ts). Core and ops never load OpenTelemetry themselves.
 *
 * Span names are low-cardinality (`snapshot`, `rollback.write`, `restart`);
 * attribute keys follow OpenTelemetry semantic conventions where one exists
 * (`error.type`, `process.exit.code`) and `config.*` otherwise.
 */

/** Attribute values OpenTelemetry accepts; undefined and null are left out. */
export type TraceAttributes = Record<string, string | number | boolean | readonly string[] | null | undefined>;

/** What a finished span records from its result: more attributes, or a failure that was not a throw. */
export interface SpanOutcome {
  attributes?: TraceAttributes;
  /** Marks the span failed: `type` becomes `error.type`, `message` the status description. */
  error?: { type: string; message?: string };
}

/** The backend {@link withSpan} calls while tracing is on. */
export interface Tracer {
  span<T>(name: string, attributes: TraceAttributes, fn: () => T, outcome?: (result: Awaited<T>) => SpanOutcome): T;
  annotate(attributes: TraceAttributes): void;
}

let active: Tracer | null = null;

/** Installs (or with null removes) the tracer; the CLI calls this once at start-up. */
export function setTracer(tracer: Tracer | null): void {
  active = tracer;
}

/**
 * Runs `fn` inside a span named `name` that is a child of the current span;
 * spans started inside `fn` (also after an `await`) become its children. A
 * throw marks the span failed (`error.type` = the CfgtrailError code or the
 * error's name) and is rethrown unchanged; `outcome` turns the result into
 * attributes, or into a failure for results that report one (a failed health
 * check). Without tracing, `fn()` is returned as is.
 *
 * @example const report = await withSpan('verify', { 'config.service.name': name }, () => verifyService(s), verifyOutcome)
 */
export function withSpan<T>(name: string, attributes: TraceAttributes, fn: () => T, outcome?: (result: Awaited<T>) => SpanOutcome): T {
  return active ? active.span(name, attributes, fn, outcome) : fn();
}

/**
 * Adds attributes to the current span (for a rollback run by the CLI: the
 * command's root span). Does nothing without tracing.
 *
 * @example annotateSpan({ 'config.rollback.target': plan.target.commit })
 */
export function annotateSpan(attributes: TraceAttributes): void {
  active?.annotate(attributes);
}
