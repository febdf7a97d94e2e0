import type { Document } from 'yaml';
import { yamlLib } from '../lazy.js';
import { locateJsonError } from './json-error.js';
import { parsePlainYaml } from './plain-yaml.js';

/** YAML schema: `core` is YAML 1.2 (`yes` is a string, `0755` is 755); `yaml-1.1` is what Kubernetes reads. */
export type YamlSchema = 'core' | 'yaml-1.1';

export interface ParseOptions {
  /** @default 'core' */
  schema?: YamlSchema;
}

/** Where and why a config file does not parse; line and col are 1-based. */
export interface ParseError {
  message: string;
  line: number;
  col: number;
}

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
  return format === 'json' ? parseJson(text) : parseYaml(text, opts.schema ?? 'core');
}

function parseJson(text: string): ParsedConfig {
  try {
    return { ok: true, docs: [JSON.parse(text) as unknown] };
  } catch (e) {
    return { ok: false, error: locateJsonError(text, messageOf(e)) };
  }
}

function parseYaml(text: string, schema: YamlSchema): ParsedConfig {
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
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) return { ok: false, error: { message: err.message, ...at(err.pos[0]) } };
    const dup = duplicateKey(doc);
    if (dup !== null) return { ok: false, error: { message: 'Map keys must be unique', ...at(dup) } };
    try {
      values.push(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (e) {
      // toJS reports alias bombs (and other resolution failures) without a position
      return { ok: false, error: { message: messageOf(e), ...at(firstAliasOffset(doc)) } };
    }
  }
  return { ok: true, docs: values };
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
