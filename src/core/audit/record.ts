import type { AuditEntry, IndexRecord } from '../types.js';
import type { TreeChange } from '../diff/diff-trees.js';
import { NOT_COMPARED_MARK, ORDER_SUFFIX } from './index-marks.js';
import { formatPathText } from '../diff/path-text.js';
import type { ObjectStore } from '../git/objects.js';
import { parseCommit } from '../git/commit.js';
import { readTreeRecursive } from '../git/tree.js';
import { diffTreeEntries, type FileEntry } from './tree-diff.js';
import { splitMessage } from '../record/message.js';
import { firstTrailer } from '../record/trailers.js';
import { diffFile } from '../diff/diff-file.js';
import { parseConfig, treeFormatOf, type ParsedConfig } from '../diff/parse-config.js';
import type { PieceMemo } from '../diff/chunked-yaml.js';
import { META_FILE, parseMeta } from '../store/meta.js';
import type { Settings } from '../store/settings.js';
import type { IdentifierRule } from '../diff/identifier-rules.js';

export type FlatTree = Map<string, { mode: string; oid: string }>;

export interface RecordOptions {
  schema?: 'core' | 'yaml-1.1';
  /** Files larger than this are recorded without field paths (`diff_max_bytes`). */
  maxBytes?: number;
  /** Identifier keys named per list (`list_identifiers`). */
  identifiers?: readonly IdentifierRule[];
  /** Flattened trees by tree id; lets a history walk read each tree once. */
  treeCache?: Map<string, FlatTree>;
  /** Parsed files (see `parseCacheKey`); a history walk parses each version once, not twice. */
  parseCache?: ParseCache;
  /**
   * Pieces of large YAML files by their text (parse-config's memo), for a
   * caller that parsed the new versions already (a snapshot). Without it each
   * file diff has its own.
   */
  memo?: PieceMemo;
}

/** The settings that decide which field paths a record holds. */
export function recordSettings(s: Pick<Settings, 'yamlSchema' | 'diffMaxBytes' | 'listIdentifiers'>): Pick<RecordOptions, 'schema' | 'maxBytes' | 'identifiers'> {
  return { schema: s.yamlSchema, maxBytes: s.diffMaxBytes, identifiers: s.listIdentifiers };
}

/**
 * A text that changes whenever those settings do: the index keeps it, and an
 * index made under other settings is rebuilt, not read with stale paths.
 */
export function recordSettingsKey(s: Pick<Settings, 'yamlSchema' | 'diffMaxBytes' | 'listIdentifiers'>): string {
  return JSON.stringify([s.yamlSchema, s.diffMaxBytes, s.listIdentifiers]);
}

/** Parsed config files by blob id and path (the parse depends on the file's extension). */
export type ParseCache = Map<string, ParsedConfig | null>;

/** The key of a parsed file in a `ParseCache`. */
export function parseCacheKey(oid: string, path: string): string {
  return `${oid}:${path}`;
}

const EMPTY: FlatTree = new Map();

/** Builds the audit-index record of one commit from the object store alone. */
export function buildRecord(objects: ObjectStore, oid: string, opts: RecordOptions = {}): IndexRecord {
  const c = parseCommit(objects.read(oid).content);
  const { title, body, trailers } = splitMessage(c.message);
  const parentTree = c.parents[0] ? parseCommit(objects.read(c.parents[0]).content).tree : null;
  const changes = fileChanges(objects, parentTree, c.tree, opts);
  const fields: string[] = [];
  for (const { file: f, before, after } of changes) {
    if (f.status === 'mode') continue;
    const a = blob(objects, before);
    const b = blob(objects, after);
    for (const pathText of changedFields(f.path, a, b, before?.oid, after?.oid, opts)) fields.push(`${f.path}\t${pathText}`);
  }
  const files = changes.map((x) => x.file);
  return {
    commit: oid,
    parents: c.parents,
    changeId: firstTrailer(trailers, 'Change-Id') ?? null,
    title,
    body,
    author: { name: c.author.name, email: c.author.email },
    date: isoDate(c.author.timestamp, c.author.timezoneOffset),
    trailers,
    files,
    timestamp: c.author.timestamp,
    fields,
  };
}

/**
 * The field paths that changed in one file. The index is derived data that
 * every query needs: a file whose diff fails (a bug in the diff, or input it
 * cannot handle) is recorded with no field paths rather than leaving the
 * index impossible to build, which would fail every later command.
 */
function changedFields(path: string, a: Buffer | null, b: Buffer | null, oidA: string | undefined, oidB: string | undefined, opts: RecordOptions): string[] {
  const parse = cachedParse(path, [{ buf: a, oid: oidA }, { buf: b, oid: oidB }], { ...opts, memo: opts.memo ?? new Map() });
  try {
    // the index keeps field paths only: a file compared as text needs no patch
    const d = diffFile(path, a, b, { schema: opts.schema, parse, maxBytes: opts.maxBytes, identifiers: opts.identifiers, patch: false });
    // a YAML/JSON file compared as text (a side did not parse, or is too large): say so, for blame
    if (d.format === 'text' && treeFormatOf(path) !== null) return [NOT_COMPARED_MARK];
    return indexedFields(d.changes);
  } catch (e) {
    if (e instanceof RangeError) return [NOT_COMPARED_MARK]; // a stack or size limit of the runtime: the file stays listed, without fields
    throw e;
  }
}

/** Field paths one file records in one index line at most; more are recorded coarser. */
export const MAX_INDEX_FIELDS_PER_FILE = 10_000;

/**
 * The field paths to record. A file with more changed fields than
 * {@link MAX_INDEX_FIELDS_PER_FILE} (a new 2M-key file made a 60 MB index line)
 * records their top-level keys instead, or the whole file (the empty path)
 * when those are too many too. `--field F:path` matches a recorded prefix, so
 * such a commit is still found, never missed.
 */
