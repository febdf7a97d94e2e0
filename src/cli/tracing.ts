/**
 * OpenTelemetry for one CLI run: on only when an OTLP endpoint is configured
 * (the standard variables), and then the SDK (dist/vendor/otel-sdk.cjs) is
 * loaded; otherwise nothing is loaded and the command runs as it is.
 */
import pkg from '../../package.json' with { type: 'json' };
import { setTracer } from '../core/trace.js';
import { escapeControls } from '../core/path-name.js';
import { redactLine } from '../core/diff/redact-text.js';
import { compileSecretRules, type SecretRules } from '../core/diff/redact-rules.js';
import { ExitCode } from './exit-codes.js';
import type { CliDeps } from './context.js';

/** What the environment asks for; null when tracing is off. */
export interface TracingConfig {
  protocol: 'http/json' | 'http/protobuf';
  timeoutMs: number;
}

/** Sending spans never holds a command up longer than this unless OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT says otherwise. @default 2000 */
export const DEFAULT_EXPORT_TIMEOUT_MS = 2000;

/**
 * Reads the standard variables: an endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * or OTEL_EXPORTER_OTLP_ENDPOINT) turns tracing on, OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none off. `warn` hears of a setting cfgtrail cannot honour.
 *
 * @example tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }) // { protocol: 'http/protobuf', timeoutMs: 2000 }
 */
export function tracingConfig(env: NodeJS.ProcessEnv, warn: (line: string) => void = () => {}): TracingConfig | null {
  if (!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() && !env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) return null;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  // The exporter would fall back to http://localhost:4318 without a word.
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const) {
    const value = env[name]?.trim();
    if (value && !/^https?:$/.test(URL.parse(value)?.protocol ?? '')) {
      warn(`${name}=${value} is not an http:// or https:// URL: no traces sent`);
      return null;
    }
  }
  // The specification's default is http/protobuf.
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  if (protocol !== 'http/json' && protocol !== 'http/protobuf') {
    warn(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported (use http/protobuf or http/json): no traces sent`);
    return null;
  }
  const raw = env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT;
  const timeout = raw === undefined ? NaN : Number(raw);
  return { protocol, timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_EXPORT_TIMEOUT_MS };
}

/** The SDK wiring; scripts/build.mjs bundles it into dist/vendor/otel-sdk.cjs, required on first use. */
function loadOtelSdk(): Promise<typeof import('../adapters/otel-sdk.js')> {
  return import('../adapters/otel-sdk.js');
}

/**
 * Runs one command line, traced when the environment configures it: a root
 * span `cfgtrail <command>` (a child of TRACEPARENT's span when set) holding
 * every span the command makes, ended with the exit code and sent before the
 * process exits. Tracing problems are one warning line, never a failure.
 */
export async function runTraced(deps: CliDeps, commandNames: () => string[], run: () => Promise<number>): Promise<number> {
  const warn = (line: string) => deps.stderr(`cfgtrail: warning: ${escapeControls(scrubSecrets(line))}\n`);
  const config = tracingConfig(deps.env, warn);
  if (!config) return run();
  let session: Awaited<ReturnType<Awaited<ReturnType<typeof loadOtelSdk>>['startOtel']>>;
  try {
    const sdk = await loadOtelSdk();
    session = await sdk.startOtel({ env: deps.env, ...config, serviceVersion: pkg.version, exitCodeName, warn, scrub: scrubSecrets });
  } catch (e) {
    warn(`tracing is off: ${e instanceof Error ? e.message : String(e)}`);
    return run();
  }
  setTracer(session.tracer);
  const command = commandOf(deps.argv, commandNames());
  const code = await session.root(command ? `cfgtrail ${command}` : 'cfgtrail', { 'cfgtrail.command': command }, run);
  setTracer(null);
  const problem = await session.finish(code);
  if (problem) warn(problem);
  return code;
}

let builtInRules: SecretRules | undefined;

/**
 * Text with secrets hidden by the built-in rules `diff` uses (the store's own
 * `secret_*` settings are not read for this): error messages go to a tracing
 * backend, which more people read than the verification note.
 *
 * @example scrubSecrets('GET http://admin:pw@127.0.0.1/health: status 500') // 'GET http://admin:<redacted>@127.0.0.1/health: status 500'
 */
export function scrubSecrets(text: string): string {
  builtInRules ??= compileSecretRules();
  return redactLine(text, builtInRules, () => '<redacted>');
}

/** The command an argv runs (`-C DIR` skipped, as the launcher does); undefined when it names none. */
export function commandOf(argv: string[], names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-C') i++;
    else if (!a.startsWith('-')) return names.includes(a) ? a : undefined;
  }
  return undefined;
}

/** `error.type` of a non-zero exit: its name in {@link ExitCode} (`LOCKED`), else the number. */
export function exitCodeName(code: number): string {
  return Object.entries(ExitCode).find(([, n]) => n === code)?.[0] ?? String(code);
}
