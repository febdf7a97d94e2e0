import type { ParseError } from './parse-error.js';

/**
 * Turn a `JSON.parse` failure into a message with a 1-based line and column.
 * V8 only sometimes says "at position N" (never for "Unexpected token"), so the
 * offset comes from a small validating scanner; the message's position is the fallback.
 */
export function locateJsonError(text: string, v8Message: string): ParseError {
  let offset: number | null = null;
  try {
    offset = scanJson(text);
  } catch {
    // deeply nested input overflows the scanner's stack: use V8's position instead
  }
  offset ??= positionFromMessage(v8Message) ?? 0;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { message: cleanMessage(v8Message), line, col };
}

function positionFromMessage(message: string): number | null {
  const m = /at position (\d+)/.exec(message);
  return m?.[1] === undefined ? null : Number(m[1]);
}

function cleanMessage(message: string): string {
  return message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .trim();
}

/** Offset of the first JSON syntax error, or null when the text is valid JSON. */
function scanJson(t: string): number | null {
  const s = { t, i: 0 };
  skipWs(s);
  if (!value(s)) return s.i;
  skipWs(s);
  return s.i === t.length ? null : s.i;
}

interface Scan {
  t: string;
  i: number;
}

const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function skipWs(s: Scan): void {
  while (s.i < s.t.length && ' \t\n\r'.includes(s.t[s.i] ?? '')) s.i += 1;
}

function sticky(s: Scan, re: RegExp): boolean {
  re.lastIndex = s.i;
  if (!re.test(s.t)) return false;
  s.i = re.lastIndex;
  return true;
}

function value(s: Scan): boolean {
  const ch = s.t[s.i];
  if (ch === '{') return container(s, '}', member);
  if (ch === '[') return container(s, ']', value);
  if (ch === '"') return sticky(s, STRING);
  return sticky(s, LITERAL);
}

function member(s: Scan): boolean {
  if (!sticky(s, STRING)) return false;
  skipWs(s);
  if (s.t[s.i] !== ':') return false;
  s.i += 1;
  skipWs(s);
  return value(s);
}

function container(s: Scan, close: string, item: (s: Scan) => boolean): boolean {
  s.i += 1;
  skipWs(s);
  if (s.t[s.i] === close) {
    s.i += 1;
    return true;
  }
  for (;;) {
    if (!item(s)) return false;
    skipWs(s);
    const ch = s.t[s.i];
    if (ch === close) {
      s.i += 1;
      return true;
    }
    if (ch !== ',') return false;
    s.i += 1;
    skipWs(s);
  }
}
