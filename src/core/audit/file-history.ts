import type { AuditEntry, FileStatus } from '../types.js';
import { eachLineWith, splitLine, type IndexData } from './index-store.js';
import { eachFirstParent } from './first-parent.js';
import { REORDER_MARK } from './filter.js';

/** One commit that changed a file, as the index records it. */
export interface FileChangeEntry {
  entry: AuditEntry;
  /** The file's status in this commit. */
  status: FileStatus;
  /** Field paths this commit changed in the file (none for text files or formatting-only changes). */
  fields: string[];
  /** Key-matched lists of the file whose entries only changed order. */
  reorders: string[];
}

/**
 * The commits on `from`'s first-parent line that changed `path`, newest
 * first, answered from the index: only the lines that name the file are read.
 * @example fileChanges(index, head, 'config.yaml')[0].fields // ['database.pool.max']
 */
export function fileChanges(index: IndexData, from: string, path: string): FileChangeEntry[] {
  const line = firstParentLine(index, from);
  const out: FileChangeEntry[] = [];
  const needle = `"path":${JSON.stringify(path)},`;
  eachLineWith(index, needle, (text) => {
    const col = splitLine(text);
    if (!col || !line.has(col.oid)) return true;
    const entry = JSON.parse(col.json) as AuditEntry;
    const file = entry.files.find((f) => f.path === path);
    if (!file) return true;
    out.push({ entry, status: file.status, ...recordedFields(col.fields, path) });
    return true;
  });
  return out;
}

/** The commit ids on `from`'s first-parent line. */
export function firstParentLine(index: IndexData, from: string): Set<string> {
  const line = new Set<string>();
  eachFirstParent(index, from, (e) => {
    line.add(e.oid);
    return true;
  });
  return line;
}

/** The field paths an index line's fields column records for `path`, order changes apart. */
function recordedFields(column: string, path: string): { fields: string[]; reorders: string[] } {
  const fields: string[] = [];
  const reorders: string[] = [];
  if (column === '') return { fields, reorders };
  // recordLine replaced separators in names with spaces: compare the same way
  const name = path.replace(/[\t\n\r\x1e\x1f]/g, ' ');
  for (const item of column.split('\x1f')) {
    const sep = item.indexOf('\x1e');
    if (item.slice(0, sep) !== name) continue;
    const text = item.slice(sep + 1);
    if (text.startsWith(REORDER_MARK)) reorders.push(text.slice(1));
    else fields.push(text);
  }
  return { fields, reorders };
}
