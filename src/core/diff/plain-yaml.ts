/**
 * A fast path for the plainest YAML: block maps and block sequences of
 * one-line scalars, the shape most config files have. The yaml package parses
 * a small file in about 0.3 ms while its code is cold, which is most of what a
 * one-shot command does: a rollback of 50 files parses 100 versions. This
 * reader takes microseconds, and gives up (returns undefined) at anything it
 * does not handle, so the caller falls back to the yaml package:
 * anchors, aliases, tags, block scalars, flow collections other than `[]`
 * and `{}`, multi-line scalars, a scalar alone on its line (not after its
 * `key:` or `- `), escapes in double quotes, keys that are not plain words
 * (or that the core schema reads as a number, bool or null), duplicate keys,
 * directives, tabs, CR and other control characters.
 *
 * What it accepts it reads as the yaml package does with the YAML 1.2 core
 * schema (the same tag tests, in the same order); test/core/diff/plain-yaml
 * checks this against the package on the corpus and on generated documents.
 */

/** One content line: its indentation and its text after it (comments and blank lines are dropped). */
interface Line {
  ind: number;
  text: string;
}

class Unsupported extends Error {}

const unsupported = (): never => {
  throw new Unsupported();
};

/** Characters this reader never accepts anywhere: tab, CR, other C0/C1 controls, DEL, LS, PS, BOM. */
const REFUSED_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** A map entry whose key is a plain word: `key:` then a space or the end of the line. */
const MAP_ENTRY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: |$)/;
/** Characters that cannot start a plain scalar (or start one this reader leaves to the yaml package). */
const INDICATORS = '?:,[]{}#&*!|>\'"%@`';
/** After a scalar: nothing, or spaces then a comment. */
const REST_OK = /^(?: +(?:#.*)?)?$/;

/**
 * Parses `text` as a stream of YAML documents made only of the plain subset.
 * @returns the documents as plain JavaScript values, or undefined when the text
 *   uses anything outside the subset (the caller then parses it with the yaml package).
 * @example parsePlainYaml('a:\n  b: 1\n') // [{ a: { b: 1 } }]
 */
export function parsePlainYaml(text: string): unknown[] | undefined {
  if (REFUSED_CHARS.test(text)) return undefined;
  try {
    return readDocuments(text);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

function readDocuments(text: string): unknown[] {
  const docs: Line[][] = [[]];
  let sawMarker = false;
  for (const raw of text.split('\n')) {
    if (raw === '---') {
      if (sawMarker || docs[0]!.length > 0) docs.push([]);
      sawMarker = true;
      continue;
    }
    if (raw.startsWith('---') || raw.startsWith('...') || raw.startsWith('%')) unsupported();
    const ind = indentOf(raw);
    if (ind === raw.length || raw[ind] === '#') continue;
    docs[docs.length - 1]!.push({ ind, text: raw.slice(ind) });
  }
  return docs.map((lines) => {
    if (lines.length === 0) unsupported();
    const [value, next] = readBlock(lines, 0, lines[0]!.ind);
    if (next !== lines.length) unsupported();
    return value;
  });
}

function indentOf(s: string): number {
  let i = 0;
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

/**
 * A map or sequence starting on its own line. A scalar alone on a line (a
 * whole document, or a value below its `key:` or `-`) is left to the yaml
 * package: there the rules for what continues it differ (a later `-` line at
 * a lower indentation can, and comment lines in between matter).
 */
function readBlock(lines: Line[], i: number, ind: number): [unknown, number] {
  const text = lines[i]!.text;
  if (!isSeqItem(text) && !MAP_ENTRY.test(text)) unsupported();
  return readNode(lines, i, ind);
}

/** The node whose first line is `lines[i]`, at indentation `ind`; returns it and the index after it. */
function readNode(lines: Line[], i: number, ind: number): [unknown, number] {
  const line = lines[i]!;
  if (isSeqItem(line.text)) return readSeq(lines, i, ind);
  if (MAP_ENTRY.test(line.text)) return readMap(lines, i, ind);
  const value = scalar(line.text);
  if (i + 1 < lines.length && lines[i + 1]!.ind > ind) unsupported(); // a multi-line scalar
  return [value, i + 1];
}

function isSeqItem(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ');
}

function readSeq(lines: Line[], i: number, ind: number): [unknown[], number] {
  const out: unknown[] = [];
  while (i < lines.length && lines[i]!.ind === ind && isSeqItem(lines[i]!.text)) {
    const line = lines[i]!;
    const after = line.text.slice(1);
    const pad = indentOf(after);
    if (pad === after.length || after[pad] === '#') {
      const [value, next] = nested(lines, i, ind, false);
      out.push(value);
      i = next;
    } else {
      // `- key: v` or `- - x`: the item's content is a node at the column it starts at
      lines[i] = { ind: ind + 1 + pad, text: after.slice(pad) };
      const [value, next] = readNode(lines, i, ind + 1 + pad);
      out.push(value);
      i = next;
    }
  }
  if (i < lines.length && lines[i]!.ind > ind) unsupported();
  return [out, i];
}

function readMap(lines: Line[], i: number, ind: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  while (i < lines.length && lines[i]!.ind === ind) {
    const m = MAP_ENTRY.exec(lines[i]!.text);
    if (!m) unsupported(); // a sequence item or a scalar among map entries
    const key = m![1]!;
    // yaml refuses implicit keys over 1024 characters; its toJS guards `__proto__`
    if (key.length > 1000 || key === '__proto__' || typeof resolvePlain(key) !== 'string' || seen.has(key)) unsupported();
    seen.add(key);
    const after = lines[i]!.text.slice(m![0].length);
    const pad = indentOf(after);
    if (pad === after.length || after[pad] === '#') {
      const [value, next] = nested(lines, i, ind, true);
      out[key] = value;
      i = next;
    } else {
      out[key] = scalar(after.slice(pad));
      i++;
      if (i < lines.length && lines[i]!.ind > ind) unsupported(); // a multi-line scalar
    }
  }
  if (i < lines.length && lines[i]!.ind > ind) unsupported();
  return [out, i];
}

/**
 * The value of an entry or item with nothing after its indicator: a block on
 * the following, deeper lines, a sequence at the same indentation (only for a
 * map entry, as in `key:\n- a`), or null.
 */
function nested(lines: Line[], i: number, ind: number, inMap: boolean): [unknown, number] {
  const next = lines[i + 1];
  if (next === undefined) return [null, i + 1];
  if (next.ind > ind) return readBlock(lines, i + 1, next.ind);
  if (inMap && next.ind === ind && isSeqItem(next.text)) return readSeq(lines, i + 1, ind);
  return [null, i + 1];
}

/** A one-line scalar: single- or double-quoted (no escapes), `[]`, `{}`, or plain. */
function scalar(text: string): unknown {
  const c = text[0]!;
  if (c === "'" || c === '"') return quoted(text, c);
  if (text.startsWith('[]') || text.startsWith('{}')) {
    if (!REST_OK.test(text.slice(2))) unsupported();
    return c === '[' ? [] : {};
  }
  if (INDICATORS.includes(c) || (c === '-' && (text.length === 1 || text[1] === ' '))) unsupported();
  const hash = text.indexOf(' #');
  const plain = trimEndSpaces(hash === -1 ? text : text.slice(0, hash));
  if (plain.includes(': ') || plain.endsWith(':')) unsupported();
  return resolvePlain(plain);
}

/** Drops trailing spaces only: YAML's white space is space and tab (refused), not String#trimEnd's Unicode set. */
function trimEndSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return s.slice(0, end);
}

function quoted(text: string, q: string): string {
  let end = 1;
  for (;;) {
    end = text.indexOf(q, end);
    if (end === -1) unsupported(); // continues on the next line
    if (q === "'" && text[end + 1] === "'") {
      end += 2;
      continue;
    }
    break;
  }
  const body = text.slice(1, end);
  if (!REST_OK.test(text.slice(end + 1)) || (q === '"' && body.includes('\\'))) unsupported();
  return q === "'" ? body.replaceAll("''", "'") : body;
}

/** A plain scalar as the yaml package's core schema reads it (yaml 2.x `schema/core`, tags tried in this order). */
function resolvePlain(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}
