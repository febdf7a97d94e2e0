import { CfgtrailError } from '../errors.js';

/**
 * What counts as a secret: keys by their words (`DB_PASS`, `clientSecret`,
 * `X-Api-Key`), values by their shape (PEM private keys, `Bearer …`, URL
 * passwords, JWTs, well-known token prefixes). Compiled once per settings.
 */
export interface SecretRules {
  /**
   * 'secret': values under it are hidden; 'meta': it names a setting, which stays
   * visible even under a secret key (`token_ttl`, `auth.type`); else 'plain'.
   */
  classifyKey(key: string): KeyClass;
  /** Value shapes to hide wherever they occur; `group` names the part hidden (0: the whole match). */
  values: readonly ValueRule[];
  /** False when no key in `text` can be secret (a quick test before the per-key work). */
  mayHaveSecretKey(text: string): boolean;
  /** False when no value rule can match in `text`. */
  mayHaveSecretValue(text: string): boolean;
}

/** Every built-in secret word contains one of these; a line without them has no secret key. */
const KEY_STEMS = /pass|pw|secret|token|auth|key|credential|cookie|session/i;
/** Every built-in value rule's match contains one of these. */
const VALUE_TRIGGERS = /-----BEGIN|:\/\/|bearer|basic|token|digest|bot[ \t]|eyJ|gh[pousr]_|github_pat_|glpat-|xox|xapp-|AKIA|ASIA|[rs]k_(?:live|test)|whsec_|sk-|AIza|npm_|SG\.|pypi-|dop_v1_|shp|hooks\.slack|discord/i;

export type KeyClass = 'secret' | 'meta' | 'plain';

export interface ValueRule {
  re: RegExp; // global
  group: number;
  /** Extra check on the hidden part (e.g. `Basic authentication` is prose, not a credential). */
  accept?: (part: string) => boolean;
}

/** Words that make a key secret wherever they appear in it. */
const SECRET_WORDS = new Set([
  'pass', 'passwd', 'password', 'passwords', 'passphrase', 'pwd', 'pw', 'secret', 'secrets', 'token', 'tokens',
  'apikey', 'auth', 'authorization', 'credential', 'credentials', 'cookie', 'cookies', 'session', 'sessions',
  'privatekey', 'accesskey', 'secretkey', 'requirepass', 'masterauth', 'stringdata',
]);
/** One-chunk keys ending like this are secret too (`SMTPPASSWORD`, `dbsecret`); not `pass` (`bypass`, `compass`). */
const SECRET_ENDINGS = /(?:password|passwd|secret|token|apikey)$/;
/** Last words that make a key about a secret rather than the secret itself (`password_file`, `session_timeout`). */
const META_LAST = new Set([
  'file', 'files', 'path', 'dir', 'directory', 'url', 'uri', 'endpoint', 'type', 'mode', 'enabled', 'disabled', 'enable',
  'expiry', 'expires', 'expiration', 'required', 'format', 'algorithm', 'method', 'provider', 'backend', 'policy',
  'strategy', 'version', 'realm', 'domain', 'issuer', 'audience', 'name', 'secure', 'httponly', 'samesite', 'level',
  'scheme', 'prefix', 'rotation', 'location', 'ref', 'refs', 'env', 'var', 'field', 'param', 'mount', 'affinity',
  'sticky', 'storage', 'driver', 'handler',
]);
/** Words of a measure: `max_tokens`, `password_min_length`, `session_ttl` are numbers, not secrets. */
const MEASURE_WORDS = new Set(['max', 'min', 'num', 'count', 'limit', 'ttl', 'timeout', 'length', 'size', 'interval', 'lifetime', 'age', 'duration', 'period']);
/** `<word>_key` is secret (`DB_KEY`, `stripe_key`) unless the word says it is not: `public_key`, `primary_key`. */
const PLAIN_KEY_QUALIFIERS = new Set(['public', 'pub', 'primary', 'foreign', 'sort', 'partition', 'cache', 'routing', 'lookup', 'group', 'shard', 'index', 'hot', 'object', 'map', 'label', 'idempotency', 'dedup', 'kid', 'topology', 'user', 'username', 'node', 'annotation', 'selector', 'config', 'metric', 'hash', 'unique', 'composite', 'row', 'column', 'field']);
/**
 * camelCase `<word>Key` is secret only after these (`dbKey`, `signingKey`);
 * Kubernetes and Helm name many plain settings so (`topologyKey`, `userKey`).
 */
const SECRET_KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'signing', 'encryption', 'master', 'client', 'auth', 'session', 'cookie', 'jwt', 'hmac', 'license', 'webhook', 'ssh', 'gpg', 'pgp', 'tls', 'ssl', 'stripe', 'db', 'database', 'aes', 'crypto', 'cipher', 'root', 'app', 'service', 'account', 'shared', 'secure', 'token', 'password', 'pass']);
/** A `_KEY`, `-key` or `.key` suffix written with a separator. */
const SEPARATED_KEY = /[-_.\s]key$/i;

/** nginx's `proxy_pass`, `fastcgi_pass`…: "pass to an upstream", not a password. */
const UPSTREAM_PASS = new Set(['proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached']);
/** A bare `key` under one of these (`tls: {key: …}`) is a secret key. */
export const KEY_PARENTS = new Set(['tls', 'ssl', 'private', 'signing', 'encryption', 'api', 'secret', 'secrets', 'jwt', 'client', 'master', 'access', 'session', 'cookie', 'hmac', 'aes', 'gpg', 'pgp', 'ssh', 'sftp', 'deploy', 'license', 'stripe', 'webhook', 'auth', 'credentials']);

