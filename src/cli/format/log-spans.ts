/**
 * `log` and `log --oneline` text read straight from the entries' JSON text
 * (the index's `log --json` column): what `formatLog` prints for the same
 * entries, without parsing each entry into objects. One sticky regex reads an
 * entry in the shape recordLine writes; an entry it does not match (another
 * shape, escapes where they are not expected) is parsed and printed by
 * `formatLogEntry`, so the output is the same either way.
 */
import type { AuditEntry } from '../../core/types.js';
import type { EntrySpans } from '../../core/audit/entry-spans.js';
import { formatGitDate, formatLogEntry, noteBlock, type LogFormatOptions } from './log.js';
import { quotePath } from '../../core/path-name.js';

// JSON.stringify of an AuditEntry, members in recordLine's order. Strings that
// may hold escapes are `[^"\\]*(?:\\.[^"\\]*)*` and decoded when they do.
const S = '[^"\\\\]*';
const E = '[^"\\\\]*(?:\\\\.[^"\\\\]*)*';
const ENTRY = new RegExp(
  `\\{"commit":"([0-9a-f]{40})","parents":\\[((?:"[0-9a-f]{40}",?)*)\\],"changeId":(?:null|"(${S})"),"title":"(${E})","body":"(${E})",` +
    `"author":\\{"name":"(${S})","email":"(${S})"\\},"date":"(${S})","trailers":\\[((?:\\{"key":"${S}","value":"${E}"\\},?)*)\\],` +
    `"files":\\[((?:\\{"path":"${S}","status":"(?:added|modified|deleted|mode|typechange)"\\},?)*)\\]\\}$`,
  'my',
);
// --oneline needs the commit, Change-Id, title and the first trailer whose key
// lower-cases to "risk" (the Kelvin sign lower-cases to k).
const RISK = '[Rr][Ii][Ss][Kk\\u212A]';
const ONELINE = new RegExp(
  `\\{"commit":"([0-9a-f]{7})[0-9a-f]{33}","parents":\\[(?:"[0-9a-f]{40}",?)*\\],"changeId":(?:null|"(${S})"),"title":"(${E})","body":"${E}",` +
    `"author":\\{"name":"${S}","email":"${S}"\\},"date":"${S}","trailers":\\[(?:\\{"key":"(?!${RISK}")${S}","value":"${E}"\\},?)*(?:\\{"key":"${RISK}","value":"(${E})"\\},?)?(?:\\{"key":"${S}","value":"${E}"\\},?)*\\],` +
    `"files":\\[(?:\\{"path":"${S}","status":"(?:added|modified|deleted|mode|typechange)"\\},?)*\\]\\}$`,
  'my',
);
const STATUS = new Map([
  ['added', 'A'],
  ['modified', 'M'],
  ['deleted', 'D'],
  ['mode', 'P'],
  ['typechange', 'T'],
]);
const TRAILER = new RegExp(`\\{"key":"(${S})","value":"(${E})"\\}`, 'g');

/**
 * The same text as `formatLog(entries, opts)` for the entries in `found`.
 * @example formatLogSpans(queryEntrySpans(index, {}), { oneline: true })
 */
export function formatLogSpans(found: EntrySpans, opts: LogFormatOptions = {}): string {
  const { text, spans } = found;
  const color = opts.color ?? false;
  const notes = opts.notes !== undefined && opts.notes.size > 0 ? opts.notes : null;
  const noteOf = (commit: string) => notes?.get(commit);
  const chunks: string[] = [];
  let parts: string[] = [];
  for (let i = 0; i < spans.length; i += 2) {
    const piece = entryAt(text, spans[i]!, spans[i + 1]!, opts.oneline ?? false, color, noteOf);
    parts.push(i > 0 && !opts.oneline ? `\n${piece}` : piece);
    // Joined in chunks: each entry's pieces die young instead of all of them
    // living until one join at the end.
    if (parts.length === 256) {
      chunks.push(parts.join(''));
      parts = [];
    }
  }
  chunks.push(parts.join(''));
  return chunks.join('');
}

/** The entry text between `start` and `end`, formatted; `noteOf` gives a commit's note (medium format). */
export function entryAt(text: string, start: number, end: number, oneline: boolean, color: boolean, noteOf: (commit: string) => string | undefined): string {
  const re = oneline ? ONELINE : ENTRY;
  re.lastIndex = start;
  const m = re.exec(text);
  // --oneline marks freeze records in the Change-Id column (formatLogEntry): entries without a Change-Id take that path.
  if (m !== null && re.lastIndex === end && !(oneline && m[2] === undefined)) return oneline ? onelineText(m, color) : entryText(m, color, noteOf(m[1]!));
  const entry = JSON.parse(text.slice(start, end)) as AuditEntry;
  return formatLogEntry(entry, { oneline, color, note: noteOf(entry.commit) });
}

