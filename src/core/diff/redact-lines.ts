import { BASE64_LINE, PEM_LABEL, type SecretRules } from './redact-rules.js';
import { decodesToSecret, redactLine, scalarOf, type Tag } from './redact-text.js';

const PEM_BEGIN = new RegExp(`-----BEGIN ${PEM_LABEL}-----`);
const PEM_END = new RegExp(`-----END ${PEM_LABEL}-----`);
const CERT_BEGIN = /-----BEGIN [A-Z0-9 ]*(?:CERTIFICATE|PUBLIC KEY)[A-Z0-9 ]*-----/;
const CERT_END = /-----END [A-Z0-9 ]*(?:CERTIFICATE|PUBLIC KEY)[A-Z0-9 ]*-----/;
const NAME_LINE = /^\s*(?:-\s+)?(["']?)(?:name|key)\1\s*[:=]\s*["']?([^"'\s,}]+)/;
const VALUE_PREFIX = /^\s*(?:-\s+)?(["']?)value\1\s*[:=]\s*/;
const BLOCK_START = /(?:[|>][-+0-9]*|\{|\[)?/y;

/** Where a line redactor is between lines: restored at a hunk's first line. */
export interface LineState {
  pem: boolean;
  cert: boolean;
  /** Indent of a secret key whose value continues on the lines below. */
  block: number | null;
  /** Lines left in which a `value:` belongs to a `name: DB_PASSWORD`. */
  namedSecret: number;
}

const START: LineState = { pem: false, cert: false, block: null, namedSecret: 0 };

/** A line redactor; `advance` only follows the state (cheap), `line` also redacts. */
export interface LineRedactor {
  line(text: string): string;
  advance(text: string): void;
  state(): LineState;
  restore(state: LineState): void;
  reset(): void;
}

/**
 * A redactor for the lines of one text, fed in order: besides {@link redactLine}
 * it hides whole lines inside a PEM private key, base64 lines outside
 * certificates, lines nested under a secret key (`password: |`, `"auth": {`),
 * and the `value:` that follows `name: DB_PASSWORD`. Line count and indentation
 * are kept.
 */
export function createLineRedactor(rules: SecretRules, tag: Tag): LineRedactor {
  let st: LineState = { ...START };
  const whole = (text: string, indent: number) => (text.trim() === '' ? text : `${text.slice(0, indent)}${tag(text.trim())}`);
  /** Moves the state over one line; returns how the line is hidden: 'whole', 'named' (its value), or 'line'. */
  const step = (text: string): 'whole' | 'named' | 'line' => {
    const indent = text.length - text.trimStart().length;
    if (st.pem) {
      if (!PEM_END.test(text)) return 'whole';
      st.pem = false;
    }
    if (st.block !== null && (text.trim() === '' || indent > st.block)) return 'whole';
    st.block = null;
    let how: 'whole' | 'named' | 'line' = 'line';
    if (text.includes('-----')) {
      if (PEM_BEGIN.test(text) && !PEM_END.test(text)) st.pem = true;
      if (CERT_BEGIN.test(text)) st.cert = !CERT_END.test(text);
      else if (CERT_END.test(text)) st.cert = false;
    } else if (!st.cert && text.length >= 40 && BASE64_LINE.test(text)) how = 'whole';
    const keyed = rules.mayHaveSecretKey(text);
    const opens = keyed ? blockKey(text) : null;
    if (opens !== null && rules.classifyKey(opens) === 'secret') st.block = indent;
    if (how === 'line' && st.namedSecret > 0 && VALUE_PREFIX.test(text)) how = 'named';
    const named = keyed ? NAME_LINE.exec(text) : null;
    st.namedSecret = named !== null && rules.classifyKey(named[2]!) === 'secret' ? 3 : Math.max(0, st.namedSecret - 1);
    return how;
  };
  return {
    reset() {
      st = { ...START };
    },
    state: () => ({ ...st }),
    restore(state) {
      st = { ...state };
    },
    advance(text) {
      step(text);
    },
    line(text) {
      const how = step(text);
      if (how === 'whole') return whole(text, text.length - text.trimStart().length);
      return how === 'named' ? redactNamedValue(text, tag) : redactLine(text, rules, tag);
    },
  };
}

/**
 * The key of a `key:` / `"key": {` / `key: |` line, whose value continues on
 * the lines below; else null. Scanned by hand: a regex with a lazy key and
 * `\s*` around the colon is quadratic on long blank runs.
 */
function blockKey(text: string): string | null {
  const sep = text.search(/[:=]/);
  if (sep < 0) return null;
  let key = text.slice(0, sep).trim();
  if (key.startsWith('- ')) key = key.slice(2).trimStart();
  if (/^(["']).*\1$/.test(key)) key = key.slice(1, -1);
  if (key === '' || /["'#]/.test(key)) return null;
  const rest = text.slice(sep + 1).trimStart();
  BLOCK_START.lastIndex = 0;
  BLOCK_START.test(rest);
  const tail = rest.slice(BLOCK_START.lastIndex).trim();
  return tail === '' || tail.startsWith('#') ? key : null;
}

/** `value: x` after `name: DB_PASSWORD`: the value part becomes a tag. */
function redactNamedValue(text: string, tag: Tag): string {
  const prefix = VALUE_PREFIX.exec(text)![0];
  let raw = text.slice(prefix.length).trimEnd();
  const comma = raw.endsWith(',') ? ',' : '';
  if (comma) raw = raw.slice(0, -1).trimEnd();
  if (raw === '') return text;
  const quoted = /^(["']).*\1$/.test(raw);
  const inner = quoted ? raw.slice(1, -1) : raw;
  return `${prefix}${quoted ? raw[0] : ''}${tag(quoted ? inner : scalarOf(inner))}${quoted ? raw[0] : ''}${comma}`;
}

/**
 * The state before each of `lines` (1-based line numbers) of `text`, found
 * with the cheap `advance`: a patch's hunks then start in the right state
 * without redacting the whole file.
 */
export function statesAt(text: string, lines: ReadonlySet<number>, rules: SecretRules): Map<number, LineState> {
  const r = createLineRedactor(rules, () => '');
  const out = new Map<number, LineState>();
  const last = Math.max(0, ...lines);
  let at = 0;
  for (let n = 1; n <= last && at <= text.length; n += 1) {
    if (lines.has(n)) out.set(n, r.state());
    const nl = text.indexOf('\n', at);
    r.advance(text.slice(at, nl < 0 ? text.length : nl));
    at = nl < 0 ? text.length + 1 : nl + 1;
  }
  return out;
}

/**
 * A whole text with its secrets replaced, line by line. A one-line string (a
 * field's value) is not read as a directive: `Password reset sent` is prose.
 */
export function redactText(text: string, rules: SecretRules, tag: Tag): string {
  if (!text.includes('\n')) {
    if (text.length >= 12 && text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text) && decodesToSecret(text, rules)) return tag(text);
    return redactLine(text, rules, tag, { leadWords: false });
  }
  const r = createLineRedactor(rules, tag);
  return text.split('\n').map((l) => r.line(l)).join('\n');
}
