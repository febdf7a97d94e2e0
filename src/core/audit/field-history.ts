import { isDeepStrictEqual } from 'node:util';
import type { AuditEntry, PathSegment } from '../types.js';
import type { Store } from '../store/open.js';
import { CfgtrailError } from '../errors.js';
import { storeRedaction } from '../store/redact-store.js';
import { FAST_YAML_MIN_BYTES, parseConfig, treeFormatOf, type ParseOptions } from '../diff/parse-config.js';
import { topLevelEntry } from '../diff/top-level-entry.js';
import { isPlainObject } from '../diff/diff-trees.js';
import type { PieceMemo } from '../diff/chunked-yaml.js';
import { valueAtPath } from '../diff/field-leaves.js';
import { orderChangeMatches, segmentsMatch } from '../diff/field-match.js';
import { parsePathText } from '../diff/path-text.js';
import { redactChanges } from '../diff/redact.js';
import { damageWarning, syncIndexForRead } from './index-sync.js';
import { queryIndex } from './query.js';
import { resolveRev } from './revs.js';
import { fileAt, fileChanges, type FileChangeEntry } from './file-history.js';
import { findRenameSource } from './renames.js';
import type { BlameChange } from './blame.js';
import type { IndexData } from './index-store.js';

/** One value a field had, and the change that set it. */
export interface FieldValue {
  file: string;
  /** False when the change removed the field (or its file). */
  present: boolean;
  value?: unknown;
  change: BlameChange;
}

export interface FieldHistory {
  field: string;
  /** Newest first; a change that left the field's value as it was is not listed. */
  values: FieldValue[];
  /** Renames followed (`--follow`), newest first. */
  renames: { from: string; to: string; commit: string }[];
}

export interface FieldHistoryOptions {
  /** Only this (root-relative) file; required for `follow`. */
  file?: string;
  /** Follow the file across renames, found by content as git finds them. */
  follow?: boolean;
  showSecrets?: boolean;
  warn?: (line: string) => void;
}

/**
 * Every value a field has had on HEAD's history, newest first, with the change
 * that set it. The index names the commits that touched the field; only the
 * file at those commits is read (large YAML files share their unchanged
 * pieces across versions).
 * @throws CfgtrailError BAD_INPUT for bad path syntax, or `follow` without a file
 * @example (await fieldHistory(store, 'database.pool.max', { file: 'config.yaml' })).values[0].value // 50
 */
export async function fieldHistory(store: Store, field: string, opts: FieldHistoryOptions = {}): Promise<FieldHistory> {
  const query = parsePathText(field);
  if (opts.follow && opts.file === undefined) throw new CfgtrailError('BAD_INPUT', '--follow needs --file (the file to follow across renames)');
  const index = await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) opts.warn?.(`${damage}\n`);
  const head = resolveRev(store, index, 'HEAD');
  const files = opts.file !== undefined ? [opts.file] : filesWithField(index, field);
  const renames: FieldHistory['renames'] = [];
  const kept: FieldValue[] = [];
  for (const file of files) {
    const lineage: FieldValue[] = [];
    let from = head;
    let name = file;
    for (;;) {
      const all = fileChanges(index, from, name);
      lineage.push(...valuesOf(store, name, all.filter((c) => touches(c, query)), query));
      const created = all.at(-1);
      const parent = created?.entry.parents[0];
      if (!opts.follow || !created || created.status !== 'added' || parent === undefined) break;
      const source = findRenameSource(store, created.entry.commit, parent, name);
      if (source === null) break;
      renames.push({ from: source, to: name, commit: created.entry.commit });
      name = source;
      from = parent;
    }
    // a change that left the value as the change before it had set it did not set it
    kept.push(...lineage.filter((v, i) => {
      const older = lineage[i + 1];
      return older ? !(older.present === v.present && isDeepStrictEqual(older.value, v.value)) : v.present;
    }));
  }
  const at = new Map(kept.map((v) => [v.change.commit, index.bytes.indexOf(`${v.change.commit}\t`)]));
  kept.sort((a, b) => at.get(b.change.commit)! - at.get(a.change.commit)!);
  if (!opts.showSecrets) redact(store, kept, query);
  return { field, values: kept, renames };
}

/** Tree files whose recorded field paths touch the field, newest change first. */
function filesWithField(index: IndexData, field: string): string[] {
  const files = new Set<string>();
  for (const e of queryIndex(index, { field }).entries()) {
    for (const f of e.files) if (treeFormatOf(f.path) !== null) files.add(f.path);
  }
  return [...files];
}

function touches(c: FileChangeEntry, query: PathSegment[]): boolean {
  if (c.status === 'deleted' || c.status === 'added') return true;
  const matches = (texts: readonly string[], match: typeof segmentsMatch) => texts.some((t) => {
    try {
      return match(parsePathText(t), query);
    } catch {
      return false; // not path syntax: cannot name this field
    }
  });
  // an order change is a new value of the list or a parent, as the --field filter reads it
  return matches(c.fields, segmentsMatch) || matches(c.reorders, orderChangeMatches);
}

