import type { SecretRules } from './redact-rules.js';

/** Turns a hidden value into its `<redacted:ab12cd>` tag. */
export type Tag = (value: unknown) => string;

/** [start, end) of a hidden part; `quoted`: the content of a quoted string, tagged as a string. */
type Span = [number, number, boolean?];

/**
 * `key: value`, `"key": value`, `KEY=value`, `--key=value` anywhere on a line
 * (the key starts at a word boundary, not inside a URL or after an `@`).
 */
const KV = /(?<![\w.$@/-])(["']?)-{0,2}([A-Za-z_$@][\w.$@-]*)\1[ \t]*([:=])[ \t]*/g;
/** The first two words of a line (after a comment mark or list dash): `requirepass x`, `proxy_set_header Authorization "…"`. */
const LEAD_WORDS = /^([ \t]*(?:[#;][ \t]*|-[ \t]+)?)(\S+)(?:([ \t]+)(\S+))?/;
// Sticky (`y`): tried at one position, so a long line is never re-scanned from each character.
const PROSE = /^[a-z]+(?:[ \t]+[a-z]+[.,;:!?]?)+$/;
const ANOTHER_KEY = /[ \t]*[A-Za-z_][\w.-]*[ \t]*[=:]/y;
const NEXT_ARG = /(?:[A-Za-z_][\w.-]*=|--?[A-Za-z])/y;
const BLOCK_INDICATOR = /[|>][-+0-9]*/y;

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
    markupSpans(line, rules, spans);
    if (opts.leadWords !== false) {
      leadWordSpan(line, rules, spans);
      bareWordSpans(line, spans);
    }
  }
  if (opts.leadWords !== false && line.length >= 16) encodedSpans(line, rules, spans);
  return spans.length === 0 ? line : replaceSpans(line, spans, tag);
}

/** `machine h login u password p` (.netrc), `WITH PASSWORD 'x'` (SQL): a bare secret word, then one value. */
const BARE_WORD = /(?<![\w.$@/-])(?:password|passwd|pwd|secret|token|apikey|api_key|passphrase)[ \t]+(?![=:])(["']?)([^\s"';,]+)\1/gi;
/** `<password>x</password>`, and `<add key="DbPassword" value="x"/>` (.NET, Java XML configs). */
const XML_ELEMENT = /<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<]+)<\/\1>/g;
const XML_KEY_VALUE = /\b(?:key|name)\s*=\s*"([^"]*)"\s+value\s*=\s*"([^"]*)"/g;

/** `.netrc` lines: there a lower-case word after `password` is a password, not prose. */
const NETRC = /\b(?:machine|login)\b/;

function bareWordSpans(line: string, spans: Span[]): void {
  BARE_WORD.lastIndex = 0;
  for (let m = BARE_WORD.exec(line); m !== null; m = BARE_WORD.exec(line)) {
    // `bearer token file` in a comment is prose: a plain lower-case word counts only when quoted or in .netrc
    if (m[1] === '' && /^[a-z]+$/.test(m[2]!) && !NETRC.test(line)) continue;
    const start = m.index + m[0].length - m[1]!.length - m[2]!.length;
    spans.push([start, start + m[2]!.length, m[1] !== '']);
  }
}

function markupSpans(line: string, rules: SecretRules, spans: Span[]): void {
  if (!line.includes('<')) return;
  XML_ELEMENT.lastIndex = 0;
  for (let m = XML_ELEMENT.exec(line); m !== null; m = XML_ELEMENT.exec(line)) {
    const name = m[1]!.slice(m[1]!.lastIndexOf(':') + 1);
    if (rules.classifyKey(name) !== 'secret' || m[2]!.trim() === '') continue;
    const start = m.index + m[0].indexOf('>') + 1;
    spans.push([start, start + m[2]!.length, true]);
  }
  XML_KEY_VALUE.lastIndex = 0;
  for (let m = XML_KEY_VALUE.exec(line); m !== null; m = XML_KEY_VALUE.exec(line)) {
    if (rules.classifyKey(m[1]!) !== 'secret' || m[2] === '') continue;
    const start = m.index + m[0].length - 1 - m[2]!.length;
    spans.push([start, start + m[2]!.length, true]);
  }
}

/**
 * Base64 that decodes to text with a secret in it (a Kubernetes Secret's
 * `data`, a docker `auth`, `DATABASE_URL=<base64>`): runs of 16+ base64
 * characters, found with a character loop (a regex costs twice as much on
 * every line of a large text file).
 */
function encodedSpans(line: string, rules: SecretRules, spans: Span[]): void {
  let start = -1;
  for (let i = 0; i <= line.length; i += 1) {
    const c = i < line.length ? line.charCodeAt(i) : -1;
    if (isBase64Char(c)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= 16) {
      let end = i;
      while (end < i + 2 && line.charCodeAt(end) === 61) end += 1; // '=' padding
      if ((end - start) % 4 === 0 && !isBase64Char(line.charCodeAt(end)) && decodesToSecret(line.slice(start, end), rules)) spans.push([start, end]);
    }
    start = -1;
  }
}

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/** Whether base64 `text` decodes to printable text with a secret in it. */
export function decodesToSecret(text: string, rules: SecretRules): boolean {
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  if (!/^[\t\n\r\x20-\x7e]+$/.test(decoded)) return false;
  return decoded.split('\n').some((l) => redactLine(l, rules, PROBE) !== l);
}

/** A tag for probing only: nothing is hashed and the key is not read. */
const PROBE: Tag = () => '<probe>';

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
  const flow = flowTracker(line);
  KV.lastIndex = 0;
  for (let m = KV.exec(line); m !== null; m = KV.exec(line)) {
    if (rules.classifyKey(m[2]!) !== 'secret') continue;
    const valueStart = m.index + m[0].length;
    // `auth.internal:9000` is a host and port: YAML keys need a space after the colon.
    if (m[3] === ':' && m[1] === '' && m[2]!.includes('.') && m[0].endsWith(':') && /\S/.test(line[valueStart] ?? ' ')) continue;
    // Inside a quoted string (`connectionString="…;Password=x;"`), the value ends at its closing quote.
    const at = flow(m.index);
    const span = valueSpan(line, valueStart, at.depth > 0, at.quote);
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
    // `# Password must be rotated`: several lower-case words are prose, not a value
    if (span !== null && !(span[2] !== true && PROSE.test(line.slice(span[0], span[1])))) spans.push(span);
    return;
  }
}

/**
 * Where `pos` is on the line: how many `{`/`[` are open (a flow map, inline
 * JSON) and which quote it is inside. Positions must not decrease: the line
 * is scanned once.
 */
function flowTracker(line: string): (pos: number) => { depth: number; quote: string | null } {
  let i = 0;
  let depth = 0;
  let quote: string | null = null;
  return (pos) => {
    for (; i < pos; i += 1) {
      const c = line[i];
      if (quote !== null) {
        if (c === '\\') i += 1;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '{' || c === '[') depth += 1;
      else if ((c === '}' || c === ']') && depth > 0) depth -= 1;
    }
    return { depth, quote };
  };
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
  if (c === undefined || c === '\r' || (!spaced && (c === '|' || c === '>') && isBlockIndicator(line, i))) return null;
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
    if ((ch === ';' || ch === ',' || ch === '&') && matchesAt(ANOTHER_KEY, line, j + 1)) { end = j; break; }
    if ((ch === ' ' || ch === '\t') && line[j + 1] !== ' ' && line[j + 1] !== '\t' && matchesAt(NEXT_ARG, line, j + 1)) {
      end = j;
      while (end > i && (line[end - 1] === ' ' || line[end - 1] === '\t')) end -= 1;
      break;
    }
  }
  while (end > i && /[\s;,\r]/.test(line[end - 1]!)) end -= 1;
  return end > i ? [i, end] : null;
}

function matchesAt(re: RegExp, line: string, pos: number): boolean {
  re.lastIndex = pos;
  return re.test(line);
}

/** `|`, `>-`, `|2+` followed by nothing but spaces and a comment: a YAML block scalar starts. */
function isBlockIndicator(line: string, pos: number): boolean {
  BLOCK_INDICATOR.lastIndex = pos;
  if (!BLOCK_INDICATOR.test(line)) return false;
  let j = BLOCK_INDICATOR.lastIndex;
  while (line[j] === ' ' || line[j] === '\t' || line[j] === '\r') j += 1;
  return j === line.length || (line[j] === '#' && j > BLOCK_INDICATOR.lastIndex);
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
  let out = '';
  let at = 0;
  for (const [a, b, quoted] of merged) {
    const part = line.slice(a, b);
    out += `${line.slice(at, a)}${tag(quoted === true ? part : scalarOf(part))}`;
    at = b;
  }
  out += line.slice(at);
  return out;
}

/** The scalar a plain YAML/JSON value text stands for, so a patch's tag matches the field diff's. */
export function scalarOf(text: string): unknown {
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}
