/**
 * Checks settings.yaml against schema/settings.schema.json, the one
 * description of its shape (editors read the same file through the
 * `# yaml-language-server: $schema=` line `init` writes). The checker
 * interprets the few JSON Schema keywords that file uses (SUPPORTED_KEYWORDS;
 * a test fails if the schema uses another) and stops at the first error with
 * a message that names the file, line and key, as every settings error does.
 * Why not a schema library: docs/decisions.md.
 */
import schemaJson from '../../../schema/settings.schema.json' with { type: 'json' };
import { BugError, CfgtrailError } from '../errors.js';

/** A JSON Schema node of the subset used. */
export interface SchemaNode {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  description?: string;
  properties?: Record<string, SchemaNode>;
  /** false: no other keys; a schema: every other key's value follows it (a map of named entries). */
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
}

/** Every keyword the checker understands or may ignore (annotations). */
export const SUPPORTED_KEYWORDS = new Set([
  '$schema', '$id', 'title', 'description', 'default', 'definitions',
  '$ref', 'type', 'properties', 'additionalProperties', 'required', 'items', 'minItems', 'minLength', 'pattern', 'minimum', 'maximum', 'enum', 'oneOf', 'anyOf',
]);

const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean']);

export const SETTINGS_SCHEMA = schemaNode(schemaJson);

/**
 * The schema file as a SchemaNode. A JSON import types `"type": "object"` as
 * any string, so the shape the checker reads is checked here, once.
 */
function schemaNode(json: unknown): SchemaNode {
  if (!isSchemaNode(json)) throw new BugError('schema/settings.schema.json does not have the shape settings-schema.ts reads');
  return json;
}

function isSchemaNode(x: unknown): x is SchemaNode {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o: Record<string, unknown> = { ...x };
  const list = (v: unknown) => v === undefined || (Array.isArray(v) && v.every(isSchemaNode));
  const map = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isSchemaNode));
  return (
    (o.type === undefined || (typeof o.type === 'string' && TYPES.has(o.type))) &&
    map(o.properties) && map(o.definitions) && list(o.oneOf) && list(o.anyOf) &&
    (o.items === undefined || isSchemaNode(o.items)) &&
    (o.additionalProperties === undefined || typeof o.additionalProperties === 'boolean' || isSchemaNode(o.additionalProperties))
  );
}

type KeyPath = (string | number)[];

interface Where {
  file: string;
  lineOf?: (path: KeyPath) => number | undefined;
}

/**
 * Throws BAD_SETTINGS (`data: { file, line, key }`) at the first place where
 * `value` does not follow the settings schema.
 *
 * @example checkSettingsSchema({ services: [{ name: 'a' }] }, { file: 'settings.yaml' }) // throws: services[0].files: is required
 */
export function checkSettingsSchema(value: unknown, where: Where, schema: SchemaNode = SETTINGS_SCHEMA): void {
  check(value, schema, [], { ...where, root: schema });
}

interface Ctx extends Where {
  root: SchemaNode;
}

