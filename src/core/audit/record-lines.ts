import type { ObjectStore } from '../git/objects.js';
import { buildRecord, type FlatTree, type ParseCache, type RecordOptions } from './record.js';
import { recordLine } from './index-store.js';

/** Index lines are encoded in pieces of about this many characters. */
const PIECE_CHARS = 1 << 20;

/**
 * The index lines of `oids` (each built from the commit and its first parent
 * alone), as UTF-8. Encoded a piece at a time: one string of 100,000 lines
 * kept the whole text alive as millions of small strings until the end, and
 * collecting that garbage grew with the history. `onLine` is called after
 * each line (a worker reports progress with it).
 * @example recordLines(store.objects, recordSettings(store.settings), oids)
 */
export function recordLines(objects: ObjectStore, settings: Pick<RecordOptions, 'schema' | 'maxBytes' | 'identifiers'>, oids: readonly string[], onLine?: () => void): Buffer {
  const treeCache = new Map<string, FlatTree>();
  const parseCache: ParseCache = new Map();
  const opts = { ...settings, treeCache, parseCache };
  const pieces: Buffer[] = [];
  let text = '';
  for (const oid of oids) {
    text += recordLine(buildRecord(objects, oid, opts));
    if (text.length >= PIECE_CHARS) {
      pieces.push(Buffer.from(text));
      text = '';
    }
    onLine?.();
  }
  pieces.push(Buffer.from(text));
  return Buffer.concat(pieces);
}
