/** A top-level key as a plain word (what chunked-yaml's cut accepts too). */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
/** A line at the left margin that starts a top-level `key:` entry. */
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: |$)/;

/**
 * The text of the top-level entry `key:` of a YAML text whose left margin
 * holds nothing but plain `key:` lines, comments and blank lines (one
 * block map, no directives or document markers): from its line up to the next
 * entry. `{ text: null }` when that map has no such key; null when the text is
 * not of that shape and must be read whole. Lets a history read only the
 * entry a field lives in, in each version of a large file.
 * @example topLevelEntry('a: 1\nb:\n  c: 2\n', 'b') // { text: 'b:\n  c: 2\n' }
 */
export function topLevelEntry(text: string, key: string): { text: string | null } | null {
  if (!PLAIN_KEY.test(key)) return null;
  let start = -1;
  let end = text.length;
  const margin = /^[^ \n#\r][^\n]*/gm;
  for (let m = margin.exec(text); m !== null; m = margin.exec(text)) {
    const k = KEY_LINE.exec(m[0]);
    if (k === null) return null; // a list, a flow collection, a quoted key, a directive, `---`: read it whole
    if (start >= 0 && end === text.length) end = m.index;
    if (k[1] === key) {
      if (start >= 0) return null; // a duplicate key: the whole text reports it
      start = m.index;
    }
  }
  return { text: start < 0 ? null : text.slice(start, end) };
}