function check(value: unknown, node: SchemaNode, at: KeyPath, ctx: Ctx): void {
  const s = resolve(node, ctx);
  if (s.type && !hasType(value, s.type)) fail(ctx, at, `expected ${what(s, ctx)}, got ${show(value)}`);
  if (s.enum && !s.enum.includes(value)) fail(ctx, at, `expected ${s.enum.map(show).join(' or ')}, got ${show(value)}`);
  if (s.oneOf) return check(value, pickBranch(value, s.oneOf, at, ctx), at, ctx);
  if (s.anyOf) return anyOf(value, s.anyOf, at, ctx);
  if (typeof value === 'number' && ((s.minimum !== undefined && value < s.minimum) || (s.maximum !== undefined && value > s.maximum))) {
    fail(ctx, at, `expected ${what(s, ctx)}, got ${show(value)}`);
  }
  if (typeof value === 'string' && ((s.minLength !== undefined && value.length < s.minLength) || (s.pattern !== undefined && !new RegExp(s.pattern).test(value)))) {
    fail(ctx, at, `expected ${what(s, ctx)}, got ${show(value)}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) fail(ctx, at, `expected ${what(s, ctx)}, got ${show(value)}`);
    const items = s.items && resolve(s.items, ctx);
    // A list of plain strings is wrong as a whole ("expected a list of strings"); a list of maps, item by item.
    if (items && items.type === 'string') {
      const bad = (item: unknown) => typeof item !== 'string' || item.length < (items.minLength ?? 0) || (items.pattern !== undefined && !new RegExp(items.pattern).test(item));
      if (value.some(bad)) fail(ctx, at, `expected ${what(s, ctx)}, got ${show(value)}`);
    } else if (items) value.forEach((item, i) => check(item, items, [...at, i], ctx));
  }
  if (isMap(value) && (s.properties || s.required || s.additionalProperties !== undefined)) checkMap(value, s, at, ctx);
}

function checkMap(value: Record<string, unknown>, s: SchemaNode, at: KeyPath, ctx: Ctx): void {
  const known = Object.keys(s.properties ?? {});
  if (s.additionalProperties === false) {
    const unknown = Object.keys(value).find((k) => !known.includes(k));
    if (unknown !== undefined) fail(ctx, [...at, unknown], at.length === 0 ? `unknown setting (known: ${known.join(', ')})` : `unknown key (allowed here: ${known.join(', ')})`);
  }
  for (const key of s.required ?? []) if (value[key] === undefined) fail(ctx, [...at, key], 'is required');
  for (const [key, sub] of Object.entries(s.properties ?? {})) if (value[key] !== undefined) check(value[key], sub, [...at, key], ctx);
  const rest = s.additionalProperties;
  if (typeof rest === 'object') for (const key of Object.keys(value)) if (!known.includes(key)) check(value[key], rest, [...at, key], ctx);
}

/** `oneOf` here is always tagged by each branch's first required key (restart kinds, check kinds). */
function pickBranch(value: unknown, branches: SchemaNode[], at: KeyPath, ctx: Ctx): SchemaNode {
  const tags = branches.map((b) => b.required?.[0] ?? '');
  const map = value as Record<string, unknown>;
  const present = tags.filter((t) => map[t] !== undefined);
  if (present.length === 1) return branches[tags.indexOf(present[0]!)]!;
  const allowed = new Set(branches.flatMap((b) => Object.keys(b.properties ?? {})));
  const stranger = Object.keys(map).find((k) => !allowed.has(k));
  if (present.length === 0 && stranger !== undefined) fail(ctx, at, `unknown kind '${stranger}' (one of ${tags.join(', ')})`);
  fail(ctx, at, `needs exactly one of ${tags.join(', ')}${present.length > 1 ? ` (has ${present.join(', ')})` : ''}`);
}

function anyOf(value: unknown, branches: SchemaNode[], at: KeyPath, ctx: Ctx): void {
  let first: unknown;
  for (const b of branches) {
    try {
      return check(value, b, at, ctx);
    } catch (e) {
      // The branch of the value's own type explains the problem best.
      if (first === undefined || hasType(value, resolve(b, ctx).type ?? 'object')) first = e;
    }
  }
  throw first;
}

function resolve(node: SchemaNode, ctx: Ctx): SchemaNode {
  if (!node.$ref) return node;
  const name = /^#\/definitions\/(.+)$/.exec(node.$ref)?.[1];
  const target = name ? ctx.root.definitions?.[name] : undefined;
  if (!target) throw new Error(`settings schema: cannot resolve ${node.$ref}`);
  // The target holds the rules and says what it is; a description at the use names a plain `name`.
  const resolved = resolve(target, ctx);
  return resolved.description || !node.description ? resolved : { ...resolved, description: node.description };
}

function hasType(value: unknown, type: NonNullable<SchemaNode['type']>): boolean {
  switch (type) {
    case 'object': return isMap(value);
    case 'array': return Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    default: return typeof value === type;
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a node wants, in words: `a list of strings`, `a number ≥ 0`, or its own description. */
function what(s: SchemaNode, ctx: Ctx): string {
  if (s.pattern && s.description) return s.description.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase());
  if (s.type === 'array') {
    const item = s.items ? resolve(s.items, ctx) : undefined;
    const min = s.minItems ? 'a non-empty ' : 'a ';
    return `${min}list${item?.type === 'string' ? ` of ${item.minLength ? 'non-empty ' : ''}strings` : ''}`;
  }
  if (s.type === 'number' || s.type === 'integer') {
    const noun = s.type === 'integer' ? 'a whole number' : 'a number';
    if (s.minimum !== undefined && s.maximum !== undefined) return `${noun} from ${s.minimum} to ${s.maximum}`;
    return s.minimum !== undefined ? `${noun} ≥ ${s.minimum}` : noun;
  }
  if (s.type === 'boolean') return 'true or false';
  if (s.type === 'object') return 'a mapping';
  if (s.type === 'string') return s.minLength ? 'a non-empty string' : 'a string';
  return 'a valid value';
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? JSON.stringify(v) : show(v))).join(', ')}]`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function keyText(path: KeyPath): string {
  return path.length === 0 ? '(top)' : path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function fail(ctx: Ctx, path: KeyPath, message: string): never {
  const key = keyText(path);
  // The nearest enclosing key that has a line is still a useful pointer.
  let line: number | undefined;
  for (let n = path.length; n > 0 && line === undefined; n--) line = ctx.lineOf?.(path.slice(0, n));
  throw new CfgtrailError('BAD_SETTINGS', `${ctx.file}${line ? `:${line}` : ''}: ${key}: ${message}`, { file: ctx.file, line, key });
}
