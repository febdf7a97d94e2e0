/**
 * A fast reader for large YAML files, for field diffs only (values, no
 * positions). The yaml package reads ~1.3 MB/s here; js-yaml 4 with the
 * schema below reads ~15 MB/s (docs/decisions.md). js-yaml's own schemas
 * are not the yaml package's YAML 1.2 core (its ints take `_` and `0b`), so
 * the scalar types below copy the yaml package's core tests exactly (the same
 * ones plain-yaml.ts uses), and anything where the two libraries could still
 * disagree is declined: anchors, aliases, tags, merge keys, directives,
 * complex keys, `__proto__`, tabs, CR, and documents without content. A
 * declined or failing text goes to the yaml package, which also reports
 * errors with their line. test/core/diff/fast-yaml.test.ts checks both
 * libraries agree on the corpus and on generated documents.
 */
import type { Schema } from 'js-yaml';
import { jsYamlLib } from '../lazy.js';
import { MAX_TREE_DEPTH, treeDepth } from './tree-depth.js';

/** Anchors, aliases and tags outside comments (a `#` ends the part of a line looked at). */
const ALIAS_OR_TAG = /^(?:[^#\n]*[\s[{,:-])?[&*!][^\s]/m;
/**
 * Other texts the two libraries may read differently: merge keys, `__proto__`,
 * directives and document markers with content, complex keys, tabs, CR, keys
 * the core schema reads as null or a bool, and an item with nothing after its
 * dash (js-yaml 4 misplaces a less indented item after `-\n  -` lists).
 */
const DECLINED = /<<\s*:|__proto__|^(?:%|\.\.\.|---\S| *\? | *: )|[\t\r]|(?:^|[\s{,])(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE) *:(?:\s|$)|^ *-[ ]*(?:#.*)?$/m;

let schema: Schema | undefined;

/** js-yaml's failsafe schema plus the yaml package's core null/bool/int/float tests. */
function coreSchema(): Schema {
  if (schema) return schema;
  const { FAILSAFE_SCHEMA, Type } = jsYamlLib();
  const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
    new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: string) => test.test(s), construct });
  schema = FAILSAFE_SCHEMA.extend({
    implicit: [
      scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
      scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
      scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) =>
        s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10),
      ),
      scalar('float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/, (s) => {
        const end = s.slice(-3).toLowerCase();
        if (end === 'nan') return NaN;
        if (end === 'inf') return s[0] === '-' ? -Infinity : Infinity;
        return parseFloat(s);
      }),
    ],
  });
  return schema;
}

/** Whether {@link readFastYaml} may read this text (it still returns undefined when js-yaml rejects it). */
export function fastYamlAccepts(text: string): boolean {
  return !DECLINED.test(text) && !ALIAS_OR_TAG.test(text);
}

/**
 * One YAML document as the yaml package's core schema reads it, or undefined
 * when the text is declined (see the header), does not parse, or nests deeper
 * than the field diff takes (the caller then measures and reports it).
 * @param checked the caller has run {@link fastYamlAccepts} on a text holding this one
 * @example readFastYamlDocument('a: [1, {b: 0x1F}]\n') // { a: [1, { b: 31 }] }
 */
export function readFastYamlDocument(text: string, checked = false): unknown {
  if ((!checked && !fastYamlAccepts(text)) || !HAS_CONTENT.test(text)) return undefined;
  let value: unknown;
  try {
    value = jsYamlLib().load(text, { schema: coreSchema() });
  } catch {
    return undefined; // the yaml package reads it again and says where it fails (a RangeError: too deep)
  }
  // a piece sits at most a few levels down its document
  return treeDepth(value) > MAX_TREE_DEPTH - 4 ? undefined : value;
}

/** A line with something other than spaces and a comment. */
const HAS_CONTENT = /^ *[^\s#]/m;

/**
 * Splits a YAML stream at `---` lines into document texts; undefined when a
 * document marker carries content (`--- |`) or a document is empty (the two
 * libraries count empty documents differently).
 */
export function splitYamlDocuments(text: string): string[] | undefined {
  const docs = text.split(/^---[ ]*(?:\n|$)/m);
  if (docs[0] !== undefined && !HAS_CONTENT.test(docs[0])) docs.shift(); // a leading `---` (after comments)
  if (docs.length === 0 || docs.some((d) => !HAS_CONTENT.test(d))) return undefined;
  return docs;
}
