import { findStore, type StoreLocation } from './locate.js';
import { join } from 'node:path';
import { parseSettings, readSettingsText, SETTINGS_FILE, type Settings } from './settings.js';
import { openObjectStore, type ObjectStore } from '../git/objects.js';

/** An opened store: where it is, its settings, and a reader for its objects. */
export interface Store extends StoreLocation {
  /** Read and checked on first use: an audit query that needs none skips parsing YAML. */
  readonly settings: Settings;
  /** settings.yaml's text (null: none), read once on first use, for `settings` and the settings stamp. */
  readonly settingsText: string | null;
  objects: ObjectStore;
  /** Where notes for the user go (a taken-over stale lock); the CLI prints them on stderr. */
  onNote?: (message: string) => void;
  /** Where warnings go (a FIFO the scan skipped); the CLI prints them on stderr. */
  onWarning?: (message: string) => void;
}

/** Finds the store above `start` and opens it. */
export function openStore(start: string, opts: Pick<Store, 'onNote' | 'onWarning'> = {}): Store {
  const loc = findStore(start);
  let settings: Settings | undefined;
  let text: string | null | undefined;
  return {
    ...loc,
    get settingsText() {
      if (text === undefined) text = readSettingsText(loc.gitdir);
      return text;
    },
    get settings() {
      settings ??= parseSettings(this.settingsText ?? '', join(loc.gitdir, SETTINGS_FILE));
      return settings;
    },
    objects: openObjectStore(loc.gitdir),
    ...(opts.onNote ? { onNote: opts.onNote } : {}),
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
  };
}