function valuesOf(store: Store, file: string, changes: readonly FileChangeEntry[], query: PathSegment[]): FieldValue[] {
  const memo: PieceMemo = new Map();
  return changes.map((c) => {
    const change = { commit: c.entry.commit, changeId: c.entry.changeId, author: c.entry.author, date: c.entry.date, title: c.entry.title };
    const blob = c.status === 'deleted' ? null : fileAt(store, c.entry.commit, file);
    const at = blob ? valueIn(file, store.objects.read(blob.oid).content, query, { schema: store.settings.yamlSchema, memo }) : { found: false };
    return at.found ? { file, present: true, value: at.value, change } : { file, present: false, change };
  });
}

/**
 * The field's value in one version of a file. A large YAML file whose top
 * level is a plain block map is read only in the top-level entry the field
 * lives in; anything that entry alone does not read as `{key: …}` (an alias
 * to an anchor elsewhere, say) is read whole.
 */
function valueIn(file: string, content: Buffer, query: PathSegment[], opts: ParseOptions): { found: boolean; value?: unknown } {
  const first = query[0];
  if (treeFormatOf(file) === 'yaml' && content.length >= FAST_YAML_MIN_BYTES && typeof first === 'string') {
    const entry = topLevelEntry(content.toString('utf8'), first);
    if (entry?.text === null) return { found: false };
    const part = entry ? parseConfig(file, Buffer.from(entry.text), { ...opts, fastMinBytes: 0 }) : null;
    const doc = part?.ok && part.docs.length === 1 ? part.docs[0] : undefined;
    if (isPlainObject(doc) && Object.keys(doc).length === 1 && Object.hasOwn(doc, first)) return valueAtPath([doc], query);
  }
  const parsed = parseConfig(file, content, opts);
  return parsed?.ok ? valueAtPath(parsed.docs, query) : { found: false };
}

function redact(store: Store, values: FieldValue[], path: PathSegment[]): void {
  const rows = redactChanges(values.map((v) => ({ file: v.file, path, pathText: '', kind: 'added' as const, to: v.value })), storeRedaction(store).redactor);
  rows.forEach((r, i) => {
    if (values[i]!.present) values[i]!.value = r.to;
  });
}

/** A field's value before and after one change, in one file (`log --field F -p`). */
export interface FieldStep {
  file: string;
  /** Absent when the field did not exist before the change. */
  from?: unknown;
  /** Absent when the change removed the field. */
  to?: unknown;
}

/**
 * For each of `entries` (changes `log --field` found), the field's value in
 * each YAML/JSON file the change touched where the value differs before and
 * after it, secrets redacted unless `showSecrets`.
 * @example fieldSteps(store, 'database.pool.max', entries).get(commit) // [{ file: 'config.yaml', from: 20, to: 50 }]
 */
export function fieldSteps(store: Store, field: string, entries: readonly AuditEntry[], showSecrets = false): Map<string, FieldStep[]> {
  const query = parsePathText(field.slice(fieldStart(field)));
  const only = fieldStart(field) > 0 ? field.slice(0, fieldStart(field) - 1) : null;
  const opts = { schema: store.settings.yamlSchema, memo: new Map() as PieceMemo };
  const out = new Map<string, FieldStep[]>();
  for (const e of entries) {
    const parent = e.parents[0];
    const steps: FieldStep[] = [];
    for (const f of e.files) {
      if (treeFormatOf(f.path) === null || (only !== null && f.path !== only && !f.path.startsWith(`${only}/`))) continue;
      const value = (commit: string | undefined) => {
        const blob = commit === undefined ? null : fileAt(store, commit, f.path);
        return blob ? valueIn(f.path, store.objects.read(blob.oid).content, query, opts) : { found: false };
      };
      const a = value(parent);
      const b = value(e.commit);
      if (a.found === b.found && isDeepStrictEqual(a.value, b.value)) continue;
      const step: FieldStep = { file: f.path };
      if (a.found) step.from = a.value;
      if (b.found) step.to = b.value;
      steps.push(step);
    }
    out.set(e.commit, showSecrets ? steps : redactSteps(store, steps, query));
  }
  return out;
}

/** Where the path starts in a `file:path` query whose file part names a YAML/JSON file, else 0. */
function fieldStart(field: string): number {
  const colon = field.indexOf(':');
  return colon > 0 && treeFormatOf(field.slice(0, colon)) !== null && !field.slice(0, colon).includes('"') ? colon + 1 : 0;
}

function redactSteps(store: Store, steps: FieldStep[], path: PathSegment[]): FieldStep[] {
  const rows = redactChanges(steps.map((s) => ({ ...s, path, pathText: '', kind: 'changed' as const })), storeRedaction(store).redactor);
  return rows.map(({ file, from, to }, i) => ({ file, ...(Object.hasOwn(steps[i]!, 'from') ? { from } : {}), ...(Object.hasOwn(steps[i]!, 'to') ? { to } : {}) }));
}
