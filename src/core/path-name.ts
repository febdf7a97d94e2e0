/**
 * File names as cfgtrail holds them, and as it prints them.
 *
 * Git stores names as bytes; Node gives them as strings. A name that is
 * valid UTF-8 is its ordinary string. A byte that is not part of valid
 * UTF-8 is kept as the lone surrogate U+DC80–U+DCFF (Python's
 * "surrogateescape"): valid UTF-8 never decodes to a lone surrogate, so the
 * mapping is exact both ways, and the byte goes back to disk and into trees.
 * Plain ASCII names take one regex test and nothing else.
 */

const ESCAPED = /[\udc80-\udcff]/;
const STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The name string for the bytes of a file name (from a tree or a directory).
 * @example nameFromBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9])) // 'caf\udce9'
 */
export function nameFromBytes(buf: Uint8Array): string {
  if (isAscii(buf)) return Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString('latin1');
  try {
    return STRICT.decode(buf);
  } catch {
    return decodeEscaped(buf);
  }
}

/** The bytes of a name string (inverse of {@link nameFromBytes}). */
export function nameToBytes(name: string): Buffer {
  if (!ESCAPED.test(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([c - 0xdc00]));
    } else run += ch;
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** True when `name` holds bytes that are not valid UTF-8 (it must reach the file system as a Buffer). */
export function hasEscapedBytes(name: string): boolean {
  return ESCAPED.test(name);
}

/**
 * A path to hand to `fs`: the string itself, or its bytes when it holds
 * escaped bytes (a string would be written as U+FFFD).
 */
export function fsPath(path: string): string | Buffer {
  return ESCAPED.test(path) ? nameToBytes(path) : path;
}

function isAscii(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i]! >= 0x80) return false;
  return true;
}

/** Decodes valid UTF-8 sequences and escapes every other byte as U+DC00+byte. */
function decodeEscaped(buf: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const n = seqLength(buf, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + buf[i]!);
      i += 1;
    } else {
      out += Buffer.from(buf.subarray(i, i + n)).toString('utf8');
      i += n;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates or > U+10FFFF); 0 when invalid. */
function seqLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Characters git's quote_c_style writes as a letter escape. */
const LETTER: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 0x22: '"', 0x5c: '\\' };
/** What makes a name need quoting: controls, DEL, `"`, `\`, anything not ASCII (escaped bytes included). */
const NEEDS_QUOTE = /[\x00-\x1f"\\\x7f-\uffff]/;

/**
 * A path as git prints it with `core.quotePath=true` (its default; quote.c
 * `quote_c_style`): unchanged when it is plain printable ASCII, else in
 * double quotes with `\t`, `\n`, `\"`, `\\`… and three-digit octal for every
 * other control byte and every byte ≥ 0x80 (`café` → `"caf\303\251"`).
 * Nothing a terminal acts on (ESC, C1 controls, bidi overrides) gets through.
 * `--json` output keeps the raw name instead.
 * @example quotePath('a\nb.yaml') // '"a\\nb.yaml"'
 */
export function quotePath(path: string): string {
  if (!NEEDS_QUOTE.test(path)) return path;
  let out = '"';
  for (const byte of nameToBytes(path)) {
    const letter = LETTER[byte];
    if (letter !== undefined) out += `\\${letter}`;
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/** `quotePath` of each, joined with `, ` (lists of files in messages). */
export function quotePaths(paths: readonly string[], sep = ', '): string {
  return paths.map(quotePath).join(sep);
}

const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/g;

/**
 * A message made safe for a terminal: C0/C1 control characters other than
 * newline and tab (ESC above all) become `\xNN`. A last guard for messages
 * that carry a name not yet passed through {@link quotePath}.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * A name from elsewhere (a ref a server or a fetch left) in double quotes,
 * everything but printable ASCII as \uXXXX: a crafted name can neither send
 * a terminal escape nor reorder the line (bidi controls).
 * @example asciiQuoted('w\u00e9b') // '"w\\u00e9b"'
 */
export function asciiQuoted(name: string): string {
  return JSON.stringify(name).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
