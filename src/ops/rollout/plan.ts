/**
 * Planning a progressive rollback (pure): the instance list, the batches,
 * and each instance's argv and checks with placeholders filled in.
 */
import { parse as parseWords } from 'shell-quote';
import { CfgtrailError } from '../../core/errors.js';
import type { HealthCheck } from '../services-config.js';

/**
 * An instance name goes into argv elements and URLs: it must not start with
 * `-` (ssh or kubectl would read it as an option, e.g. `-oProxyCommand=…`)
 * nor hold whitespace, control characters, braces or URL delimiters.
 */
const INSTANCE_NAME = /^[A-Za-z0-9_.:@[\]%+=~][A-Za-z0-9_.:@[\]%+=~/-]*$/;

/** Throws BAD_INPUT for a name that is not safe to hand to a transport. */
export function checkInstanceName(name: string, source: string): void {
  if (!INSTANCE_NAME.test(name) || name.length > 253) {
    throw new CfgtrailError('BAD_INPUT', `${source}: not an instance name: ${JSON.stringify(name)} (letters, digits and . _ : @ [ ] % + = ~ / -; not starting with -)`, { instance: name });
  }
}

/**
 * Instance names, one per line; blank lines and `#` comments are skipped.
 * @throws CfgtrailError BAD_INPUT on an unsafe or repeated name, or an empty list
 * @example parseInstanceList('web-1\n# spare\nweb-2\n', 'hosts.txt') // ['web-1', 'web-2']
 */
export function parseInstanceList(text: string, source: string): string[] {
  const names: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    checkInstanceName(line, source);
    if (names.includes(line)) throw new CfgtrailError('BAD_INPUT', `${source}: instance ${line} is listed twice`, { instance: line });
    names.push(line);
  }
  if (names.length === 0) throw new CfgtrailError('BAD_INPUT', `${source}: no instances listed`, {});
  return names;
}

/**
 * `--instances-cmd` split into argv as a shell would split words (quotes,
 * backslashes), without running a shell: pipes, redirections, globs and
 * `$VAR` are refused rather than half-supported.
 * @example splitCommandLine("kubectl get pods -l 'app=my app' -o name") // ['kubectl', 'get', 'pods', '-l', 'app=my app', '-o', 'name']
 */
export function splitCommandLine(text: string): string[] {
  const words = parseWords(text, (key) => `\u0000${key}`);
  const argv: string[] = [];
  for (const w of words) {
    if (typeof w !== 'string' || w.includes('\u0000')) {
      throw new CfgtrailError('BAD_INPUT', `--instances-cmd is split into words and run without a shell: ${describeWord(w)} is not supported (wrap a pipeline in a script)`, {});
    }
    argv.push(w);
  }
  if (argv.length === 0) throw new CfgtrailError('BAD_INPUT', '--instances-cmd is empty', {});
  return argv;
}

function describeWord(w: unknown): string {
  if (typeof w === 'string') return 'a $variable';
  const o = w as { op?: string; comment?: string; pattern?: string };
  if (o.op === 'glob') return `the glob ${o.pattern}`;
  if (o.comment !== undefined) return 'a # comment';
  return `'${o.op}'`;
}

/** `--batch-size`: a count (`3`) or a share of the instances (`25%`, rounded up). */
export function parseBatchSize(text: string): { count: number } | { percent: number } {
  const m = /^\s*(\d+)\s*(%?)\s*$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < 1 || (m[2] && n > 100)) throw new CfgtrailError('BAD_INPUT', `--batch-size must be a whole number >= 1 or a percentage 1%-100%, not '${text}'`, {});
  return m[2] ? { percent: n } : { count: n };
}

/**
 * Instances cut into batches in list order.
 * @example planBatches(['a', 'b', 'c', 'd', 'e'], { percent: 40 }) // [['a', 'b'], ['c', 'd'], ['e']]
 */
export function planBatches(instances: string[], size: { count: number } | { percent: number }): string[][] {
  const per = 'count' in size ? size.count : Math.max(1, Math.ceil((instances.length * size.percent) / 100));
  const batches: string[][] = [];
  for (let i = 0; i < instances.length; i += per) batches.push(instances.slice(i, i + per));
  return batches;
}

/**
 * Replaces `{name}` for each given value inside one string, in a single pass
 * (a value that itself contains `{target}` is not expanded again).
 * @example fillPlaceholders('http://{instance}:8080', { instance: 'web-1' }) // 'http://web-1:8080'
 */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-z]+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? (values[key] as string) : whole));
}

/** Each argv element with placeholders filled: one element stays one element. */
export function fillArgv(argv: string[], values: Record<string, string>): string[] {
  return argv.map((a) => fillPlaceholders(a, values));
}

/** A rollout health check for one instance. */
export function instanceCheck(check: HealthCheck, values: Record<string, string>): HealthCheck {
  if (check.kind === 'http') return { ...check, url: fillPlaceholders(check.url, values) };
  if (check.kind === 'tcp') return { ...check, host: fillPlaceholders(check.host, values) };
  return { ...check, argv: fillArgv(check.argv, values) };
}
