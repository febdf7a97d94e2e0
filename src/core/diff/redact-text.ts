import { BASE64_LINE, type SecretRules } from './redact-rules.js';

/** Turns a hidden value into its `<redacted:ab12cd>` tag. */
export type Tag = (value: unknown) => string;

/** [start, end) of a hidden part; `quoted`: the content of a quoted string, tagged as a string. */
type Span = [number, number, boolean?];

/**
 * `key: value`, `"key": value`, `KEY=value`, `--key=value` anywhere on a line
 * (the key starts at a word boundary, not inside a URL or after an `@`).
 */
const KV = /(?<![\w.$@/])(["']?)([A-Za-z_$@][\w.$@-]*)\1[ \t]*([:=])[ \t]*/g;
/** The first two words of a line (after a comment mark or list dash): `requirepass x`, `proxy_set_header Authorization "…"`. */
const LEAD_WORDS = /^([ \t]*(?:[#;][ \t]*|-[ \t]+)?)(\S+)(?:([ \t]+)(\S+))?/;
const ANOTHER_KEY = /^[ \t]*[A-Za-z_][\w.-]*[ \t]*[=:]/;
const NEXT_ARG = /^(?:[A-Za-z_][\w.-]*=|--?[A-Za-z])/;

/**
 * One line with its secrets replaced by tags: value shapes (`Bearer …`, URL
 * passwords, tokens), values of secret keys wherever `key: value`/`key=value`
 * occurs on the line (flow maps, `Environment=DB_PASS=…`, query strings), and
 * the value after a secret word that starts the line (`requirepass …`).
 */
export function redactLine(line: string, rules: SecretRules, tag: Tag, opts: { leadWords?: boolean } = {}): string {
  const spans: Span[] = [];
  if (rules.mayHaveSecretValue(line)) valueSpans(line, rules, spans);
  if (rules.mayHaveSecretKey(line)) {
    keyValueSpans(line, rules, spans);
    if (opts.leadWords !== false) leadWordSpan(line, rules, spans);
  }
  return spans.length === 0 ? line : replaceSpans(line, spans, tag);
}

function valueSpans(line: string, rules: SecretRules, spans: Span[]): void {
  for (const rule of rules.values) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(line); m !== null; m = rule.re.exec(line)) {
      if (m[0] === '') rule.re.lastIndex += 1;
      const part = m[rule.group] ?? (rule.group > 0 ? m.slice(1).find((g) => g !== undefined) : undefined);
      if (part === undefined || part === '' || (rule.accept && !rule.accept(part))) continue;
      const start = m.index + m[0].indexOf(part);
      spans.push([start, start + part.length]);
    }
  }
}

function keyValueSpans(line: string, rules: SecretRules, spans: Span[]): void {
  KV.lastIndex = 0;
  for (let m = KV.exec(line); m !== null; m = KV.exec(line)) {
    if (rules.classifyKey(m[2]!) !== 'secret') continue;
    // `auth.internal:9000` is a host and port: YAML keys need a space after the colon.
    if (m[3] === ':' && m[1] === '' && m[2]!.includes('.') && /^[:][^\s]/.test(line.slice(m.index + m[0].length - 1))) continue;
    const keyStart = m.index + m[1]!.length;
    const before = line[m.index - 1];
    const closer = m[1] === '' && (before === '"' || before === "'") ? before : null;
    const span = valueSpan(line, m.index + m[0].length, inFlow(line, keyStart), closer);
    if (span === null) continue;
    spans.push(span);
    KV.lastIndex = Math.max(KV.lastIndex, span[1]);
  }
}

function leadWordSpan(line: string, rules: SecretRules, spans: Span[]): void {
  const m = LEAD_WORDS.exec(line);
  if (m === null) return;
  const words = [m[2], m[4]];
  for (let i = 0; i < 2; i += 1) {
    const word = words[i]?.replace(/^["']|["']$/g, '');
    if (word === undefined || /[:=]/.test(word) || rules.classifyKey(word) !== 'secret') continue;
    const valueStart = i === 0 ? m[1]!.length + m[2]!.length : m[0].length;
    if (/^[ \t]*[:=]/.test(line.slice(valueStart))) return; // `password = x`: a key=value pair, done above
    const span = valueSpan(line, valueStart, false, null, true);
    if (span !== null) spans.push(span);
    return;
  }
}

/** Whether `pos` is inside an unclosed `{`/`[` on the line (a flow map, inline JSON). */
function inFlow(line: string, pos: number): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < pos; i += 1) {
    const c = line[i];
    if (quote !== null) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') depth += 1;
    else if ((c === '}' || c === ']') && depth > 0) depth -= 1;
  }
  return depth > 0;
}

/**
 * Where the value starting at `start` ends: a quoted string's content, a whole
 * `{…}`/`[…]`, or plain text up to a comment, the end of the flow item, or the
 * next `key=` — when unsure, to the end of the line.
 */
function valueSpan(line: string, start: number, flow: boolean, closer: string | null, spaced = false): Span | null {
  let i = start;
  while (line[i] === ' ' || line[i] === '\t') i += 1;
  const c = line[i];
  if (c === undefined || c === '\r' || (!spaced && (c === '|' || c === '>') && /^[|>][-+0-9]*\s*(?:#.*)?$/.test(line.slice(i)))) return null;
  if (c === '"' || c === "'") {
    const end = closingQuote(line, i);
    return end === i + 1 ? null : [i + 1, end, true];
  }
  if (c === '{' || c === '[') return [i, closingBracket(line, i)];
  let end = line.length;
  for (let j = i; j < line.length; j += 1) {
    const ch = line[j]!;
    if (closer !== null && ch === closer) { end = j; break; }
    if ((ch === ' ' || ch === '\t') && line[j + 1] === '#') { end = j; break; }
    if (flow && (ch === ',' || ch === '}' || ch === ']')) { end = j; break; }
    if ((ch === ';' || ch === ',' || ch === '&') && ANOTHER_KEY.test(line.slice(j + 1))) { end = j; break; }
    if ((ch === ' ' || ch === '\t') && NEXT_ARG.test(line.slice(j + 1).trimStart())) { end = j; break; }
  }
  while (end > i && /[\s;,\r]/.test(line[end - 1]!)) end -= 1;
  return end > i ? [i, end] : null;
}

function closingQuote(line: string, open: number): number {
  const q = line[open];
  for (let j = open + 1; j < line.length; j += 1) {
    if (q === '"' && line[j] === '\\') j += 1;
    else if (line[j] === q) {
      if (q === "'" && line[j + 1] === "'") j += 1;
      else return j;
    }
  }
  return line.length;
}

function closingBracket(line: string, open: number): number {
  let depth = 0;
  for (let j = open; j < line.length; j += 1) {
    const ch = line[j];
    if (ch === '"' || ch === "'") j = closingQuote(line, j);
    else if (ch === '{' || ch === '[') depth += 1;
    else if ((ch === '}' || ch === ']') && --depth === 0) return j + 1;
  }
  return line.length;
}

/** Replaces the union of the spans, last first, each by the tag of what it covers. */
function replaceSpans(line: string, spans: Span[], tag: Tag): string {
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s[0] <= last[1]) {
      last[2] = last[2] === true && s[0] === last[0] && s[1] <= last[1];
      last[1] = Math.max(last[1], s[1]);
    } else merged.push([s[0], s[1], s[2]]);
  }
  let out = line;
  for (let k = merged.length - 1; k >= 0; k -= 1) {
    const [a, b, quoted] = merged[k]!;
    const part = out.slice(a, b);
    out = `${out.slice(0, a)}${tag(quoted === true ? part : scalarOf(part))}${out.slice(b)}`;
  }
  return out;
}

/** The scalar a plain YAML/JSON value text stands for, so a patch's tag matches the field diff's. */
export function scalarOf(text: string): unknown {
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
const CERT_BEGIN = /-----BEGIN [A-Z0-9 ]*(?:CERTIFICATE|PUBLIC KEY)[A-Z0-9 ]*-----/;
const CERT_END = /-----END [A-Z0-9 ]*(?:CERTIFICATE|PUBLIC KEY)[A-Z0-9 ]*-----/;
/** `key:` / `"key": {` / `key: |` — a line whose value continues on the lines below. */
const OPENS_BLOCK = /^\s*(?:-\s+)?(["']?)([^"'\s:=#][^"':=]*?)\1\s*[:=]\s*(?:[|>][-+0-9]*|\{|\[)?\s*(?:#.*)?$/;
const NAME_LINE = /^\s*(?:-\s+)?(["']?)(?:name|key)\1\s*[:=]\s*["']?([^"'\s,}]+)/;
const VALUE_LINE = /^\s*(["']?)value\1\s*[:=]/;

/**
 * A redactor for the lines of one text, fed in order: besides {@link redactLine}
 * it hides whole lines inside a PEM private key, base64 lines outside
 * certificates, lines nested under a secret key (`password: |`, `"auth": {`),
 * and the `value:` that follows `name: DB_PASSWORD`. Line count and indentation
 * are kept, so a diff of redacted texts has the same hunks.
 */
export function createLineRedactor(rules: SecretRules, tag: Tag): { line(text: string): string; reset(): void } {
  let pem = false;
  let cert = false;
  let block: number | null = null;
  let namedSecret = 0;
  const whole = (text: string, indent: number) => (text.trim() === '' ? text : `${text.slice(0, indent)}${tag(text.trim())}`);
  return {
    reset() {
      pem = cert = false;
      block = null;
      namedSecret = 0;
    },
    line(text) {
      const indent = text.length - text.trimStart().length;
      if (pem) {
        if (PEM_END.test(text)) pem = false;
        else return whole(text, indent);
      }
      if (block !== null && (text.trim() === '' || indent > block)) return whole(text, indent);
      block = null;
      let out = redactLine(text, rules, tag);
      if (text.includes('-----')) {
        if (PEM_BEGIN.test(text) && !PEM_END.test(text)) pem = true;
        if (CERT_BEGIN.test(text)) cert = !CERT_END.test(text);
        else if (CERT_END.test(text)) cert = false;
      } else if (!cert && text.length >= 40 && BASE64_LINE.test(text)) out = whole(text, indent);
      const keyed = rules.mayHaveSecretKey(text);
      const opens = keyed ? OPENS_BLOCK.exec(text) : null;
      if (opens !== null && rules.classifyKey(opens[2]!.trim()) === 'secret') block = indent;
      if (namedSecret > 0 && VALUE_LINE.test(text)) out = redactNamedValue(text, tag);
      const named = keyed ? NAME_LINE.exec(text) : null;
      namedSecret = named !== null && rules.classifyKey(named[2]!) === 'secret' ? 3 : Math.max(0, namedSecret - 1);
      return out;
    },
  };
}

/** `value: x` after `name: DB_PASSWORD`: the value part becomes a tag. */
function redactNamedValue(text: string, tag: Tag): string {
  const m = /^(\s*(?:-\s+)?["']?value["']?\s*[:=]\s*)(.*?)(,?)\s*$/.exec(text);
  if (m === null || m[2] === '') return text;
  const raw = m[2]!;
  const quoted = /^(["']).*\1$/.test(raw);
  const inner = quoted ? raw.slice(1, -1) : raw;
  return `${m[1]}${quoted ? raw[0] : ''}${tag(quoted ? inner : scalarOf(inner))}${quoted ? raw[0] : ''}${m[3]}`;
}

/**
 * A whole text with its secrets replaced, line by line. A one-line string (a
 * field's value) is not read as a directive: `Password reset sent` is prose.
 */
export function redactText(text: string, rules: SecretRules, tag: Tag): string {
  if (!text.includes('\n')) return redactLine(text, rules, tag, { leadWords: false });
  const r = createLineRedactor(rules, tag);
  return text.split('\n').map((l) => r.line(l)).join('\n');
}
