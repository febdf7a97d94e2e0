/**
 * How a YAML `!!binary` value reads in a diff, in text and `--json` alike:
 * its size and its bytes as base64, never Node's `{"type":"Buffer",…}` or
 * `{"0": 66, …}`. One string, so it compares, redacts (base64 of a token is
 * caught as the token is) and prints like any other scalar.
 * @example binaryText(Buffer.from('Hello')) // '<binary 5 bytes: SGVsbG8=>'
 */
export function binaryText(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return `<binary ${bytes.byteLength.toLocaleString('en')} ${bytes.byteLength === 1 ? 'byte' : 'bytes'}: ${base64}>`;
}

/**
 * A `toJS` reviver for the yaml package that turns `!!binary` values (Node
 * Buffers) into {@link binaryText}; everything else is returned as it is.
 */
export function reviveBinary(_key: unknown, value: unknown): unknown {
  return value instanceof Uint8Array ? binaryText(value) : value;
}

const BINARY_TEXT = /^<binary [\d,]+ bytes?: [A-Za-z0-9+/]*={0,2}>$/;

/** Whether a string is a {@link binaryText} (a formatter may print it unquoted). */
export function isBinaryText(s: string): boolean {
  return s.startsWith('<binary ') && BINARY_TEXT.test(s);
}
