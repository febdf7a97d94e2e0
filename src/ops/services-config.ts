/**
 * The `services` list of settings.yaml: which services use which config files,
 * how to restart them and how to tell that they are healthy again.
 */
import { constants as osConstants } from 'node:os';
import { globToRegExp, servicesMatching } from '../core/store/glob.js';
import { CfgtrailError } from '../core/errors.js';
import { MAX_TIMER_MS, parseDuration, TOO_LONG } from '../core/record/duration.js';

/** How a service is restarted (one kind per service). */
export type RestartSpec =
  | { kind: 'supervisor'; program: string; ctlArgs: string[] }
  | { kind: 'systemd'; unit: string; action: 'restart' | 'reload' }
  | { kind: 'kubernetes'; deployment: string; namespace?: string }
  | { kind: 'docker'; container: string }
  | { kind: 'signal'; signal: NodeJS.Signals; pidfile: string }
  | { kind: 'command'; argv: string[] };

interface CheckBase {
  /** Per attempt. @default 2000 for http and tcp, 10000 for command */
  timeoutMs: number;
  /** Extra attempts after the first one fails. @default 0 */
  retries: number;
}

/** One health check. */
export type HealthCheck =
  | (CheckBase & { kind: 'http'; url: string; expect?: number })
  | (CheckBase & { kind: 'tcp'; host: string; port: number })
  | (CheckBase & { kind: 'command'; argv: string[] });

/** A validated entry of `services`. */
export interface ServiceConfig {
  name: string;
  /** Globs over paths relative to the config root (`*` stays within a directory, `**` crosses). */
  files: string[];
  restart: RestartSpec;
  /** Bounds the restart command and the whole health verification. @default 30000 */
  timeoutMs: number;
  health: HealthCheck[];
}

const RESTART_KINDS = ['supervisor', 'systemd', 'kubernetes', 'docker', 'signal', 'command'] as const;
const SERVICE_KEYS = ['name', 'files', 'restart', 'timeout', 'health'];

/**
 * Validates the raw `services` value of settings.yaml.
 *
 * @param where.file settings file named in errors; `lineOf` maps a key path (starting with `services`) to a line.
 * @throws CfgtrailError BAD_SETTINGS with `data: { file, line, key }`
 * @example validateServices(parse(text).services, { file: 'settings.yaml' })
 */
export function validateServices(
  raw: unknown,
  where: { file: string; lineOf?: (path: (string | number)[]) => number | undefined },
): ServiceConfig[] {
  const ctx: Ctx = { file: where.file, lineOf: where.lineOf };
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) fail(ctx, ['services'], 'must be a list of services');
  const services = raw.map((entry, i) => validateService(ctx, entry, ['services', i]));
  const seen = new Set<string>();
  services.forEach((s, i) => {
    if (seen.has(s.name)) fail(ctx, ['services', i, 'name'], `duplicate service name '${s.name}'`);
    seen.add(s.name);
  });
  return services;
}

function validateService(ctx: Ctx, raw: unknown, at: KeyPath): ServiceConfig {
  const o = asObject(ctx, raw, at);
  checkKeys(ctx, o, at, SERVICE_KEYS);
  const name = reqString(ctx, o, at, 'name');
  const files = reqArgv(ctx, o, at, 'files', 'a list of file globs');
  const timeoutMs = o.timeout === undefined ? 30_000 : durationMs(ctx, o.timeout, [...at, 'timeout']);
  if (o.restart === undefined) fail(ctx, [...at, 'restart'], 'is required');
  const restart = validateRestart(ctx, o.restart, [...at, 'restart']);
  const healthRaw = o.health ?? [];
  if (!Array.isArray(healthRaw)) fail(ctx, [...at, 'health'], 'must be a list of checks');
  const health = healthRaw.map((c, i) => validateCheck(ctx, c, [...at, 'health', i]));
  return { name, files, restart, timeoutMs, health };
}

