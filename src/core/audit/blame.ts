import { CfgtrailError } from '../errors.js';
import type { AuditEntry, PathSegment } from '../types.js';
import type { Store } from '../store/open.js';
import { storeRedaction } from '../store/redact-store.js';
import { parseConfig } from '../diff/parse-config.js';
import { isBinary } from '../diff/diff-file.js';
import { changeTouchesLeaf, fieldLeaves, type Leaf } from '../diff/field-leaves.js';
import { parsePathText } from '../diff/path-text.js';
import { redactChanges } from '../diff/redact.js';
import { redactText } from '../diff/redact-lines.js';
import { jsDiff } from '../lazy.js';
import { quotePath } from '../path-name.js';
import { damageWarning, syncIndexForRead } from './index-sync.js';
import { resolveRev } from './revs.js';
import { fileAt, fileChanges, type FileChangeEntry } from './file-history.js';

/** The change that last set a field or line. */
export interface BlameChange {
  commit: string;
  changeId: string | null;
  author: AuditEntry['author'];
  date: string;
  title: string;
}

export interface BlameField {
  path: PathSegment[];
  pathText: string;
  /** The current value, secrets redacted unless asked otherwise. */
  value: unknown;
  change: BlameChange;
}

export interface BlameLine {
  /** 1-based, in the file at the blamed revision. */
  line: number;
  text: string;
  change: BlameChange;
}

export type BlameResult =
  | { file: string; commit: string; format: 'fields'; fields: BlameField[] }
  | { file: string; commit: string; format: 'lines'; lines: BlameLine[] };

export interface BlameOptions {
  /** Revision to blame at. @default 'HEAD' */
  rev?: string;
  showSecrets?: boolean;
  warn?: (line: string) => void;
}

/**
 * Who last set each field (YAML/JSON) or line (other text) of `file` at a
 * revision, answered from the index's per-commit field paths: only the file
 * at that revision is read and parsed. Key-matched list entries keep their
 * identity when they move (an order change sets nothing).
 * @param file root-relative path
 * @throws CfgtrailError BAD_INPUT when the file is not in the revision or is binary
 * @example await blameFile(store, 'config.yaml', { rev: 'HEAD~2' })
 */
export async function blameFile(store: Store, file: string, opts: BlameOptions = {}): Promise<BlameResult> {
  const index = await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) opts.warn?.(`${damage}\n`);
  const commit = resolveRev(store, index, opts.rev ?? 'HEAD');
  const entry = fileAt(store, commit, file);
  if (!entry) throw new CfgtrailError('BAD_INPUT', `${quotePath(file)} is not in ${opts.rev ?? 'HEAD'} (${commit.slice(0, 12)})`, { file, commit });
  const content = store.objects.read(entry.oid).content;
  if (entry.mode === '120000' || isBinary(content)) throw new CfgtrailError('BAD_INPUT', `${quotePath(file)} is ${entry.mode === '120000' ? 'a symlink' : 'binary'}: blame reads text and YAML/JSON files`, { file });
  const changes = fileChanges(index, commit, file);
  const redaction = storeRedaction(store);
  // over diff_max_bytes the index records no field paths: such a file is blamed by line
  const small = content.length <= store.settings.diffMaxBytes;
  const parsed = small ? parseConfig(file, content, { schema: store.settings.yamlSchema }) : null;
  if (parsed?.ok && !redaction.isSecretFile(file)) {
    const fields = blameFields(fieldLeaves(parsed.docs), changes);
    if (!opts.showSecrets) redactValues(fields, file, redaction.redactor);
    return { file, commit, format: 'fields', fields };
  }
  const lines = blameLines(store, file, changes);
  const shown = opts.showSecrets ? lines : redactLines(lines, redaction, file);
  return { file, commit, format: 'lines', lines: shown };
}

/**
 * Each leaf's newest change: the first commit, walking back, whose recorded
 * paths touch it. A change the index could not compare by field (the version
 * before it did not parse, or was too large) set everything not found yet.
 */
