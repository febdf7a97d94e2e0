import { createHmac, randomBytes } from 'node:crypto';
import type { FieldChange, PathSegment } from '../types.js';
import { isPlainObject } from './diff-trees.js';
import { formatPathText } from './path-text.js';
import { compileSecretRules, KEY_PARENTS, type KeyClass, type SecretRuleOptions, type SecretRules } from './redact-rules.js';
import { redactLine, type Tag } from './redact-text.js';
import { redactText } from './redact-lines.js';

/** Hides secrets in diffs: the rules, and the keyed tag of a hidden value. */
export interface Redactor {
  rules: SecretRules;
  /** `<redacted:ab12cd>`: 6 hex of an HMAC-SHA256 of the value under the store's key. */
  tag: Tag;
}

export interface RedactorOptions extends SecretRuleOptions {
  /**
   * The store's redaction key, read on the first tag (a diff without secrets
   * never reads it). @default a random key for this process: tags are then
   * stable only within one run.
   */
  key?: () => Buffer;
}

let processKey: Buffer | undefined;
const TAG_RE = /^<redacted:[0-9a-f]{6}>$/;

/**
 * A redactor for one store.
 * @throws CfgtrailError BAD_INPUT when a key or value pattern is not a valid regular expression.
 * @example createRedactor({ key: () => readKey(gitdir), keys: store.settings.secretKeys ?? [] })
 */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const rules = compileSecretRules(opts);
  let key: Buffer | undefined;
  const loadKey = opts.key ?? (() => (processKey ??= randomBytes(32)));
  const tag: Tag = (value) => {
    // A tag is already hidden: redacting twice (a patch made from redacted text) keeps it.
    if (typeof value === 'string' && TAG_RE.test(value)) return value;
    key ??= loadKey();
    const data = Buffer.isBuffer(value) ? value : canonicalJson(value);
    return `<redacted:${createHmac('sha256', key).update(data).digest('hex').slice(0, 6)}>`;
  };
  return { rules, tag };
}

/**
 * Whether a map key (or a key-matched entry's name) names a secret: its words
 * (case and separators ignored) include pass/password/pwd/secret/token/auth/…,
 * or it ends in `_key` (`DB_KEY`, not `public_key`); `token_ttl`-like keys
 * about a secret are not.
 * @param patterns extra case-insensitive regular expressions
 * @throws CfgtrailError BAD_INPUT when a pattern is not a valid regular expression.
 * @example isSecretKey('DB_PASS') // true; isSecretKey('author') // false
 */
export function isSecretKey(key: string, patterns: readonly string[] = []): boolean {
  return compileSecretRules({ keys: patterns }).classifyKey(key) === 'secret';
}

/** `<redacted:ab12cd>` for a value under `redactor`'s key (a per-process key when none is given). */
export function redactValue(value: unknown, redactor: Redactor = createRedactor()): string {
  return redactor.tag(value);
}

const NO_LEAD = { leadWords: false };

/** A command-line flag (`--password`, `-p`): a secret one hides the list item after it. */
const FLAG = /^-{1,2}[A-Za-z][\w-]*$/;

/** Subtrees nested deeper than this are hidden whole (a tag of their content). */
const MAX_DEPTH = 1000;

/**
 * Copies of the changes with secrets replaced by tags: the whole value when a
 * key on its path is secret (the `value` of a key-matched entry such as
 * `env[name=DB_PASSWORD]` too), secret keys
 * nested inside added/removed subtrees, secret-shaped strings anywhere, and
 * secret-shaped path segments.
 */
export function redactChanges<T extends FieldChange>(changes: readonly T[], redactor: Redactor = createRedactor()): T[] {
  return changes.map((c) => {
    const under = pathIsSecret(c.path, redactor.rules);
    const copy = { ...c };
    const last = c.path[c.path.length - 1];
    const parent = typeof last === 'string' ? last : undefined;
    if (Object.hasOwn(c, 'from')) copy.from = redactTree(c.from, under, redactor, 0, parent);
    if (Object.hasOwn(c, 'to')) copy.to = redactTree(c.to, under, redactor, 0, parent);
    const path = c.path.map((seg) => redactSegment(seg, redactor));
    if (path.some((seg, i) => seg !== c.path[i])) {
      copy.path = path;
      copy.pathText = formatPathText(path);
    }
    return copy;
  });
}

