/**
 * `export`: one change record as YAML in the change-log shape operators keep
 * by hand (id, change_summary, risk, files_modified, approval, rollback_info).
 */
import { yamlLib } from '../../core/lazy.js';
import type { AuditEntry, FieldChange, FileStatus, Trailer } from '../../core/types.js';

/** What the caller knows about undoing the change, beyond the commit itself. */
export interface ExportRollback {
  /** The command that undoes this change. @default `cfgtrail rollback <parent>` (none for a root commit) */
  command?: string | null;
  /** Whether this change is itself a rollback. @default a `Rollback-Of` trailer is present */
  isRollback?: boolean;
}

/** Extra context for {@link formatExport}. */
export interface ExportExtra {
  rollback?: ExportRollback;
}

/**
 * Characters a YAML reader may refuse or rewrite when written raw (controls,
 * DEL, C1 incl. NEL, line/paragraph separators, BOM, non-characters, lone
 * surrogates). The yaml package writes them raw even inside double quotes.
 */
const UNSAFE_SRC = String.raw`[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]`;
const UNSAFE = new RegExp(UNSAFE_SRC);
const UNSAFE_ALL = new RegExp(UNSAFE_SRC, 'g');

/** Trailers that have their own place in the record; the rest go to `other_trailers`. */
const KNOWN = ['change-id', 'risk', 'ticket', 'requested-by', 'component', 'depends-on', 'approved-by', 'rollback-of'];

/**
 * The change record as YAML. Strings that a YAML 1.1 reader (PyYAML, Kubernetes
 * tools) would take for booleans, numbers or dates are quoted, so every reader
 * gets the same values back. `changes` are shown as given: redact secrets first.
 *
 * @example formatExport(entry, diffs.flatMap((d) => d.changes))
 */
export function formatExport(entry: AuditEntry, changes: readonly FieldChange[], extra: ExportExtra = {}): string {
  const { Document, isCollection, visit } = yamlLib();
  const doc = new Document(exportRecord(entry, changes, extra), { schema: 'yaml-1.1', aliasDuplicateObjects: false });
  // Short records read best on one line, as in hand-written change logs.
  for (const path of [['author'], ['affected_components'], ['dependencies'], ['approval'], ['approval', 'approved_by']]) {
    const node = doc.getIn(path, true);
    if (isCollection(node)) node.flow = true;
  }
  // Strings holding unsafe characters are double-quoted, so those characters
  // occur nowhere else in the text and can be replaced by escapes afterwards.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && UNSAFE.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 }).replace(UNSAFE_ALL, escapeChar);
}

function escapeChar(ch: string): string {
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The record as plain data, in the key order it is printed in. */
export function exportRecord(entry: AuditEntry, changes: readonly FieldChange[], extra: ExportExtra = {}): object {
  const values = (key: string) => trailerValues(entry.trailers, key);
  const approvedBy = values('Approved-By');
  const parent = entry.parents[0] ?? null;
  return {
    id: entry.changeId,
    commit: entry.commit,
    timestamp: entry.date,
    author: { name: entry.author.name, email: entry.author.email },
    change_summary: { title: entry.title, description: entry.body },
    risk: values('Risk')[0] ?? null,
    ticket: values('Ticket')[0] ?? null,
    requested_by: values('Requested-By')[0] ?? null,
    affected_components: values('Component').flatMap((v) => v.split(',').map((c) => c.trim()).filter(Boolean)),
    files_modified: filesModified(entry.files, changes),
    dependencies: values('Depends-On'),
    approval: { approved_by: approvedBy, approved: approvedBy.length > 0 },
    rollback_info: {
      parent,
      command: extra.rollback?.command !== undefined ? extra.rollback.command : parent && `cfgtrail rollback ${parent}`,
      is_rollback: extra.rollback?.isRollback ?? values('Rollback-Of').length > 0,
    },
    other_trailers: entry.trailers
      .filter((t) => !KNOWN.includes(t.key.toLowerCase()))
      .map((t) => ({ key: t.key, value: t.value })),
  };
}

function trailerValues(trailers: readonly Trailer[], key: string): string[] {
  const k = key.toLowerCase();
  return trailers.filter((t) => t.key.toLowerCase() === k).map((t) => t.value);
}

interface FileRecord {
  path: string;
  status: FileStatus;
  changes: Record<string, unknown>[];
}

/** Files in the commit's order; changes to a file the entry does not list still get one. */
function filesModified(files: AuditEntry['files'], changes: readonly FieldChange[]): FileRecord[] {
  const byPath = new Map<string, FileRecord>();
  for (const f of files) byPath.set(f.path, { path: f.path, status: f.status, changes: [] });
  for (const c of changes) {
    let rec = byPath.get(c.file);
    if (!rec) {
      rec = { path: c.file, status: 'modified', changes: [] };
      byPath.set(c.file, rec);
    }
    rec.changes.push(changeRecord(c));
  }
  return [...byPath.values()];
}

/** An added field has no `from` and a removed one no `to` (a `null` there is a real null). */
function changeRecord(c: FieldChange): Record<string, unknown> {
  const out: Record<string, unknown> = { field: c.pathText };
  if (c.kind !== 'added') out.from = c.from ?? null;
  if (c.kind !== 'removed') out.to = c.to ?? null;
  return out;
}
