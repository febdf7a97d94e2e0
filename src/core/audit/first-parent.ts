import type { IndexData } from './index-store.js';

/**
 * One commit on the first-parent line, read from the index's bytes: only
 * the members asked for are decoded. A rollback to 1,000 changes back walks
 * 1,000 lines, and a rollback's own line holds its list of undone changes
 * twice (message and entry), so decoding whole lines cost more than the rest
 * of the walk.
 */
export interface FirstParentEntry {
  oid: string;
  /** The raw JSON text of one member of the entry (see `entryMember` for `key` and `next`). */
  memberText(key: string, next: string | null): string;
  /** One member of the entry, parsed. */
  member(key: string, next: string | null): unknown;
}

/**
 * Calls `fn` for each commit on the first-parent line from `head`, newest
 * first, until it returns false or the line ends.
 * @example eachFirstParent(index, index.head, (e) => e.oid !== target)
 */
export function eachFirstParent(index: IndexData, head: string | null, fn: (entry: FirstParentEntry) => boolean): void {
  if (head === null) return;
  // An index just rebuilt or caught up has no bytes; encoding it once is still cheaper than decoding every line.
  const bytes = index.bytes ?? Buffer.from(index.text);
  let expected = Buffer.from(head, 'latin1');
  let at = bytes.length > 0 && bytes[bytes.length - 1] === 10 ? bytes.length - 1 : bytes.length;
  while (at > 0) {
    const start = bytes.lastIndexOf(10, at - 1) + 1;
    const end = at;
    at = start - 1;
    if (bytes[start + 40] !== 9 || bytes.compare(expected, 0, 40, start, start + 40) !== 0) continue; // off the first-parent line
    const json = jsonColumn(bytes, start, end);
    if (json < 0) continue;
    const entry = lineEntry(bytes, json, end, expected.toString('latin1'));
    if (!fn(entry)) return;
    let parent = firstParent(bytes, json, end);
    if (parent === undefined) parent = (entry.member('parents', 'changeId') as string[])[0] ?? null;
    if (parent === null) return;
    expected = Buffer.from(parent, 'latin1');
  }
}

/** Offset of the entry-JSON column (after the sixth tab) of the line `start..end`, or -1. */
function jsonColumn(bytes: Buffer, start: number, end: number): number {
  let p = start;
  for (let tabs = 0; tabs < 6; tabs++) {
    p = bytes.indexOf(9, p) + 1;
    if (p === 0 || p >= end) return -1;
  }
  return p;
}

const PARENTS = Buffer.from('"parents":[');

/** The first parent as recordLine writes it (`"parents":["<oid>"`); null for a root commit; undefined for another shape. */
function firstParent(bytes: Buffer, json: number, end: number): string | null | undefined {
  const p = bytes.indexOf(PARENTS, json);
  if (p < 0 || p >= end) return undefined;
  const q = p + PARENTS.length;
  if (bytes[q] === 0x5d) return null; // ]
  return bytes[q] === 0x22 && bytes[q + 41] === 0x22 ? bytes.toString('latin1', q + 1, q + 41) : undefined;
}

function lineEntry(bytes: Buffer, json: number, end: number, oid: string): FirstParentEntry {
  const whole = () => JSON.parse(bytes.toString('utf8', json, end)) as Record<string, unknown>;
  const memberText = (key: string, next: string | null): string => {
    // as entryMember: a `,"key":` cannot occur inside a JSON string, where every `"` is escaped
    const at = bytes.indexOf(`,"${key}":`, json);
    const stop = next === null ? end - 1 : bytes.indexOf(`,"${next}":`, at);
    if (at < 0 || at >= end || stop <= at || stop > end) return JSON.stringify(whole()[key] ?? null);
    return bytes.toString('utf8', at + key.length + 4, stop);
  };
  return {
    oid,
    memberText,
    member(key, next) {
      try {
        return JSON.parse(memberText(key, next));
      } catch {
        return whole()[key]; // not the shape recordLine writes
      }
    },
  };
}
