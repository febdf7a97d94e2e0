import { eachLineSpanNewestFirst, memberRange, type IndexData } from './index-store.js';

/**
 * One commit on the first-parent line, read from the index's bytes: its id,
 * Change-Id and title come from the head of its entry, and other members are
 * decoded only when asked for. A rollback to 1,000 changes back walks 1,000
 * lines, and a rollback's own line holds its list of undone changes twice
 * (message and entry): decoding whole lines cost more than the rest of the walk.
 */
export interface FirstParentEntry {
  oid: string;
  changeId: string | null;
  title: string;
  /** The raw JSON text of one member of the entry (see `entryMember` for `key` and `next`). */
  memberText(key: string, next: string | null): string;
  /** One member of the entry, parsed. */
  member(key: string, next: string | null): unknown;
}

/** The members an entry starts with, as recordLine writes them. */
interface EntryHead {
  commit: string;
  parents: string[];
  changeId: string | null;
  title: string;
}

const BODY = Buffer.from(',"body":');

/**
 * Calls `fn` for each commit on the first-parent line from `head`, newest
 * first, until it returns false or the line ends.
 * @example eachFirstParent(index, index.head, (e) => e.oid !== target)
 */
export function eachFirstParent(index: IndexData, head: string | null, fn: (entry: FirstParentEntry) => boolean): void {
  if (head === null) return;
  const bytes = index.bytes;
  let expected: string = head;
  eachLineSpanNewestFirst(bytes, (start, end) => {
    // The entry is the last column: JSON escapes tabs, and the other columns (where
    // a title may look like JSON) come before it. Few native calls per line: the
    // walk is interpreted code in a one-shot process.
    const json = bytes.lastIndexOf(9, end - 1) + 1;
    if (json <= start || bytes[json] !== 0x7b) return true; // not an index line
    const e = entryAt(bytes, json, end);
    if (e.head.commit !== expected) return true; // off the first-parent line
    if (!fn(e.entry)) return false;
    const parent = e.head.parents[0];
    if (parent === undefined) return false;
    expected = parent;
    return true;
  });
}

function entryAt(bytes: Buffer, json: number, end: number): { head: EntryHead; entry: FirstParentEntry } {
  // An index entry as written: its head's members and the rest.
  const whole = () => JSON.parse(bytes.toString('utf8', json, end)) as EntryHead & Record<string, unknown>;
  const head = headOf(bytes, json, end) ?? whole();
  const memberText = (key: string, next: string | null): string => {
    const range = memberRange((needle, from) => bytes.indexOf(asBytes(needle), from), json, end, key, next);
    return range ? bytes.toString('utf8', range[0], range[1]) : JSON.stringify(whole()[key] ?? null);
  };
  const entry: FirstParentEntry = {
    oid: head.commit,
    changeId: head.changeId ?? null,
    title: head.title,
    memberText,
    member(key, next) {
      try {
        return JSON.parse(memberText(key, next));
      } catch {
        return whole()[key]; // not the shape recordLine writes
      }
    },
  };
  return { head, entry };
}

/** The members before `body`, parsed alone; undefined when the entry is not in recordLine's order. */
function headOf(bytes: Buffer, json: number, end: number): EntryHead | undefined {
  const body = bytes.indexOf(BODY, json);
  if (body < 0 || body >= end) return undefined;
  try {
    const head = JSON.parse(`${bytes.toString('utf8', json, body)}}`) as Partial<EntryHead>;
    return typeof head.commit === 'string' && Array.isArray(head.parents) && typeof head.title === 'string' ? (head as EntryHead) : undefined;
  } catch {
    return undefined;
  }
}

/** A member marker (`,"key":`) as bytes, made once per marker. */
const MARKS = new Map<string, Buffer>();
function asBytes(needle: string): Buffer {
  let m = MARKS.get(needle);
  if (!m) MARKS.set(needle, (m = Buffer.from(needle)));
  return m;
}