const WORD_SPLIT = /[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/;

/** Lower-case words of a key: `X-Api-Key` → x, api, key; `clientSecret` → client, secret. */
export function keyWords(key: string): string[] {
  return key.split(WORD_SPLIT).filter((w) => w !== '').map((w) => w.toLowerCase());
}

/** The built-in key classification (see {@link SecretRules.classifyKey}). */
export function classifyBuiltIn(key: string): KeyClass {
  const words = keyWords(key);
  const last = words[words.length - 1];
  if (last === undefined) return 'plain';
  const secret =
    words.some((w, i) => (SECRET_WORDS.has(w) && !(w === 'pass' && UPSTREAM_PASS.has(words[i - 1]!))) || SECRET_ENDINGS.test(w) || SECRET_WORDS.has(`${words[i - 1] ?? ''}${w}`)) ||
    (last === 'key' && words.length >= 2 && !PLAIN_KEY_QUALIFIERS.has(words[words.length - 2]!) && (SEPARATED_KEY.test(key) || SECRET_KEY_QUALIFIERS.has(words[words.length - 2]!)));
  const meta = META_LAST.has(last) || words.some((w) => MEASURE_WORDS.has(w));
  if (!secret) return meta ? 'meta' : 'plain';
  return meta ? 'meta' : 'secret';
}

const B64 = String.raw`[A-Za-z0-9+/]`;
/** The label of a PEM private key block (`RSA PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`), as regex source. */
export const PEM_LABEL = String.raw`[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?`;

/** Value shapes hidden by default. */
const BUILT_IN_VALUES: readonly ValueRule[] = [
  // The body of a PEM private key (header and footer stay visible); to the end when the footer is missing.
  { re: new RegExp(String.raw`-----BEGIN ${PEM_LABEL}-----([\s\S]+?)(?=-----END ${PEM_LABEL}-----|$(?![\s\S]))`, 'g'), group: 1, accept: (p) => p.trim() !== '' && p.trim() !== '\\n' },
  // Only the password of scheme://user:password@host.
  { re: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#'"]*:([^\s@/?#'"]+)@/gi, group: 1 },
  // Authorization header credentials; prose such as "Basic authentication" is all lower-case letters.
  { re: /\b(?:Bearer|Basic|Token|Digest|Bot)[ \t]+([A-Za-z0-9\-._~+/]{8,}=*)/gi, group: 1, accept: (p) => !/^[a-z]+$/.test(p) },
  // JSON Web Tokens.
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, group: 0 },
  // Well-known token shapes: GitHub, GitLab, Slack, AWS key ids, Stripe, OpenAI, Google, npm, SendGrid, PyPI, DigitalOcean, Shopify.
  {
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|[rs]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|pypi-[A-Za-z0-9_-]{50,}|dop_v1_[a-f0-9]{64}|shp(?:at|ss|ca)_[a-fA-F0-9]{32})/g,
    group: 0,
  },
  // Slack and Discord webhook paths carry their secret.
  { re: /hooks\.slack\.com\/services\/([A-Za-z0-9/]+)|discord(?:app)?\.com\/api\/webhooks\/([0-9]+\/[A-Za-z0-9_-]+)/g, group: 1 },
];

/** Settings that extend the built-in rules (`secret_keys`, `secret_values`). */
export interface SecretRuleOptions {
  /** Case-insensitive regular expressions: a key any of them matches is secret. */
  keys?: readonly string[];
  /** Regular expressions: a match is hidden (only group 1 when the expression has one). */
  values?: readonly string[];
}

const compiledRules = new Map<string, SecretRules>();

/**
 * The rules for a store's settings, compiled once per distinct settings.
 * @throws CfgtrailError BAD_INPUT when a pattern is not a valid regular expression.
 * @example compileSecretRules({ keys: ['pin'] }).classifyKey('PIN_CODE') // 'secret'
 */
export function compileSecretRules(opts: SecretRuleOptions = {}): SecretRules {
  const id = JSON.stringify([opts.keys ?? [], opts.values ?? []]);
  let rules = compiledRules.get(id);
  if (rules !== undefined) return rules;
  const extraKeys = (opts.keys ?? []).map((p) => compilePattern(p, 'i', 'secret key'));
  const extraValues = (opts.values ?? []).map((p): ValueRule => {
    const re = compilePattern(p, 'g', 'secret value');
    return { re, group: new RegExp(`${p}|`).exec('')!.length > 1 ? 1 : 0, accept: (part) => part !== '' };
  });
  const cache = new Map<string, KeyClass>();
  rules = {
    classifyKey(key) {
      let c = cache.get(key);
      if (c === undefined) {
        c = classifyBuiltIn(key);
        if (c === 'plain' && extraKeys.some((re) => re.test(key))) c = 'secret';
        if (cache.size > 10_000) cache.clear();
        cache.set(key, c);
      }
      return c;
    },
    values: [...BUILT_IN_VALUES, ...extraValues],
    mayHaveSecretKey: extraKeys.length > 0 ? () => true : (text) => KEY_STEMS.test(text),
    mayHaveSecretValue: extraValues.length > 0 ? () => true : (text) => VALUE_TRIGGERS.test(text),
  };
  compiledRules.set(id, rules);
  return rules;
}

function compilePattern(p: string, flags: string, what: string): RegExp {
  try {
    return new RegExp(p, flags);
  } catch (e) {
    throw new CfgtrailError('BAD_INPUT', `bad ${what} pattern ${JSON.stringify(p)}: ${(e as Error).message}`, { pattern: p }, { cause: e });
  }
}

/** A line of base64 long enough to be part of a key: hidden in text diffs outside certificates. */
export const BASE64_LINE = new RegExp(`^\\s*${B64}{40,}={0,2}\\s*$`);
