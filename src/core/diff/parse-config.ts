import type { Document } from 'yaml';
import { yamlLib } from '../lazy.js';
import { locateJsonError } from './json-error.js';
import type { ParseError } from './parse-error.js';
import { parsePlainYaml } from './plain-yaml.js';
import { fastYamlAccepts, readFastYamlDocument, splitYamlDocuments } from './fast-yaml.js';
import { readChunkedDocument, SPLIT_MIN_BYTES, type PieceMemo } from './chunked-yaml.js';
import { reviveBinary } from './binary-value.js';
import { MAX_TREE_DEPTH, textDepthOver, tooDeepMessage, treeDepth } from './tree-depth.js';

/** YAML schema: `core` is YAML 1.2 (`yes` is a string, `0755` is 755); `yaml-1.1` is what Kubernetes reads. */
export type YamlSchema = 'core' | 'yaml-1.1';

export interface ParseOptions {
  /** @default 'core' */
  schema?: YamlSchema;
  /**
   * Pieces of large YAML files already read, by their text: pass the same map
   * for two versions of a file and the second reads only what changed (its
   * unchanged pieces are the first's very objects).
   */
  memo?: PieceMemo;
  /** YAML from this size on tries js-yaml first (a part of a large file may be small). @default FAST_YAML_MIN_BYTES */
  fastMinBytes?: number;
}

/** YAML files from this size on are read with js-yaml (core schema, see fast-yaml.ts) when it can. */
export const FAST_YAML_MIN_BYTES = 64 * 1024;

export type { ParseError } from './parse-error.js';

/** A parsed YAML/JSON file: one tree per document (JSON always has one). */
export type ParsedConfig = { ok: true; docs: unknown[] } | { ok: false; error: ParseError };

/** Aliases allowed per document: real files use hundreds of `<<: *defaults`, billion-laughs needs far more. */
const MAX_ALIAS_COUNT = 10_000;

/** Which format a file is compared as, by extension; null when it is not a tree format. */
export function treeFormatOf(file: string): 'yaml' | 'json' | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  return null;
}

/**
 * Parse a YAML or JSON config file into plain trees. Never throws for bad input:
 * syntax errors, duplicate keys and alias bombs come back as `{ ok: false, error }`.
 * @returns null when the extension is not `.yaml`, `.yml` or `.json`.
 * @example parseConfig('values.yaml', buf, { schema: 'yaml-1.1' })
 */
export function parseConfig(file: string, content: Buffer, opts: ParseOptions = {}): ParsedConfig | null {
  const format = treeFormatOf(file);
  if (format === null) return null;
  let text = content.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return format === 'json' ? parseJson(text) : parseYaml(text, opts.schema ?? 'core', opts.memo, opts.fastMinBytes);
}

/** Parsers and tree walks recurse per level: a file nested too deep is compared as text. */
function tooDeep(text: string, json: boolean): ParsedConfig | null {
  const deep = textDepthOver(text, MAX_TREE_DEPTH, json);
  return deep === null ? null : { ok: false, error: { message: tooDeepMessage(deep.depth), line: deep.line, col: 1 } };
}

function parseJson(text: string): ParsedConfig {
  const deep = tooDeep(text, true);
  if (deep) return deep;
  try {
    return { ok: true, docs: [JSON.parse(text) as unknown] };
  } catch (e) {
    return { ok: false, error: locateJsonError(text, messageOf(e)) };
  }
}

function parseYaml(text: string, schema: YamlSchema, memo: PieceMemo = new Map(), fastMinBytes = FAST_YAML_MIN_BYTES): ParsedConfig {
  if (schema === 'core') {
    // large files first try the reader that shares unchanged pieces; small ones the plain-YAML fast path
    const fast = text.length >= fastMinBytes ? readFastYaml(text, memo) : undefined;
    if (fast !== undefined) return { ok: true, docs: fast };
  }
  // js-yaml's pieces are measured as they are read; the readers below are not
  const deep = tooDeep(text, false);
  if (deep) return deep;
  if (schema === 'core') {
    const plain = parsePlainYaml(text);
    if (plain !== undefined) return { ok: true, docs: plain };
  }
  const { LineCounter, parseAllDocuments } = yamlLib();
  const lineCounter = new LineCounter();
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  let docs: Document.Parsed[];
  try {
    // yaml's own uniqueKeys check compares every key with every other (a 10k-key
    // map took seconds); duplicateKey() below does the same check in one pass.
    docs = parseAllDocuments(text, { merge: true, schema, lineCounter, prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
  } catch (e) {
    return { ok: false, error: { message: messageOf(e), line: 1, col: 1 } };
  }
  const values: unknown[] = [];
  // a `!!binary` value (also written `!<tag:yaml.org,2002:binary>`) is shown as base64, not as a Buffer
  const reviver = text.includes('binary') ? reviveBinary : undefined;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) return { ok: false, error: { message: err.message, ...at(err.pos[0]) } };
    const dup = duplicateKey(doc);
    if (dup !== null) return { ok: false, error: { message: 'Map keys must be unique', ...at(dup) } };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, ...(reviver ? { reviver } : {}) });
    } catch (e) {
      // toJS reports alias bombs (and other resolution failures) without a position
      return { ok: false, error: { message: messageOf(e), ...at(firstAliasOffset(doc)) } };
    }
    // aliases can nest deeper than the text does (or loop): check the tree itself
    const depth = treeDepth(value);
    if (depth > MAX_TREE_DEPTH) return { ok: false, error: { message: tooDeepMessage(depth), ...at(doc.contents?.range[0] ?? 0) } };
    values.push(value);
  }
  return { ok: true, docs: values };
}

/** The documents of a large YAML text read by js-yaml, piece by piece through `memo`; undefined when it declines. */
function readFastYaml(text: string, memo: PieceMemo): unknown[] | undefined {
  if (!fastYamlAccepts(text)) return undefined;
  const docs = splitYamlDocuments(text);
  if (docs === undefined) return undefined;
  const out: unknown[] = [];
  for (const doc of docs) {
    let value = memo.get(doc);
    if (value === undefined) {
      value = doc.length > SPLIT_MIN_BYTES ? readChunkedDocument(doc, memo) : readFastYamlDocument(doc, true);
      if (value === undefined) return undefined;
      memo.set(doc, value);
    }
    out.push(value);
  }
  return out;
}

/** Offset of the first repeated scalar key in any map (merge keys `<<` may repeat), or null. */
function duplicateKey(doc: Document.Parsed): number | null {
  const { visit, isScalar } = yamlLib();
  let found: number | null = null;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.value === '<<') continue;
        if (seen.has(pair.key.value)) {
          found = pair.key.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(pair.key.value);
      }
      return undefined;
    },
  });
  return found;
}

function firstAliasOffset(doc: Document.Parsed): number {
  const { visit } = yamlLib();
  let offset = doc.contents?.range[0] ?? 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? offset;
      return visit.BREAK;
    },
  });
  return offset;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