export function blameFields(leaves: Leaf[], changes: readonly FileChangeEntry[]): BlameField[] {
  const found = new Array<BlameChange | undefined>(leaves.length);
  // leaves by their first key, so a change is compared only with the leaves it can touch
  const byTop = new Map<string, number[]>();
  const all = leaves.map((_, i) => i);
  leaves.forEach((leaf, i) => {
    const k = topKey(leaf.path[0]);
    const list = byTop.get(k);
    if (list) list.push(i);
    else byTop.set(k, [i]);
  });
  let left = leaves.length;
  for (const c of changes) {
    if (left === 0) break;
    const paths = c.fields.flatMap((t) => {
      try {
        return [parsePathText(t)];
      } catch {
        return []; // recorded before path syntax was checked: not a path blame can match
      }
    });
    const ref = changeRef(c.entry);
    for (const path of paths) {
      // a document-less path, the whole file or a position may touch any leaf
      const candidates = path.length === 0 || typeof path[0] !== 'string' || leaves[0]?.steps[0]?.doc ? all : (byTop.get(topKey(path[0])) ?? []);
      for (const i of candidates) {
        if (found[i] === undefined && changeTouchesLeaf(path, leaves[i]!)) {
          found[i] = ref;
          left--;
        }
      }
    }
    // the file was created here (or first parsed here): whatever no later change touched has been as it is since
    if (c.status === 'added' || c.status === 'typechange' || c.notCompared) {
      for (let i = 0; i < found.length; i++) found[i] ??= ref;
      left = 0;
    }
  }
  const oldest = changes.length > 0 ? changeRef(changes[changes.length - 1]!.entry) : null;
  return leaves.map((leaf, i) => ({ path: leaf.path, pathText: leaf.pathText, value: leaf.value, change: (found[i] ?? oldest)! }));
}

function topKey(seg: PathSegment | undefined): string {
  return typeof seg === 'string' ? seg : '';
}

function changeRef(e: AuditEntry): BlameChange {
  return { commit: e.commit, changeId: e.changeId, author: e.author, date: e.date, title: e.title };
}

function redactValues(fields: BlameField[], file: string, redactor: ReturnType<typeof storeRedaction>['redactor']): void {
  const rows = redactChanges(fields.map((f) => ({ file, path: f.path, pathText: f.pathText, kind: 'added' as const, to: f.value })), redactor);
  rows.forEach((r, i) => {
    fields[i]!.value = r.to;
    fields[i]!.pathText = r.pathText;
    fields[i]!.path = r.path;
  });
}

/**
 * Line blame over the file's versions, newest first: each version is diffed
 * with the one before it (jsdiff's Myers diff, as git's default), lines it
 * added are that change's, and the rest are followed into the older version.
 */
function blameLines(store: Store, file: string, changes: readonly FileChangeEntry[]): BlameLine[] {
  const textAt = (c: FileChangeEntry): string[] => {
    const e = fileAt(store, c.entry.commit, file);
    return e ? splitLines(store.objects.read(e.oid).content.toString('utf8')) : [];
  };
  if (changes.length === 0) return [];
  const current = textAt(changes[0]!);
  const owner = new Array<BlameChange | undefined>(current.length);
  // where each current line sits in the version being looked at (-1: already attributed)
  let at = current.map((_, i) => i);
  let version = current;
  for (let k = 0; k < changes.length; k++) {
    const c = changes[k]!;
    const older = k + 1 < changes.length && c.status !== 'added' ? textAt(changes[k + 1]!) : [];
    const map = lineMap(older, version);
    const ref = changeRef(c.entry);
    at = at.map((pos, i) => {
      if (pos < 0) return -1;
      const back = map[pos]!;
      if (back < 0) owner[i] = ref;
      return back;
    });
    if (at.every((p) => p < 0)) break;
    version = older;
  }
  const last = changeRef(changes[changes.length - 1]!.entry);
  return current.map((text, i) => ({ line: i + 1, text, change: owner[i] ?? last }));
}

/** For each line of `b`, its line in `a` when the diff keeps it, else -1. */
function lineMap(a: string[], b: string[]): number[] {
  const out = new Array<number>(b.length).fill(-1);
  let i = 0;
  let j = 0;
  for (const part of jsDiff().diffArrays(a, b)) {
    const n = part.count ?? part.value.length;
    if (part.added) j += n;
    else if (part.removed) i += n;
    else for (let k = 0; k < n; k++) out[j++] = i++;
  }
  return out;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines with secrets hidden as `diff` hides them; a `secret_files` file shows only a tag per line. */
function redactLines(lines: BlameLine[], redaction: ReturnType<typeof storeRedaction>, file: string): BlameLine[] {
  const { rules, tag } = redaction.redactor;
  const secretFile = redaction.isSecretFile(file);
  const text = redactText(lines.map((l) => l.text).join('\n'), rules, tag).split('\n');
  return lines.map((l, i) => ({ ...l, text: secretFile ? tag(l.text) : text.length === lines.length ? text[i]! : tag(l.text) }));
}
