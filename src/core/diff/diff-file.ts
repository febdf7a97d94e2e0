import { BugError } from '../errors.js';
import type { FileDiff, FileStatus } from '../types.js';
import { diffDocuments, diffWholeFile, type TreeDiffOptions } from './diff-trees.js';
import { parseConfig, type ParseOptions, type ParsedConfig } from './parse-config.js';
import { DEFAULT_DIFF_MAX_BYTES, largeFileDiff } from './large-file.js';
import { boundedPatch, TEXT_DIFF_CUT_LINES, type TextPatch } from './text-patch.js';
import { quotePath } from '../path-name.js';

export interface DiffOptions extends ParseOptions, TreeDiffOptions {
  /** Parses one side; lets a caller that diffs many versions parse each only once. @default parseConfig */
  parse?: (file: string, content: Buffer) => ParsedConfig | null;
  /** Context lines around text hunks. @default 3 */
  context?: number;
  /** Files larger than this (either side) get a summary instead of a diff (`diff_max_bytes`). @default 64 MiB */
  maxBytes?: number;
  /** Blob ids of the two sides, named in a summary. */
  oids?: { from?: string; to?: string };
  /** Applied to a text diff's patch, with the two texts it was made from (secret redaction). */
  redactPatch?: (patch: string, before: string, after: string) => string;
  /** Make the patch of a file compared as text; the audit index needs only the format and field changes. @default true */
  patch?: boolean;
}

/** Like git: a NUL byte in the first 8000 bytes makes a file binary. */
const BINARY_SNIFF_BYTES = 8000;

/**
 * Compare two versions of one file. YAML/JSON files that parse on both sides are
 * compared field by field; files that do not parse fall back to a unified text
 * diff with a `file:line:col: message` warning; binary files report sizes only.
 * @param before null when the file was added
 * @param after null when the file was deleted
 * @example diffFile('config.yaml', oldBuf, newBuf).changes
 */
export function diffFile(file: string, before: Buffer | null, after: Buffer | null, opts: DiffOptions = {}): FileDiff {
  if (before === null && after === null) throw new BugError(`diffFile(${file}) called with neither side`);
  const status: FileStatus = before === null ? 'added' : after === null ? 'deleted' : 'modified';
  if ((before !== null && isBinary(before)) || (after !== null && isBinary(after))) {
    return { file, status, format: 'binary', changes: [], fromSize: before?.length, toSize: after?.length };
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_DIFF_MAX_BYTES;
  if (Math.max(before?.length ?? 0, after?.length ?? 0) > maxBytes) {
    return largeFileDiff(file, status, before, after, { maxBytes, context: opts.context ?? 3, oids: opts.oids });
  }
  // one memo for both sides: the second reads only the pieces of a large YAML file that changed
  const memo = opts.memo ?? new Map<string, unknown>();
  const parse = opts.parse ?? ((f: string, c: Buffer) => parseConfig(f, c, { ...opts, memo }));
  const parsedA = before === null ? null : parse(file, before);
  const parsedB = after === null ? null : parse(file, after);
  if (parsedA?.ok !== false && parsedB?.ok !== false && (parsedA !== null || parsedB !== null)) {
    return treeDiff(file, status, before, after, parsedA, parsedB, opts);
  }
  const warning = [parsedA, parsedB]
    .map((p) => (p?.ok === false ? `${quotePath(file)}:${p.error.line}:${p.error.col}: ${p.error.message}` : null))
    .filter((w): w is string => w !== null);
  if (opts.patch === false) return { file, status, format: 'text', changes: [] };
  const { patch, cut } = textPatch(file, before, after, opts);
  const diff: FileDiff = { file, status, format: 'text', changes: [], patch };
  if (warning.length > 0) diff.warning = [...new Set(warning)].join('; ');
  if (cut) diff.summary = `too many lines differ to compare in full; showing the changes in the first ${TEXT_DIFF_CUT_LINES} lines that differ`;
  return diff;
}

type Parsed = Extract<ParsedConfig, { ok: true }> | null;

function treeDiff(
  file: string,
  status: FileStatus,
  before: Buffer | null,
  after: Buffer | null,
  a: Parsed,
  b: Parsed,
  opts: TreeDiffOptions,
): FileDiff {
  if (a === null) return { file, status, format: 'tree', changes: diffWholeFile(file, b?.docs ?? [], 'added') };
  if (b === null) return { file, status, format: 'tree', changes: diffWholeFile(file, a.docs, 'removed') };
  const changes = diffDocuments(file, a.docs, b.docs, opts);
  const diff: FileDiff = { file, status, format: 'tree', changes };
  if (changes.length === 0 && before !== null && after !== null && !before.equals(after)) diff.formattingOnly = true;
  return diff;
}

function textPatch(file: string, before: Buffer | null, after: Buffer | null, opts: DiffOptions): TextPatch {
  if (before !== null && after !== null && before.equals(after)) return { patch: '', cut: false };
  const a = before?.toString('utf8') ?? '';
  const b = after?.toString('utf8') ?? '';
  const p = boundedPatch(before === null ? '/dev/null' : quotePath(`a/${file}`), after === null ? '/dev/null' : quotePath(`b/${file}`), a, b, opts.context ?? 3);
  return opts.redactPatch ? { ...p, patch: opts.redactPatch(p.patch, a, b) } : p;
}

/** True when the bytes look binary (a NUL in the first 8000 bytes, as git decides). */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}