function validateRestart(ctx: Ctx, raw: unknown, at: KeyPath): RestartSpec {
  const o = asObject(ctx, raw, at);
  const kinds = Object.keys(o).filter((k) => (RESTART_KINDS as readonly string[]).includes(k));
  if (kinds.length !== 1) {
    const other = Object.keys(o).find((k) => !['action', 'supervisorctl', 'pidfile'].includes(k));
    if (kinds.length === 0 && other !== undefined) fail(ctx, at, `unknown restart kind '${other}' (one of ${RESTART_KINDS.join(', ')})`);
    fail(ctx, at, `needs exactly one of ${RESTART_KINDS.join(', ')}`);
  }
  const kind = kinds[0] as (typeof RESTART_KINDS)[number];
  switch (kind) {
    case 'supervisor': return supervisorSpec(ctx, o, at);
    case 'systemd': {
      checkKeys(ctx, o, at, ['systemd', 'action']);
      const action = o.action ?? 'restart';
      if (action !== 'restart' && action !== 'reload') fail(ctx, [...at, 'action'], `must be restart or reload, not '${String(action)}'`);
      return { kind, unit: reqString(ctx, o, at, 'systemd'), action };
    }
    case 'kubernetes': {
      checkKeys(ctx, o, at, ['kubernetes']);
      const k = asObject(ctx, o.kubernetes, [...at, 'kubernetes']);
      checkKeys(ctx, k, [...at, 'kubernetes'], ['deployment', 'namespace']);
      const namespace = optString(ctx, k, [...at, 'kubernetes'], 'namespace');
      return { kind, deployment: reqString(ctx, k, [...at, 'kubernetes'], 'deployment'), ...(namespace ? { namespace } : {}) };
    }
    case 'docker':
      checkKeys(ctx, o, at, ['docker']);
      return { kind, container: reqString(ctx, o, at, 'docker') };
    case 'signal': return signalSpec(ctx, o, at);
    case 'command':
      checkKeys(ctx, o, at, ['command']);
      return { kind, argv: reqArgv(ctx, o, at, 'command', 'an argv list such as ["/usr/local/bin/reload", "--fast"] (no shell string)') };
  }
}

function supervisorSpec(ctx: Ctx, o: Obj, at: KeyPath): RestartSpec {
  checkKeys(ctx, o, at, ['supervisor', 'supervisorctl']);
  const extra = o.supervisorctl === undefined ? [] : reqArgv(ctx, o, at, 'supervisorctl', 'a list of extra supervisorctl arguments');
  if (typeof o.supervisor === 'string') return { kind: 'supervisor', program: reqString(ctx, o, at, 'supervisor'), ctlArgs: extra };
  const s = asObject(ctx, o.supervisor, [...at, 'supervisor']);
  checkKeys(ctx, s, [...at, 'supervisor'], ['program', 'config']);
  const config = optString(ctx, s, [...at, 'supervisor'], 'config');
  const program = reqString(ctx, s, [...at, 'supervisor'], 'program');
  return { kind: 'supervisor', program, ctlArgs: [...(config ? ['-c', config] : []), ...extra] };
}

function signalSpec(ctx: Ctx, o: Obj, at: KeyPath): RestartSpec {
  checkKeys(ctx, o, at, ['signal', 'pidfile']);
  const given = reqString(ctx, o, at, 'signal').toUpperCase();
  const signal = (given.startsWith('SIG') ? given : `SIG${given}`) as NodeJS.Signals;
  if (!(signal in osConstants.signals)) fail(ctx, [...at, 'signal'], `unknown signal '${String(o.signal)}'`);
  return { kind: 'signal', signal, pidfile: reqString(ctx, o, at, 'pidfile') };
}

function validateCheck(ctx: Ctx, raw: unknown, at: KeyPath): HealthCheck {
  const o = asObject(ctx, raw, at);
  const kinds = ['http', 'tcp', 'command'].filter((k) => k in o);
  if (kinds.length !== 1) fail(ctx, at, 'needs exactly one of http, tcp, command');
  const kind = kinds[0] as 'http' | 'tcp' | 'command';
  checkKeys(ctx, o, at, [kind, 'timeout', 'retries', ...(kind === 'http' ? ['expect'] : [])]);
  const timeoutMs = o.timeout === undefined ? (kind === 'command' ? 10_000 : 2_000) : durationMs(ctx, o.timeout, [...at, 'timeout']);
  const retries = o.retries ?? 0;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) {
    fail(ctx, [...at, 'retries'], 'must be a whole number >= 0');
  }
  const base = { timeoutMs, retries };
  if (kind === 'command') return { kind, argv: reqArgv(ctx, o, at, 'command', 'an argv list (no shell string)'), ...base };
  if (kind === 'tcp') return { kind, ...parseHostPort(ctx, reqString(ctx, o, at, 'tcp'), [...at, 'tcp']), ...base };
  const url = reqString(ctx, o, at, 'http');
  if (!/^https?:\/\/[^/]/.test(url)) fail(ctx, [...at, 'http'], `must be an http:// or https:// URL, not '${url}'`);
  if (o.expect !== undefined && !(Number.isInteger(o.expect) && (o.expect as number) >= 100 && (o.expect as number) <= 599)) {
    fail(ctx, [...at, 'expect'], 'must be an HTTP status code (100-599)');
  }
  return { kind, url, ...(o.expect !== undefined ? { expect: o.expect as number } : {}), ...base };
}

