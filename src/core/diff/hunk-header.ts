/**
 * A unified diff's hunk header, `@@ -a[,n] +b[,m] @@`, read in one place for
 * everything that walks or rewrites patches.
 */
const HEADER = '^@@ -(\\d+)(,\\d+)? \\+(\\d+)(,\\d+)? @@';
const ONE = new RegExp(HEADER);
const EVERY = new RegExp(HEADER, 'gm');

/**
 * Where a hunk starts on each side, when `line` is a hunk header; else null.
 * @example hunkStart('@@ -3,2 +4 @@ key:') // { from: 3, to: 4 }
 */
export function hunkStart(line: string): { from: number; to: number } | null {
  const m = ONE.exec(line);
  return m ? { from: Number(m[1]), to: Number(m[3]) } : null;
}

/**
 * The patch with every hunk header's start lines moved down by `lines` (a
 * patch of a file's tail, numbered as in the whole file).
 * @example shiftHunks('@@ -1,2 +1,3 @@\n', 10) // '@@ -11,2 +11,3 @@\n'
 */
export function shiftHunks(patch: string, lines: number): string {
  return patch.replace(EVERY, (_m, a: string, n = '', b: string, m = '') => `@@ -${Number(a) + lines}${n} +${Number(b) + lines}${m} @@`);
}
