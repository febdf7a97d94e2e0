/** The `files_modified` part of a change record: each file's field or line changes, its mode, and why it shows less. */
import type { AuditEntry, FieldChange, FileDiff, FileStatus } from '../types.js';
import { lineChanges } from './line-changes.js';

export interface FileRecord {
  path: string;
  status: FileStatus;
  mode?: { from: string; to: string };
  changes: object[];
  note?: string;
}

/**
 * Files in the commit's order; a file only the diff names (a permission
 * change) is added after them. Tree files list field changes, text files
 * their changed lines; `mode` appears when the permissions changed.
 * @example filesModified(entry.files, diffs)
 */
export function filesModified(files: AuditEntry['files'], diffs: readonly FileDiff[]): FileRecord[] {
  const byPath = new Map<string, FileRecord>();
  for (const f of files) byPath.set(f.path, { path: f.path, status: f.status, changes: [] });
  for (const d of diffs) {
    let rec = byPath.get(d.file);
    if (!rec) {
      rec = { path: d.file, status: d.status, changes: [] };
      byPath.set(d.file, rec);
    }
    if (d.fromMode !== undefined && d.toMode !== undefined && d.fromMode !== d.toMode) {
      const { changes, ...head } = rec;
      rec = { ...head, mode: { from: d.fromMode, to: d.toMode }, changes };
      byPath.set(d.file, rec);
    }
    rec.changes.push(...d.changes.map(fieldRecord));
    if (d.patch !== undefined) rec.changes.push(...lineChanges(d.patch));
    const note = fileNote(d);
    if (note) rec.note = rec.note ? `${rec.note}; ${note}` : note;
  }
  return [...byPath.values()];
}

/** Why `changes` shows less than the whole change: a secret or binary file, a partial diff, a file that did not parse. */
function fileNote(d: FileDiff): string | null {
  const sizes = `${d.fromSize ?? 0} → ${d.toSize ?? 0} bytes`;
  if (d.secret) return `secret file, content not shown (${d.secret.fromTag ?? 'none'} → ${d.secret.toTag ?? 'none'}, ${sizes})`;
  if (d.format === 'binary') return `binary, ${sizes}`;
  if (d.format === 'link') return `symlink, target ${[d.link?.from, d.link?.to].filter((t) => t !== undefined).join(' → ')}`;
  return [d.summary, d.warning && `compared as text: ${d.warning}`].filter(Boolean).join('; ') || null;
}

/** An added field has no `from` and a removed one no `to` (a `null` there is a real null); an order change says so in `kind`. */
function fieldRecord(c: FieldChange & { reorder?: boolean }): object {
  const out: Record<string, unknown> = { field: c.pathText };
  if (c.reorder === true) out.kind = 'reordered';
  if (c.kind !== 'added') out.from = c.from ?? null;
  if (c.kind !== 'removed') out.to = c.to ?? null;
  return out;
}