function parseHostPort(ctx: Ctx, text: string, at: KeyPath): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) fail(ctx, at, `must be host:port, not '${text}'`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/**
 * The services whose `files` globs match any of the changed paths (relative to the config root).
 * @example servicesForFiles(services, ['conf.d/db.yaml'])
 */
export function servicesForFiles(services: ServiceConfig[], changedPaths: string[]): ServiceConfig[] {
  return servicesMatching(services, changedPaths.map((p) => p.replace(/\\/g, '/').replace(/^\.\//, '')));
}

/** Services' `files` globs match whole relative paths. */
export function serviceGlob(glob: string): RegExp {
  return globToRegExp(glob, 'exact');
}

/**
 * Readers for other settings sections (`rollout:`) that take the same kinds
 * of values as services: health checks, durations, argv lists. Each fails
 * with BAD_SETTINGS naming the file, line and key.
 *
 * @example settingsReaders({ file }).checks(raw.health, ['rollout', 'health'])
 */
export function settingsReaders(where: { file: string; lineOf?: (path: (string | number)[]) => number | undefined }) {
  const ctx: Ctx = { file: where.file, lineOf: where.lineOf };
  return {
    checks(raw: unknown, at: KeyPath): HealthCheck[] {
      if (raw === undefined) return [];
      if (!Array.isArray(raw)) fail(ctx, at, 'must be a list of checks');
      return raw.map((c, i) => validateCheck(ctx, c, [...at, i]));
    },
    duration: (raw: unknown, at: KeyPath): number => durationMs(ctx, raw, at),
    argv: (o: Record<string, unknown>, at: KeyPath, key: string): string[] => reqArgv(ctx, o, at, key, 'an argv list (no shell string)'),
    object: (raw: unknown, at: KeyPath): Record<string, unknown> => asObject(ctx, raw, at),
    keys: (o: Record<string, unknown>, at: KeyPath, allowed: string[]): void => checkKeys(ctx, o, at, allowed),
  };
}

// ---- field readers: each fails with BAD_SETTINGS naming file, line and key ----

export type KeyPath = (string | number)[];
export type Obj = Record<string, unknown>;
export interface Ctx { file: string; lineOf?: (path: KeyPath) => number | undefined }

function keyText(path: KeyPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

export function fail(ctx: Ctx, path: KeyPath, message: string): never {
  const key = keyText(path);
  // The nearest enclosing key that has a line is still a useful pointer.
  let line: number | undefined;
  for (let n = path.length; n > 0 && line === undefined; n--) line = ctx.lineOf?.(path.slice(0, n));
  const where = line === undefined ? ctx.file : `${ctx.file}:${line}`;
  throw new CfgtrailError('BAD_SETTINGS', `${where}: ${key}: ${message}`, { file: ctx.file, line, key });
}

export function asObject(ctx: Ctx, raw: unknown, at: KeyPath): Obj {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(ctx, at, 'must be a mapping');
  return raw as Obj;
}

export function checkKeys(ctx: Ctx, o: Obj, at: KeyPath, allowed: string[]): void {
  const unknown = Object.keys(o).find((k) => !allowed.includes(k));
  if (unknown !== undefined) fail(ctx, [...at, unknown], `unknown key (allowed here: ${allowed.join(', ')})`);
}

export function reqString(ctx: Ctx, o: Obj, at: KeyPath, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') fail(ctx, [...at, key], v === undefined ? 'is required' : 'must be a non-empty string');
  return v;
}

export function optString(ctx: Ctx, o: Obj, at: KeyPath, key: string): string | undefined {
  return o[key] === undefined ? undefined : reqString(ctx, o, at, key);
}

export function reqArgv(ctx: Ctx, o: Obj, at: KeyPath, key: string, what: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x !== '')) {
    fail(ctx, [...at, key], `must be ${what}`);
  }
  return v as string[];
}

/** `500ms`, `30s`, `1.5s`, `2m`, `1h` to milliseconds (record/duration's grammar); a bare number is refused as ambiguous. */
export function durationMs(ctx: Ctx, raw: unknown, at: KeyPath): number {
  const ms = typeof raw === 'string' ? parseDuration(raw) : null;
  if (ms === null) fail(ctx, at, `must be a duration such as 500ms, 30s or 2m, not '${String(raw)}'`);
  if (ms <= 0) fail(ctx, at, 'must be more than 0');
  if (ms > MAX_TIMER_MS) fail(ctx, at, `${TOO_LONG}, not '${String(raw)}'`);
  return ms;
}
