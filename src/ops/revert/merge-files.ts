/**
 * What reverting one commit does to each file it changed: a three-way merge
 * per file with base = the reverted commit, ours = the live file (HEAD plus
 * any uncommitted edit) and theirs = the reverted commit's parent. YAML/JSON
 * by field, other text by line, binary files and symlinks whole. Pure apart
 * from reading the store's objects.
 */
import type { CommitFile } from '../../core/store/compare.js';
import { defaultPerm } from '../../core/store/compare.js';
import { blobOid, type LiveFile } from '../../core/store/scan.js';
import { isBinary } from '../../core/diff/diff-file.js';
import { mergeFields, type FieldConflict } from '../../core/diff/merge-fields.js';
import { mergeText } from '../../core/diff/merge-text.js';
import type { YamlSchema } from '../../core/diff/parse-config.js';
import type { IdentifierRule } from '../../core/diff/identifier-rules.js';

/** How a file was reverted, and which fields were settled by `--ours`/`--theirs`. */
export interface RevertedFile {
  path: string;
  how: 'whole' | 'fields' | 'lines' | 'mode';
  fields?: string[];
  kept?: string[];
  forced?: string[];
}

/** A file the revert cannot settle on its own. */
export interface RevertConflict {
  path: string;
  /** `changed-later`: the whole file (binary, symlink, deleted or re-created) changed after the reverted commit. */
  reason: 'fields' | 'lines' | 'changed-later';
  fields?: FieldConflict[];
  /** Lines in the live file where conflicting regions start. */
  lines?: number[];
}

export interface MergeInput {
  /** Files of the reverted commit (base) and of its parent (theirs). */
  base: Map<string, CommitFile>;
  theirs: Map<string, CommitFile>;
  live: Map<string, LiveFile>;
  read: (oid: string) => Buffer;
  schema: YamlSchema;
  /** Identifier keys named per list (`list_identifiers`). */
  identifiers?: readonly IdentifierRule[];
  pick?: 'ours' | 'theirs';
}

/** New live state per path (null: delete), what was done, and what conflicts. */
export interface MergeOutcome {
  result: Map<string, LiveFile | null>;
  files: RevertedFile[];
  conflicts: RevertConflict[];
}

/** Reverts the files that differ between `base` and `theirs`, merging each with the live file. */
export function mergeRevert(input: MergeInput): MergeOutcome {
  const out: MergeOutcome = { result: new Map(), files: [], conflicts: [] };
  const paths = [...new Set([...input.base.keys(), ...input.theirs.keys()])].sort();
  for (const path of paths) {
    const b = input.base.get(path);
    const t = input.theirs.get(path);
    if (b && t && b.oid === t.oid && b.mode === t.mode && permOf(b) === permOf(t)) continue;
    mergeOne(input, path, b, t, out);
  }
  return out;
}

function mergeOne(input: MergeInput, path: string, b: CommitFile | undefined, t: CommitFile | undefined, out: MergeOutcome): void {
  const o = input.live.get(path);
  const content = mergeContent(input, path, b, t, o, out);
  if (content === undefined) return; // a conflict, recorded
  if (content === null) {
    if (o) out.result.set(path, null);
    return;
  }
  // The mode goes back too, unless it was changed again later.
  const keepMode = o && b && (o.mode !== b.mode || o.perm !== permOf(b));
  const from = keepMode || !t ? { mode: o!.mode, perm: o!.perm } : { mode: t.mode, perm: permOf(t) };
  const owner = o ? { uid: o.uid, gid: o.gid } : { uid: t?.uid ?? 0, gid: t?.gid ?? 0 };
  const next: LiveFile = { ...from, ...owner, content: content.data, oid: content.oid };
  if (o && o.oid === next.oid && o.mode === next.mode && o.perm === next.perm) return;
  out.result.set(path, next);
  if (!content.how && !out.files.some((f) => f.path === path)) out.files.push({ path, how: 'mode' });
}

/** Merged content of one file: data, null (delete), or undefined (a conflict was recorded). */
function mergeContent(
  input: MergeInput, path: string, b: CommitFile | undefined, t: CommitFile | undefined, o: LiveFile | undefined, out: MergeOutcome,
): { data: Buffer; oid: string; how?: boolean } | null | undefined {
  const whole = (f: CommitFile | undefined) => {
    out.files.push({ path, how: 'whole' });
    return f ? { data: input.read(f.oid), oid: f.oid, how: true } : null;
  };
  if (b?.oid === t?.oid) return o ? { data: o.content, oid: o.oid } : null; // only the mode changed
  if (o?.oid === b?.oid) return whole(t); // unchanged since: take the old version whole
  if (o?.oid === t?.oid) return o ? { data: o.content, oid: o.oid } : null; // already as before
  const textual = o && b && t && ![o.mode, b.mode, t.mode].includes('120000');
  const [bd, td] = textual ? [input.read(b.oid), input.read(t.oid)] : [null, null];
  if (!textual || isBinary(o.content) || isBinary(bd!) || isBinary(td!)) {
    if (input.pick === 'ours') return o ? { data: o.content, oid: o.oid } : null;
    if (input.pick === 'theirs') return whole(t);
    out.conflicts.push({ path, reason: 'changed-later' });
    return undefined;
  }
  const utf8 = [bd!, o.content, td!].map((d) => d.toString('utf8'));
  // Field merges read UTF-8; a file that is not (Latin-1 text) is merged byte for byte by line.
  const isUtf8 = utf8.every((text, i) => Buffer.from(text, 'utf8').equals([bd!, o.content, td!][i]!));
  const fields = isUtf8 ? mergeFields(path, utf8[0]!, utf8[1]!, utf8[2]!, { schema: input.schema, identifiers: input.identifiers, ...(input.pick ? { pick: input.pick } : {}) }) : null;
  if (fields && !fields.ok) {
    out.conflicts.push({ path, reason: 'fields', fields: fields.conflicts });
    return undefined;
  }
  if (fields) {
    out.files.push({ path, how: 'fields', fields: fields.applied, ...(fields.kept.length ? { kept: fields.kept } : {}), ...(fields.forced.length ? { forced: fields.forced } : {}) });
    return textResult(Buffer.from(fields.text, 'utf8'));
  }
  const lines = mergeText(bd!.toString('latin1'), o.content.toString('latin1'), td!.toString('latin1'), input.pick);
  if (!lines.ok) {
    out.conflicts.push({ path, reason: 'lines', lines: lines.conflicts.map((c) => c.line) });
    return undefined;
  }
  out.files.push({ path, how: 'lines' });
  return textResult(Buffer.from(lines.text, 'latin1'));
}

function textResult(data: Buffer): { data: Buffer; oid: string; how: boolean } {
  return { data, oid: blobOid(data), how: true };
}

function permOf(f: CommitFile): number {
  return f.perm ?? defaultPerm(f.mode);
}
