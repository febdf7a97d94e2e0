import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import { SETTINGS_FILE } from './settings.js';
import { SETTINGS_SCHEMA } from './settings-schema.js';

/** Beside settings.yaml: the exact text last found valid, and by which code. */
export const CHECKED_FILE = 'cfgtrail-settings.checked';

/**
 * Runs `check` (which throws on bad settings) unless this very settings text
 * already passed it under this cfgtrail version and schema. Every command
 * checks the settings, but `log` needs none of their values, and a settings
 * file the plain-YAML fast path cannot read (flow lists such as
 * `files: ["a.yaml"]`, as the README writes services) would otherwise load the
 * yaml package on every query. The result depends only on the text and the
 * code, so an exact copy of the text is the whole cache; a store that cannot
 * be written just checks every time. Why and how much: docs/decisions.md.
 *
 * @example ensureSettingsChecked(store.gitdir, () => void store.settings)
 */
export function ensureSettingsChecked(gitdir: string, check: () => void): void {
  let text: string;
  try {
    text = readFileSync(join(gitdir, SETTINGS_FILE), 'utf8');
  } catch {
    return check(); // missing or unreadable: the check says which
  }
  const stamp = `${fingerprint()}\n${text}`;
  const file = join(gitdir, CHECKED_FILE);
  try {
    if (readFileSync(file, 'utf8') === stamp) return;
  } catch {
    // not checked yet
  }
  check();
  try {
    // Whole or not at all: a torn stamp never equals a real one, so it only costs a check.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, stamp);
    renameSync(tmp, file);
  } catch {
    // a read-only store: the next command checks again
  }
}

let cached: string | undefined;

/** What the verdict depends on besides the text: the code's version and the schema. */
function fingerprint(): string {
  cached ??= `cfgtrail ${pkg.version} ${JSON.stringify(SETTINGS_SCHEMA).length}:${hash(JSON.stringify(SETTINGS_SCHEMA))}`;
  return cached;
}

/** FNV-1a, enough to tell two schema texts apart (not a security check). */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
