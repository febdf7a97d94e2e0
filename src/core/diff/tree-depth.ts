/**
 * Nesting limits for field diffs. The parsers (the yaml package's composer,
 * the fast YAML reader) and the tree walks downstream (diff, redaction,
 * formatting, `JSON.stringify`) recurse once or more per level, so a file
 * nested thousands of levels deep overflows the stack. Files deeper than
 * {@link MAX_TREE_DEPTH} are compared as text instead, with a warning.
 */

import { isPlainObject } from './diff-trees.js';

/** Deepest nesting compared field by field; deeper files fall back to a text diff. */
export const MAX_TREE_DEPTH = 1000;

/** Where a text first nests deeper than a limit: the depth reached there and its 1-based line. */
export interface DepthHit {
  depth: number;
  line: number;
}

/**
 * An upper bound on how deep a YAML or JSON text nests, found without parsing:
 * the stack of block indentations (each `- ` opening its own level) plus the
 * depth of open flow brackets outside quotes. It may overestimate (a bracket
 * inside a plain scalar counts), never underestimate by more than a level.
 * With `json`, only brackets outside strings count (JSON's indentation means nothing).
 * @returns the first place the bound passes `limit`, or null when it never does
 * @example textDepthOver('{"a":'.repeat(5000) + '1' + '}'.repeat(5000), 1000) // { depth: 1001, line: 1 }
 */
export function textDepthOver(text: string, limit: number = MAX_TREE_DEPTH, json = false): DepthHit | null {
  return depthBoundWithin(text, limit) ? null : scanDepthOver(text, limit, json);
}

/** textDepthOver's scan, character by character (exported for the test that holds the cheap bound to it). */
export function scanDepthOver(text: string, limit: number, json: boolean): DepthHit | null {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let quote = '';
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let i = start;
    if (!json && flow === 0 && quote === '') {
      while (text.charCodeAt(i) === 32) i++;
      if (i < end && text[i] !== '#') {
        let ind = i - start;
        while (indents.length > 0 && indents[indents.length - 1]! >= ind) indents.pop();
        indents.push(ind);
        // `- - x` and `- key: v`: each dash opens a level whose content sits further right
        while (text[i] === '-' && (text[i + 1] === ' ' || i + 1 === end)) {
          i += 2;
          while (text.charCodeAt(i) === 32) i++;
          ind = i - start;
          indents.push(ind);
        }
      }
      if (indents.length > limit) return { depth: indents.length, line };
    }
    for (; i < end; i++) {
      const c = text[i];
      if (quote !== '') {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = '';
      } else if (c === '"' || (c === "'" && flow > 0 && !json)) quote = c;
      else if (c === '#' && !json && (i === start || text[i - 1] === ' ')) break;
      else if (c === '[' || c === '{') {
        flow++;
        if (indents.length + flow > limit) return { depth: indents.length + flow, line };
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    start = end + 1;
  }
  return null;
}

/**
 * Whether a cheap bound on textDepthOver's count, from native string searches
 * only, is within `limit`: the indentation stack holds strictly increasing
 * columns, each at most one past the end of its line (a `- ` ending a line),
 * so it holds at most the longest line's length + 2 of them, and open
 * brackets are at most all of them. A history walk checks every version of
 * every file, and almost all are far below the limit. Brackets are counted
 * first, and only until they pass the limit (a JSON file has thousands, and
 * the scan runs anyway).
 */
function depthBoundWithin(text: string, limit: number): boolean {
  let brackets = 0;
  for (const open of ['[', '{']) {
    for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1)) if (++brackets > limit) return false;
  }
  let longest = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start > longest) longest = end - start;
    start = end + 1;
  }
  return longest + 2 + brackets <= limit;
}

/**
 * How deep a parsed tree nests (a scalar is 0, `{a: 1}` is 1), walked with an
 * explicit stack; stops counting once past `limit`.
 * @example treeDepth({ a: [1, { b: 2 }] }) // 3
 */
export function treeDepth(value: unknown, limit: number = MAX_TREE_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (!Array.isArray(v) && !isPlainObject(v)) continue; // scalars, dates, binary
    const children = Array.isArray(v) ? v : Object.values(v);
    if (d + 1 > max) max = d + 1;
    if (max > limit) return max;
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return max;
}

/** The warning for a file too deep to compare field by field. */
export function tooDeepMessage(depth: number, limit: number = MAX_TREE_DEPTH): string {
  return `too deep to compare field by field (${depth} levels, limit ${limit}); compared as text`;
}