function pathIsSecret(path: readonly PathSegment[], rules: SecretRules): boolean {
  let secret = false;
  let parent: PathSegment | undefined;
  for (const [i, seg] of path.entries()) {
    if (typeof seg === 'string') {
      const cls = keyClass(rules, seg, parent);
      parent = seg;
      secret = cls === 'secret' || (secret && cls !== 'meta');
    } else {
      parent = seg;
      // env[name=DB_PASSWORD].value is secret; upstreams[name=auth].timeout is not.
      if (typeof seg === 'object' && path[i + 1] === 'value' && Object.values(seg).some((v) => rules.classifyKey(v) === 'secret')) secret = true;
    }
  }
  return secret;
}

/** A key's class; a bare `key` counts as secret under `tls`, `ssl`, `api`, … (`tls: {key: …}`). */
function keyClass(rules: SecretRules, key: string, parent: unknown): KeyClass {
  const cls = rules.classifyKey(key);
  if (cls === 'plain' && key.toLowerCase() === 'key' && typeof parent === 'string' && KEY_PARENTS.has(parent.toLowerCase())) return 'secret';
  return cls;
}

function redactSegment(seg: PathSegment, r: Redactor): PathSegment {
  if (typeof seg === 'string') return redactLine(seg, r.rules, r.tag, NO_LEAD);
  if (typeof seg !== 'object') return seg;
  const out: Record<string, string> = {};
  let changed = false;
  for (const [k, v] of Object.entries(seg)) {
    out[k] = redactLine(v, r.rules, r.tag, NO_LEAD);
    changed ||= out[k] !== v;
  }
  return changed ? out : seg;
}

/** Deep copy of a tree with secrets hidden (also `{name: DB_PASSWORD, value: …}` entries and `["--password", x]`). */
function redactTree(value: unknown, secret: boolean, r: Redactor, depth: number, parent?: string): unknown {
  if (depth > MAX_DEPTH) return r.tag(value);
  if (Array.isArray(value)) {
    let flagged = false;
    return value.map((v) => {
      const out = redactTree(v, secret || flagged, r, depth + 1);
      flagged = typeof v === 'string' && FLAG.test(v) && r.rules.classifyKey(v) === 'secret';
      return out;
    });
  }
  if (isPlainObject(value)) {
    const named = [value['name'], value['key']].some((n) => typeof n === 'string' && r.rules.classifyKey(n) === 'secret');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const cls = keyClass(r.rules, key, parent);
      const hide = cls === 'secret' || (secret && cls !== 'meta') || (named && key === 'value');
      const outKey = redactLine(key, r.rules, r.tag, NO_LEAD);
      const v = redactTree(value[key], hide, r, depth + 1, key);
      // defineProperty: a `__proto__` key stays an ordinary key of the copy (plain assignment is faster otherwise)
      if (outKey === '__proto__') Object.defineProperty(out, outKey, { value: v, enumerable: true, writable: true, configurable: true });
      else out[outKey] = v;
    }
    return out;
  }
  // true/false/null say nothing a guess would not: `auth: true`, `password: null` stay readable
  if (secret) return typeof value === 'boolean' || value === null ? value : r.tag(value);
  return typeof value === 'string' ? redactText(value, r.rules, r.tag) : value;
}

/**
 * JSON of a value with keys sorted, built without recursion so that any tree
 * the parser accepted can be tagged.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  const stack: unknown[] = [value];
  const RAW = Symbol('raw');
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'object' && v !== null && RAW in v) {
      parts.push((v as { [RAW]: string })[RAW]);
    } else if (Array.isArray(v)) {
      const items: unknown[] = [{ [RAW]: '[' }];
      v.forEach((x, i) => items.push(...(i > 0 ? [{ [RAW]: ',' }] : []), x));
      items.push({ [RAW]: ']' });
      for (let i = items.length - 1; i >= 0; i -= 1) stack.push(items[i]);
    } else if (isPlainObject(v)) {
      const items: unknown[] = [{ [RAW]: '{' }];
      Object.keys(v).sort().forEach((k, i) => items.push({ [RAW]: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` }, v[k]));
      items.push({ [RAW]: '}' });
      for (let i = items.length - 1; i >= 0; i -= 1) stack.push(items[i]);
    } else {
      parts.push(JSON.stringify(v) ?? 'null');
    }
  }
  return parts.join('');
}
