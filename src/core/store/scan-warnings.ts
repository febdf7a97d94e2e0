import type { SpecialKind } from './live-dir.js';
import type { Store } from './open.js';
import { quotePath } from '../path-name.js';

const WHAT: Record<SpecialKind, string> = { fifo: 'a FIFO', socket: 'a socket', device: 'a device' };

/** Paths already warned about, per store: a snapshot or rollback scans twice but warns once. */
const warned = new WeakMap<Store, Set<string>>();

/**
 * The scan's `onSkip` for `store`: one warning per skipped special file,
 * through `store.onWarning` (the CLI prints it on stderr).
 */
export function warnSkipped(store: Store): (rel: string, kind: SpecialKind) => void {
  return (rel, kind) => {
    if (!store.onWarning) return;
    let seen = warned.get(store);
    if (!seen) warned.set(store, (seen = new Set()));
    if (seen.has(rel)) return;
    seen.add(rel);
    store.onWarning(`${quotePath(rel)}: skipped: ${WHAT[kind]}, not a regular file (only files and symlinks are tracked)`);
  };
}
