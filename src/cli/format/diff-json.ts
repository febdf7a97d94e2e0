import type { FieldChange, FileDiff } from '../../core/types.js';
import type { DocumentIdentity } from '../../core/diff/k8s-identity.js';

/** One row of the `diff --json` contract. */
export type DiffJsonRow =
  | { file: string; path: unknown[]; pathText: string; kind: 'added' | 'removed' | 'changed'; from?: unknown; to?: unknown; document?: DocumentIdentity }
  | { file: string; kind: 'text'; patch: string; warning?: string; summary?: string; fromSize?: number; toSize?: number }
  | { file: string; kind: 'binary'; status: string; fromSize?: number; toSize?: number }
  | { file: string; kind: 'secret'; status: string; fromSize?: number; toSize?: number; fromTag?: string; toTag?: string }
  | { file: string; path: unknown[]; pathText: string; kind: 'reordered'; by: string; from: unknown[]; to: unknown[]; document?: DocumentIdentity }
  | { file: string; kind: 'mode'; from: string; to: string }
  | { file: string; kind: 'link'; status: string; from?: string; to?: string }
  | { file: string; kind: 'formatting' };

/**
 * Flattens file diffs into the stable `--json` rows: tree changes as
 * `{file, path, pathText, kind, from, to}` (a list whose entries changed order
 * as `kind: 'reordered'`, `by` the identity key or `value`, from/to the
 * entries' identities, or values, in old and new order; docs/diff-json.md), symlinks as `{file, kind: 'link', status, from, to}` (targets), other
 * files as `{file, kind: 'text', patch}`. In a multi-document file matched by
 * Kubernetes identity, tree rows add `document: {apiVersion, kind, namespace?, name}`.
 */
export function diffsToJson(diffs: readonly FileDiff[]): DiffJsonRow[] {
  const rows: DiffJsonRow[] = [];
  for (const d of diffs) {
    if (d.fromMode && d.toMode) rows.push({ file: d.file, kind: 'mode', from: d.fromMode, to: d.toMode });
    if (d.secret) rows.push({ file: d.file, kind: 'secret', status: d.status, fromSize: d.fromSize, toSize: d.toSize, ...d.secret });
    else if (d.format === 'link') rows.push({ file: d.file, kind: 'link', status: d.status, ...d.link });
    else if (d.format === 'binary') rows.push({ file: d.file, kind: 'binary', status: d.status, fromSize: d.fromSize, toSize: d.toSize });
    else if (d.format === 'text') {
      const extra = d.summary ? { summary: d.summary, fromSize: d.fromSize, toSize: d.toSize } : {};
      rows.push({ file: d.file, kind: 'text', patch: d.patch ?? '', ...(d.warning ? { warning: d.warning } : {}), ...extra });
    }
    else if (d.formattingOnly) rows.push({ file: d.file, kind: 'formatting' });
    for (const c of d.changes as readonly (FieldChange & { reorder?: boolean; orderKey?: string; document?: DocumentIdentity })[]) {
      const doc = c.document ? { document: c.document } : {};
      if (c.reorder === true) {
        const by = c.orderKey ?? 'value';
        rows.push({ file: d.file, path: c.path, pathText: c.pathText, kind: 'reordered', by, from: c.from as unknown[], to: c.to as unknown[], ...doc });
        continue;
      }
      const row: DiffJsonRow = { file: d.file, path: c.path, pathText: c.pathText, kind: c.kind };
      if (c.kind !== 'added') row.from = c.from;
      if (c.kind !== 'removed') row.to = c.to;
      rows.push(c.document ? { ...row, document: c.document } : row);
    }
  }
  return rows;
}

/** Bytes of JSON text handed to `write` at a time. */
const JSON_CHUNK_CHARS = 1 << 20;

/**
 * Writes `diffsToJson(diffs)` as `JSON.stringify(rows, null, 2)` would print it,
 * plus a newline, one row at a time in ~1 MiB chunks: a diff of 130,000 fields
 * never holds its whole 19 MB text at once.
 * @example writeDiffJson(diffs, deps.stdout)
 */
export function writeDiffJson(diffs: readonly FileDiff[], write: (text: string) => void): void {
  const rows = diffsToJson(diffs);
  if (rows.length === 0) return write('[]\n');
  let buf = '[\n';
  rows.forEach((row, i) => {
    buf += `  ${JSON.stringify(row, null, 2).replaceAll('\n', '\n  ')}${i + 1 < rows.length ? ',\n' : '\n]\n'}`;
    if (buf.length >= JSON_CHUNK_CHARS) {
      write(buf);
      buf = '';
    }
  });
  if (buf !== '') write(buf);
}
