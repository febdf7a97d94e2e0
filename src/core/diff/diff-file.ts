import { jsDiff } from '../lazy.js';
import { BugError } from '../errors.js';
import type { FileDiff, FileStatus } from '../types.js';
import { diffDocuments, diffWholeFile } from './diff-trees.js';
import { parseConfig, type ParseOptions, type ParsedConfig } from './parse-config.js';

export interface DiffOptions extends ParseOptions {
  /** Parses one side; lets a caller that diffs many versions parse each only once. @default parseConfig */
  parse?: (file: string, content: Buffer) => ParsedConfig | null;
  /** Context lines around text hunks. @default 3 */
  context?: number;
  /** Applied to both sides before a text diff (secret redaction keeps line count, so hunks stay put). */
  redactText?: (text: string) => string;
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
  const parse = opts.parse ?? ((f: string, c: Buffer) => parseConfig(f, c, opts));
  const parsedA = before === null ? null : parse(file, before);
  const parsedB = after === null ? null : parse(file, after);
  if (parsedA?.ok !== false && parsedB?.ok !== false && (parsedA !== null || parsedB !== null)) {
    return treeDiff(file, status, before, after, parsedA, parsedB);
  }
  const warning = [parsedA, parsedB]
    .map((p) => (p?.ok === false ? `${file}:${p.error.line}:${p.error.col}: ${p.error.message}` : null))
    .filter((w): w is string => w !== null);
  const diff: FileDiff = { file, status, format: 'text', changes: [], patch: textPatch(file, before, after, opts) };
  if (warning.length > 0) diff.warning = warning.join('; ');
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
): FileDiff {
  if (a === null) return { file, status, format: 'tree', changes: diffWholeFile(file, b?.docs ?? [], 'added') };
  if (b === null) return { file, status, format: 'tree', changes: diffWholeFile(file, a.docs, 'removed') };
  const changes = diffDocuments(file, a.docs, b.docs);
  const diff: FileDiff = { file, status, format: 'tree', changes };
  if (changes.length === 0 && before !== null && after !== null && !before.equals(after)) diff.formattingOnly = true;
  return diff;
}

function textPatch(file: string, before: Buffer | null, after: Buffer | null, opts: DiffOptions): string {
  if (before !== null && after !== null && before.equals(after)) return '';
  const { createTwoFilesPatch, FILE_HEADERS_ONLY } = jsDiff();
  const text = (b: Buffer | null) => (b === null ? '' : opts.redactText ? opts.redactText(b.toString('utf8')) : b.toString('utf8'));
  return createTwoFilesPatch(
    before === null ? '/dev/null' : `a/${file}`,
    after === null ? '/dev/null' : `b/${file}`,
    text(before),
    text(after),
    undefined,
    undefined,
    { context: opts.context ?? 3, headerOptions: FILE_HEADERS_ONLY },
  );
}

/** True when the bytes look binary (a NUL in the first 8000 bytes, as git decides). */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}