/** One medium-format entry from its match: formatShowHeader plus the file list. */
function entryText(m: RegExpExecArray, color: boolean, note: string | undefined): string {
  // Indexed, not destructured: destructuring runs the iterator protocol, slow before the JIT warms up.
  const commit = m[1]!;
  const parents = m[2]!;
  const changeId = m[3];
  const files = m[10]!;
  const head =
    `${color ? `\x1b[33mcommit ${commit}\x1b[m` : `commit ${commit}`}\n${parents.length > 43 ? mergeLine(parents) : ''}` +
    `${changeId === undefined ? '' : `Change-Id: ${changeId}\n`}Author: ${m[6]} <${m[7]}>\nDate:   ${gitDate(m[8]!)}\n\n` +
    `    ${messageText(m[4]!, m[5]!, m[9]!)}${noteBlock(note)}\n`;
  return files === '' ? head : `${head}\n${fileLines(files)}`;
}

/**
 * ` M path` lines from the files' JSON text (paths without escapes, statuses
 * checked by ENTRY). String searches: a regex replace per entry costs more.
 */
function fileLines(files: string): string {
  let out = '';
  for (let at = 0; at < files.length; ) {
    const path = at + 9; // after {"path":"
    const status = files.indexOf('","status":"', path);
    const end = files.indexOf('"}', status + 12);
    out += ` ${STATUS.get(files.slice(status + 12, end))} ${quotePath(files.slice(path, status))}\n`;
    at = end + 3; // past "},
  }
  return out;
}

/** `Merge: a1b2c3d e4f5a6b` from the parents' JSON text. */
function mergeLine(parents: string): string {
  return `Merge: ${parents.replace(/"([0-9a-f]{7})[0-9a-f]{33}",?/g, ' $1').trimStart()}\n`;
}

/**
 * messageOf, indented as formatShowHeader does: title, body and the trailers
 * but Change-Id as paragraphs. Each part is indented on its own, which gives
 * the same text as indenting the whole.
 */
function messageText(title: string, body: string, trailers: string): string {
  let message = indent(decode(title));
  const b = indent(decode(body));
  if (b !== '') message = message === '' ? b : `${message}\n    \n    ${b}`;
  let shown = '';
  if (!trailers.includes('\\')) shown = trailerLines(trailers);
  else {
    for (const [, key, value] of trailers.matchAll(TRAILER)) {
      if (key!.toLowerCase() !== 'change-id') shown += `${shown === '' ? '' : '\n'}${key}: ${decode(value!)}`;
    }
    shown = indent(shown);
  }
  if (shown !== '') message = message === '' ? shown : `${message}\n    \n    ${shown}`;
  return message;
}

/** `Key: value` lines, indented, from trailers' JSON text without escapes; Change-Id left out. */
function trailerLines(trailers: string): string {
  let out = '';
  for (let at = 0; at < trailers.length; ) {
    const key = at + 8; // after {"key":"
    const value = trailers.indexOf('","value":"', key);
    const end = trailers.indexOf('"}', value + 11);
    // Keys without escapes: only ASCII letters lower-case to the letters of change-id.
    if (value - key !== 9 || trailers.slice(key, value).toLowerCase() !== 'change-id') {
      out += `${out === '' ? '' : '\n    '}${trailers.slice(key, value)}: ${trailers.slice(value + 11, end)}`;
    }
    at = end + 3; // past "},
  }
  return out;
}

/** Four spaces after every newline (the first line's are the caller's). */
function indent(text: string): string {
  return text.includes('\n') ? text.replaceAll('\n', '\n    ') : text;
}

/** One `--oneline` line from its ONELINE match (onelineOf). */
function onelineText(m: RegExpExecArray, color: boolean): string {
  const oid = m[1]!;
  const changeId = m[2];
  const title = m[3]!;
  const riskJson = m[4];
  const id = (changeId ?? '-').slice(0, 9).padEnd(9);
  const line = `${color ? `\x1b[33m${oid}\x1b[m` : oid} ${id} ${decode(title!)}`;
  if (riskJson === undefined) return `${line}\n`;
  const risk = decode(riskJson);
  return color && /^(high|critical)$/i.test(risk) ? `${line}\x1b[31m (risk: ${risk})\x1b[m\n` : `${line} (risk: ${risk})\n`;
}

/** The text of a JSON string's contents. */
function decode(json: string): string {
  return json.includes('\\') ? (JSON.parse(`"${json}"`) as string) : json;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SAKAMOTO = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
const INDEX_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

/**
 * formatGitDate without a Date object per entry: the index's
 * `YYYY-MM-DDTHH:MM:SS±HH:MM` is read by position; anything else goes to
 * formatGitDate.
 */
function gitDate(text: string): string {
  if (text.length !== 25 || !INDEX_DATE.test(text)) return formatGitDate(text);
  const y = Number(text.slice(0, 4));
  const mo = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  // Date.UTC reads years 0-99 as 1900-1999 and rolls impossible days over: formatGitDate shows those.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > 28 + daysOver28(y, mo)) return formatGitDate(text);
  // Sakamoto's weekday (0 = Sunday) in the proleptic Gregorian calendar, as Date uses.
  const yy = mo < 3 ? y - 1 : y;
  const weekday = (yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) + SAKAMOTO[mo - 1]! + d) % 7;
  return `${DAYS[weekday]} ${MONTHS[mo - 1]} ${d} ${text.slice(11, 19)} ${text.slice(0, 4)} ${text.slice(19, 22)}${text.slice(23, 25)}`;
}

function daysOver28(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 1 : 0;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 2 : 3;
}
