import { DEFAULT_SECRET_PATTERNS, isSecretKey, redactValue } from './redact.js';

/** `key: value`, `"key": value,`, `- key: value`, `KEY=value` after the patch's +/-/space column. */
const KEY_LINE = /^(\s*(?:-\s+)?)(["']?)([^"'\s:=#][^"':=]*?)\2(\s*[:=]\s*)(.*?)(,?)\s*$/;
/** A value that opens a nested block: nothing, a block scalar indicator, or a JSON `{`/`[`. */
const OPENS_BLOCK = /^(?:[|>][-+0-9]*|\{|\[)?$/;
const FILE_HEADER = /^(?:--- |\+\+\+ )(?:[ab]\/|\/dev\/null)/;

/**
 * Best-effort redaction of a unified text patch: on `key: value`, `"key": value`
 * and `KEY=value` lines whose key is secret the value becomes a
 * `<redacted:ab12cd>` mark (same hash as the tree redaction for plain scalars);
 * lines nested under a secret key (block scalars, maps) are redacted whole.
 */
export function redactPatch(patch: string, patterns: readonly string[] = DEFAULT_SECRET_PATTERNS): string {
  let blockIndent: number | null = null;
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('@@') || FILE_HEADER.test(line)) {
        blockIndent = null;
        return line;
      }
      const mark = line[0];
      if (mark !== ' ' && mark !== '+' && mark !== '-') return line;
      const body = line.slice(1);
      const indent = body.length - body.trimStart().length;
      if (blockIndent !== null && (body.trim() === '' || indent > blockIndent)) {
        return body.trim() === '' ? line : `${mark}${body.slice(0, indent)}${redactValue(body.trim())}`;
      }
      blockIndent = null;
      const m = KEY_LINE.exec(body);
      if (m === null || !isSecretKey(m[3] ?? '', patterns)) return line;
      const [, lead = '', quote = '', key = '', sep = '', value = '', comma = ''] = m;
      if (OPENS_BLOCK.test(value)) {
        blockIndent = indent;
        return line;
      }
      return `${mark}${lead}${quote}${key}${quote}${sep}${redactValue(scalarOf(value))}${comma}`;
    })
    .join('\n');
}

/** The scalar a YAML/JSON value text stands for, so hashes match the tree redaction. */
function scalarOf(text: string): unknown {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text; // not JSON-quoted after all: hash the raw text
    }
  }
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}
