import { CfgtrailError } from '../errors.js';
import type { PathSegment } from '../types.js';

/** Map keys that can be written bare; anything else is written as a JSON string. */
const PLAIN_KEY = /^[^.[\]"'\s\\=]+$/;
/** Identity values inside `[name=…]` that can be written bare. */
const PLAIN_VALUE = /^[^[\]"'\s\\]+$/;
/** A list selector's key: one identifier, or several joined by `+` (a compound identity, `[port+protocol=80/TCP]`). */
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*(?:\+[A-Za-z_][A-Za-z0-9_-]*)*$/;

/**
 * Render a field path as text: `spec.containers[name=nginx].image`, `items[2]`,
 * `"a.b".c`. Inverse of {@link parsePathText}.
 * @example formatPathText(['db', 'hosts', 0]) // 'db.hosts[0]'
 */
export function formatPathText(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string') out += (out === '' ? '' : '.') + quoteIf(seg, PLAIN_KEY);
    else out += formatMatch(seg);
  }
  return out;
}

function formatMatch(seg: Record<string, string>): string {
  const [key, value] = Object.entries(seg)[0] ?? ['', ''];
  return `[${key}=${quoteIf(value, PLAIN_VALUE)}]`;
}

function quoteIf(text: string, plain: RegExp): string {
  return plain.test(text) ? text : JSON.stringify(text);
}

/**
 * Parse pathText syntax back into segments. Bare keys run up to the next `.` or `[`;
 * `[3]` is a list position, `[name=nginx]` a key-matched list entry.
 * @throws CfgtrailError BAD_INPUT on unbalanced quotes or brackets.
 * @example parsePathText('spec.containers[name=nginx].image')
 */
export function parsePathText(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '[') {
      const close = findClose(text, i + 1);
      out.push(parseBracket(text, text.slice(i + 1, close)));
      i = close + 1;
      expectKey = false;
    } else if (ch === '.' && !expectKey) {
      i += 1;
      expectKey = true;
      if (i >= text.length) throw bad(text, 'ends with "."');
    } else {
      if (!expectKey) throw bad(text, `unexpected "${ch}" at ${i + 1}`);
      const [key, next] = readKey(text, i);
      out.push(key);
      i = next;
      expectKey = false;
    }
  }
  return out;
}

function readKey(text: string, start: number): [string, number] {
  if (text[start] === '"') {
    const end = findQuoteEnd(text, start);
    return [decodeQuoted(text, text.slice(start, end + 1)), end + 1];
  }
  let end = start;
  while (end < text.length && text[end] !== '.' && text[end] !== '[') end += 1;
  const key = text.slice(start, end);
  if (key === '') throw bad(text, `empty key at ${start + 1}`);
  if (/["\]]/.test(key)) throw bad(text, `stray quote or "]" in ${key} (quote the key)`);
  return [key, end];
}

function parseBracket(text: string, inner: string): PathSegment {
  if (/^\d+$/.test(inner)) return Number(inner);
  const eq = inner.indexOf('=');
  const key = inner.slice(0, eq);
  if (eq < 0 || !IDENT.test(key)) throw bad(text, `bad list selector [${inner}]`);
  const raw = inner.slice(eq + 1);
  const value = raw.startsWith('"') ? decodeQuoted(text, raw) : raw;
  return { [key]: value };
}

function findClose(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== ']') {
    i = text[i] === '"' ? findQuoteEnd(text, i) + 1 : i + 1;
  }
  if (i >= text.length) throw bad(text, 'unclosed "["');
  return i;
}

function findQuoteEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  throw bad(text, 'unclosed quote');
}

function decodeQuoted(text: string, quoted: string): string {
  try {
    const value: unknown = JSON.parse(quoted);
    if (typeof value === 'string') return value;
  } catch {
    // fall through to the common error below
  }
  throw bad(text, `bad quoted key ${quoted}`);
}

function bad(text: string, why: string): CfgtrailError {
  return new CfgtrailError('BAD_INPUT', `bad field path "${text}": ${why}`, { path: text });
}
