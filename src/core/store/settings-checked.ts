import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import pkg from '../../../package.json' with { type: 'json' };
import type { Store } from './open.js';
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
 * @example ensureSettingsChecked(store, () => void store.settings)
 */
export function ensureSettingsChecked(store: Pick<Store, 'gitdir' | 'settingsText'>, check: () => void): void {
  let text: string | null;
  try {
    text = store.settingsText;
  } catch {
    return check(); // unreadable: the check says so
  }
  if (text === null) return check(); // missing: the defaults are checked
  const stamp = `${fingerprint()}\n${text}`;
  const file = join(store.gitdir, CHECKED_FILE);
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

/** What the verdict depends on besides the text: the code's version and the schema (its length and CRC-32). */
function fingerprint(): string {
  // zlib's CRC-32 runs natively: a JavaScript hash loop over the schema text cost every command ~2 ms before the JIT warmed up.
  if (cached === undefined) {
    const schema = JSON.stringify(SETTINGS_SCHEMA);
    cached = `cfgtrail ${pkg.version} ${schema.length}:${crc32(schema).toString(16)}`;
  }
  return cached;
}
