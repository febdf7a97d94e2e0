import type { AuditEntry, FileStatus } from '../types.js';
import { eachLineWith, splitLine, type IndexData } from './index-store.js';
import { eachFirstParent } from './first-parent.js';
import { NOT_COMPARED_MARK, orderChangePath } from './index-marks.js';
import type { Store } from '../store/open.js';
import { parseCommit } from '../git/commit.js';
import { entryAtPath } from '../git/tree.js';

/** One commit that changed a file, as the index records it. */
export interface FileChangeEntry {
  entry: AuditEntry;
  /** The file's status in this commit. */
  status: FileStatus;
  /** Field paths this commit changed in the file (none for text files or formatting-only changes). */
  fields: string[];
  /** Key-matched lists of the file whose entries only changed order. */
  reorders: string[];
  /** The file could not be compared field by field here (a side did not parse, or was too large). */
  notCompared: boolean;
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

/** Whether commit `oid` is on the first-parent line the index holds for `from`. */
type OnLine = { has(oid: string): boolean };

/**
 * The commit ids on `from`'s first-parent line. When no commit in the index
 * has two parents, that line is every line up to `from`'s own (the index
 * lists ancestors oldest first), found without walking it.
 */
export function firstParentLine(index: IndexData, from: string): OnLine {
  const bytes = index.bytes;
  const end = bytes.indexOf(`${from}\t`);
  if (end >= 0 && !hasMerge(bytes)) {
    // the lines after `from`'s are the commits newer than it: the only ones off its line
    const newer = new Set<string>();
    for (let at = bytes.indexOf(10, end) + 1; at > 0 && at < bytes.length; at = bytes.indexOf(10, at) + 1) newer.add(bytes.toString('latin1', at, at + 40));
    return { has: (oid) => !newer.has(oid) };
  }
  const line = new Set<string>();
  eachFirstParent(index, from, (e) => {
    line.add(e.oid);
    return true;
  });
  return line;
}

const PARENTS = Buffer.from('"parents":["');

/** Whether some index entry lists a second parent (`"parents":["<oid>","`). */
function hasMerge(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(PARENTS); at >= 0; at = bytes.indexOf(PARENTS, at + 1)) {
    const after = at + PARENTS.length + 40;
    if (bytes[after] === 0x22 && bytes[after + 1] === 0x2c) return true; // `",`
  }
  return false;
}

/** The field paths an index line's fields column records for `path`, order changes apart. */
function recordedFields(column: string, path: string): { fields: string[]; reorders: string[]; notCompared: boolean } {
  const fields: string[] = [];
  const reorders: string[] = [];
  let notCompared = false;
  if (column === '') return { fields, reorders, notCompared };
  // recordLine replaced separators in names with spaces: compare the same way
  const name = path.replace(/[\t\n\r\x1e\x1f]/g, ' ');
  for (const item of column.split('\x1f')) {
    const sep = item.indexOf('\x1e');
    if (item.slice(0, sep) !== name) continue;
    const text = item.slice(sep + 1);
    const order = orderChangePath(text);
    if (text === NOT_COMPARED_MARK) notCompared = true;
    else if (order !== null) reorders.push(order);
    else fields.push(text);
  }
  return { fields, reorders, notCompared };
}

/** The tree entry of `path` in `commit`, reading only the trees on its way; null when absent. */
export function fileAt(store: Store, commit: string, path: string): { mode: string; oid: string } | null {
  return entryAtPath(store.objects, parseCommit(store.objects.read(commit).content).tree, path);
}
