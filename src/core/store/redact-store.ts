import type { FileDiff, FileStatus } from '../types.js';
import type { Store } from './open.js';
import { createRedactor, redactChanges, type Redactor } from '../diff/redact.js';
import { redactPatch } from '../diff/redact-patch.js';
import { redactLine } from '../diff/redact-text.js';
import { globToRegExp, matchesAny } from './glob.js';
import { readRedactKey } from './redact-key.js';

/** A store's redactor and `secret_files` matchers, made once per opened store. */
export interface StoreRedaction {
  redactor: Redactor;
  isSecretFile(path: string): boolean;
  /**
   * Redacts a text diff's patch knowing the two texts, so a hunk that starts
   * inside a private key or under `password: |` is read in that state.
   */
  patch(patch: string, before: string, after: string): string;
}

const byStore = new WeakMap<Store, StoreRedaction>();
/** Keys by store directory: a process that opens one store twice reads its key once. */
const keys = new Map<string, Buffer>();

function keyOf(gitdir: string): Buffer {
  let key = keys.get(gitdir);
  if (key === undefined) keys.set(gitdir, (key = readRedactKey(gitdir)));
  return key;
}

/**
 * The redaction of a store's diffs: its settings' rules, compiled once, and
 * its key, read only when a first value is hidden.
 * @throws CfgtrailError BAD_INPUT for a bad `secret_keys`/`secret_values` pattern.
 */
export function storeRedaction(store: Store): StoreRedaction {
  let r = byStore.get(store);
  if (r !== undefined) return r;
  const s = store.settings;
  const redactor = createRedactor({ keys: s.secretKeys ?? [], values: s.secretValues, key: () => keyOf(store.gitdir) });
  const globs = s.secretFiles.map((g) => globToRegExp(g));
  r = {
    redactor,
    isSecretFile: (path) => globs.length > 0 && matchesAny(path, globs),
    patch: (patch, before, after) => redactPatch(patch, redactor, { before, after }),
  };
  byStore.set(store, r);
  return r;
}

/** The diff of a `secret_files` file: sizes and a tag of each side's bytes, nothing of the content. */
export function secretFileDiff(r: StoreRedaction, file: string, status: FileStatus, before: Buffer | null, after: Buffer | null): FileDiff {
  const secret: NonNullable<FileDiff['secret']> = {};
  if (before !== null) secret.fromTag = r.redactor.tag(before);
  if (after !== null) secret.toTag = r.redactor.tag(after);
  return { file, status, format: 'binary', changes: [], fromSize: before?.length, toSize: after?.length, secret };
}

/**
 * Hides secrets in a diff's field changes and its parse warning. A patch
 * already redacted by `StoreRedaction.patch` is redacted once more on its own:
 * a patch that bypassed that hook (a large file's summary) is covered too, and
 * tags stay as they are.
 */
export function redactFileDiff(r: StoreRedaction, d: FileDiff): void {
  d.changes = redactChanges(d.changes, r.redactor);
  if (d.patch) d.patch = redactPatch(d.patch, r.redactor);
  if (d.warning !== undefined) d.warning = redactLine(d.warning, r.redactor.rules, r.redactor.tag);
}
