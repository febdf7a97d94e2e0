import { BASE64_LINE, type SecretRules } from './redact-rules.js';
import { decodesToSecret, redactLine, scalarOf, type Tag } from './redact-text.js';

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
  if (!text.includes('\n')) {
    if (text.length >= 12 && text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text) && decodesToSecret(text, rules)) return tag(text);
    return redactLine(text, rules, tag, { leadWords: false });
  }
  const r = createLineRedactor(rules, tag);
  return text.split('\n').map((l) => r.line(l)).join('\n');
}