function indexedFields(changes: readonly TreeChange[]): string[] {
  if (changes.length <= MAX_INDEX_FIELDS_PER_FILE) return changes.map((ch) => (ch.reorder ? `${ch.pathText}${ORDER_SUFFIX}` : ch.pathText));
  const tops = [...new Set(changes.map((ch) => formatPathText(ch.path.slice(0, 1))))];
  return tops.length <= MAX_INDEX_FIELDS_PER_FILE ? tops : [''];
}

type FileChange = AuditEntry['files'][number];
type Perms = ReturnType<typeof parseMeta>;

/**
 * The files changed from tree `a` (null: none) to `b`, sorted by path, with
 * their entries. Only subtrees whose ids differ are read, unless
 * `.cfgtrail-meta` changed: permissions may then have changed anywhere, so
 * both trees are flattened and compared whole (changedFiles).
 */
function fileChanges(objects: ObjectStore, a: string | null, b: string, opts: RecordOptions): { file: FileChange; before?: FileEntry; after?: FileEntry }[] {
  const pairs = diffTreeEntries(objects, a, b);
  if (pairs && !pairs.has(META_FILE)) {
    const out: { file: FileChange; before?: FileEntry; after?: FileEntry }[] = [];
    for (const path of [...pairs.keys()].sort()) {
      const { before, after } = pairs.get(path)!;
      const file = fileChange(path, before, after, null, null);
      if (file) out.push({ file, before, after });
    }
    return out;
  }
  const ta = a ? flatTree(objects, a, opts) : EMPTY;
  const tb = flatTree(objects, b, opts);
  return changedFiles(objects, ta, tb).map((file) => ({ file, before: ta.get(file.path), after: tb.get(file.path) }));
}

/** Files that differ between two flattened trees, sorted by path; permission-only changes come from `.cfgtrail-meta`. */
export function changedFiles(objects: ObjectStore, a: FlatTree, b: FlatTree): AuditEntry['files'] {
  const out: AuditEntry['files'] = [];
  const metaA = a.get(META_FILE);
  const metaB = b.get(META_FILE);
  const permsA = metaA && metaA.oid !== metaB?.oid ? parseMeta(objects.read(metaA.oid).content.toString('utf8')) : null;
  const permsB = metaB && metaA?.oid !== metaB.oid ? parseMeta(objects.read(metaB.oid).content.toString('utf8')) : null;
  const paths = new Set([...a.keys(), ...b.keys()]);
  paths.delete(META_FILE);
  for (const path of [...paths].sort()) {
    const file = fileChange(path, a.get(path), b.get(path), permsA, permsB);
    if (file) out.push(file);
  }
  return out;
}

/** How `path` changed from entry `x` to `y` (undefined: absent), or undefined when it did not; `perms` from `.cfgtrail-meta` when it changed. */
function fileChange(path: string, x: FileEntry | undefined, y: FileEntry | undefined, permsA: Perms | null, permsB: Perms | null): FileChange | undefined {
  if (!x) return { path, status: 'added' };
  if (!y) return { path, status: 'deleted' };
  if ((x.mode === '120000') !== (y.mode === '120000')) return { path, status: 'typechange' };
  if (x.oid !== y.oid) return { path, status: 'modified' };
  if (x.mode !== y.mode || (permsA && permsB && permsA.get(path)?.perm !== permsB.get(path)?.perm)) {
    const mode = { from: permText(x.mode, permsA?.get(path)?.perm), to: permText(y.mode, permsB?.get(path)?.perm) };
    return { path, status: 'mode', mode };
  }
  return undefined;
}

/** `0640`: the recorded permissions, else what git's mode implies (as compare.ts's modeText, which `diff` shows). */
function permText(mode: string, perm: number | undefined): string {
  return (perm ?? (mode === '100755' ? 0o755 : 0o644)).toString(8).padStart(4, '0');
}

/** Flattened tree `path -> {mode, oid}`, cached by tree id. */
export function flatTree(objects: ObjectStore, treeOid: string, opts: RecordOptions = {}): FlatTree {
  const hit = opts.treeCache?.get(treeOid);
  if (hit) return hit;
  const t = readTreeRecursive(objects, treeOid) as FlatTree;
  if (opts.treeCache) {
    if (opts.treeCache.size > 4) opts.treeCache.delete(opts.treeCache.keys().next().value!);
    opts.treeCache.set(treeOid, t);
  }
  return t;
}

/** A parse function for one file diff that reuses and fills `opts.parseCache`, keyed by blob id. */
function cachedParse(path: string, sides: { buf: Buffer | null; oid?: string }[], opts: RecordOptions) {
  const cache = opts.parseCache;
  if (!cache) return undefined;
  return (file: string, content: Buffer): ParsedConfig | null => {
    const oid = sides.find((x) => x.buf === content)?.oid;
    if (oid === undefined) return parseConfig(file, content, { schema: opts.schema, memo: opts.memo });
    const key = parseCacheKey(oid, path);
    if (cache.has(key)) return cache.get(key)!;
    const parsed = parseConfig(file, content, { schema: opts.schema, memo: opts.memo });
    if (cache.size > 256) cache.delete(cache.keys().next().value!);
    cache.set(key, parsed);
    return parsed;
  };
}

function blob(objects: ObjectStore, e: { oid: string } | undefined): Buffer | null {
  return e ? objects.read(e.oid).content : null;
}

/** `2026-11-26T15:19:07+01:00` from git's seconds and offset (minutes east of UTC). */
export function isoDate(timestamp: number, offsetMinutes: number): string {
  const d = new Date((timestamp + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${d}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
