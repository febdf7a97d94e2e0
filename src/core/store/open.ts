import { findStore, type StoreLocation } from './locate.js';
import { loadSettings, type Settings } from './settings.js';
import { openObjectStore, type ObjectStore } from '../repo/objects.js';

/** An opened store: where it is, its settings, and a reader for its objects. */
export interface Store extends StoreLocation {
  settings: Settings;
  objects: ObjectStore;
  /** Shared isomorphic-git cache: without it every call re-reads packs. */
  igCache: object;
}

/** Finds the store above `start` and opens it. */
export function openStore(start: string): Store {
  const loc = findStore(start);
  return { ...loc, settings: loadSettings(loc.gitdir), objects: openObjectStore(loc.gitdir), igCache: {} };
}
