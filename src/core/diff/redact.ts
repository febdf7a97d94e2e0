import { createHash } from 'node:crypto';
import { CfgtrailError } from '../errors.js';
import type { FieldChange } from '../types.js';
import { isPlainObject } from './diff-trees.js';

/**
 * Case-insensitive regular expressions; a key is secret when any matches part of it
 * (`db_password`, `clientSecret`, `accessToken`, `api-key`, `privateKey`, `credentials`).
 */
export const DEFAULT_SECRET_PATTERNS: readonly string[] = [
  'passw(or)?d',
  'passphrase',
  'secret',
  'token',
  'api[-_]?key',
  'private[-_]?key',
  'credential',
];

/** Compiled patterns, cached per array so per-key checks stay cheap. */
const compiled = new WeakMap<readonly string[], RegExp[]>();

function compile(patterns: readonly string[]): RegExp[] {
  let res = compiled.get(patterns);
  if (res === undefined) {
    res = patterns.map((p) => {
      try {
        return new RegExp(p, 'i');
      } catch (e) {
        throw new CfgtrailError('BAD_INPUT', `bad secret key pattern ${JSON.stringify(p)}`, { pattern: p }, { cause: e });
      }
    });
    compiled.set(patterns, res);
  }
  return res;
}

/**
 * Whether a map key (or a key-matched entry's name) names a secret.
 * @param patterns case-insensitive regular expressions @default DEFAULT_SECRET_PATTERNS
 * @throws CfgtrailError BAD_INPUT when a pattern is not a valid regular expression.
 * @example isSecretKey('db_password') // true
 */
export function isSecretKey(key: string, patterns: readonly string[] = DEFAULT_SECRET_PATTERNS): boolean {
  return compile(patterns).some((re) => re.test(key));
}

/**
 * `<redacted:ab12cd>`: the first 6 hex digits of the SHA-256 of the value's JSON
 * (keys sorted), so equal values give equal marks and a change stays visible.
 */
export function redactValue(value: unknown): string {
  const hash = createHash('sha256').update(canonicalJson(value)).digest('hex');
  return `<redacted:${hash.slice(0, 6)}>`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Copies of the changes with secret values replaced by {@link redactValue} marks:
 * the whole value when any key on its path is secret (for key-matched entries such
 * as `env[name=DB_PASSWORD]`, the identity value counts as a key), and secret
 * keys nested inside added/removed subtrees.
 */
export function redactChanges<T extends FieldChange>(changes: readonly T[], patterns: readonly string[] = DEFAULT_SECRET_PATTERNS): T[] {
  const secret = (key: string): boolean => isSecretKey(key, patterns);
  return changes.map((c) => {
    const underSecret = c.path.some((seg) =>
      typeof seg === 'string' ? secret(seg) : typeof seg === 'object' && Object.values(seg).some(secret),
    );
    const fix = (v: unknown): unknown => (underSecret ? redactValue(v) : redactTree(v, secret));
    const copy = { ...c };
    if (Object.hasOwn(c, 'from')) copy.from = fix(c.from);
    if (Object.hasOwn(c, 'to')) copy.to = fix(c.to);
    return copy;
  });
}

/** Deep copy of a tree with values under secret keys redacted (also `{name: DB_PASSWORD, value: …}` entries). */
function redactTree(value: unknown, secret: (key: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => redactTree(v, secret));
  if (!isPlainObject(value)) return value;
  const named = [value['name'], value['key']].some((n) => typeof n === 'string' && secret(n));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const hide = secret(key) || (named && key === 'value');
    // defineProperty: a `__proto__` key stays an ordinary key of the copy
    Object.defineProperty(out, key, {
      value: hide ? redactValue(value[key]) : redactTree(value[key], secret),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
