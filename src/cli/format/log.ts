/**
 * `log` and `show` text as git prints it (`git log` medium format), plus the
 * change record's Change-Id in the header and the changed files.
 */
import type { AuditEntry, FileStatus } from '../../core/types.js';
import { quotePath } from '../../core/path-name.js';
import { freezeRecordOf } from '../../core/record/freeze.js';

/** Options of {@link formatLog}. */
export interface LogFormatOptions {
  /** One line per change: short oid, short Change-Id, title, risk. */
  oneline?: boolean;
  /** ANSI colours as git uses them (yellow commit ids). @default false */
  color?: boolean;
  /** Notes by full commit oid, shown under the message like `git log` does. */
  notes?: Map<string, string>;
}

const STATUS_LETTER: Record<FileStatus, string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  // permissions only, as `status` shows it
  mode: 'P',
  typechange: 'T',
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

const yellow = (s: string, on: boolean) => (on ? `\x1b[33m${s}\x1b[m` : s);
const red = (s: string, on: boolean) => (on ? `\x1b[31m${s}\x1b[m` : s);

/**
 * The audit log as text, entries in the order given (newest first from the query).
 * @example formatLog(entries, { oneline: true }) // '3f2a9c1 I4f5a6b7c Raise pool size (risk: high)\n'
 */
export function formatLog(entries: readonly AuditEntry[], opts: LogFormatOptions = {}): string {
  if (opts.oneline) return entries.map((e) => formatLogEntry(e, opts)).join('');
  return entries.map((e) => formatLogEntry(e, { color: opts.color, note: opts.notes?.get(e.commit) })).join('\n');
}

/**
 * One entry of {@link formatLog}: its `--oneline` line, or its header, message
 * and file list (entries are separated by a blank line, not included here).
 */
export function formatLogEntry(e: AuditEntry, opts: { oneline?: boolean; color?: boolean; note?: string } = {}): string {
  if (opts.oneline) return `${onelineOf(e, opts.color ?? false)}\n`;
  const header = formatShowHeader(e, { color: opts.color, note: opts.note });
  return e.files.length === 0 ? header : `${header}\n${formatFiles(e.files)}`;
}

/**
 * One entry's header and message as `show` prints it above the diff: like a
 * `formatLog` entry without the file list. Ends in a newline.
 */
export function formatShowHeader(entry: AuditEntry, opts: { color?: boolean; note?: string } = {}): string {
  // Built by concatenation: `log` formats thousands of these.
  let out = `${yellow(`commit ${entry.commit}`, opts.color ?? false)}\n`;
  if (entry.parents.length > 1) out += `Merge: ${entry.parents.map((p) => p.slice(0, 7)).join(' ')}\n`;
  if (entry.changeId !== null) out += `Change-Id: ${entry.changeId}\n`;
  out += `Author: ${entry.author.name} <${entry.author.email}>\nDate:   ${formatGitDate(entry.date)}\n\n${indent(messageOf(entry))}`;
  return `${out}${noteBlock(opts.note)}\n`;
}

/**
 * A note as `log` shows it under the message (`\n\nNotes:` and the note
 * indented), or '' for none; it goes before the header's last newline.
 */
export function noteBlock(note: string | undefined): string {
  return note !== undefined && note.trim() !== '' ? `\n\nNotes:\n${indent(note.trimEnd())}` : '';
}

/**
 * git's default date format (`%ad`), in the offset the ISO date carries:
 * `2026-11-26T15:19:07+01:00` → `Thu Nov 26 15:19:07 2026 +0100`.
 * A string that is not such a date is shown as it is.
 */
export function formatGitDate(iso: string): string {
  const m = ISO_RE.exec(iso);
  if (!m) return iso;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const zone = m[7] ?? 'Z';
  const weekday = DAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()];
  const offset = zone === 'Z' ? '+0000' : zone.replace(':', '');
  return `${weekday} ${MONTHS[mo - 1]} ${d} ${m[4]}:${m[5]}:${m[6]} ${m[1]} ${offset}`;
}

/** Title, body and trailers as paragraphs; the Change-Id is already in the header. */
function messageOf(e: AuditEntry): string {
  let out = e.title;
  if (e.body !== '') out = out === '' ? e.body : `${out}\n\n${e.body}`;
  let trailers = '';
  for (const t of e.trailers) {
    if (t.key.toLowerCase() !== 'change-id') trailers += trailers === '' ? `${t.key}: ${t.value}` : `\n${t.key}: ${t.value}`;
  }
  if (trailers !== '') out = out === '' ? trailers : `${out}\n\n${trailers}`;
  return out;
}

/** Four spaces on every line, blank ones included, as git does. */
function indent(text: string): string {
  return `    ${text.replaceAll('\n', '\n    ')}`;
}

function formatFiles(files: AuditEntry['files']): string {
  return files.map((f) => ` ${STATUS_LETTER[f.status]} ${quotePath(f.path)}${f.mode ? ` (mode ${f.mode.from} → ${f.mode.to})` : ''}\n`).join('');
}

function onelineOf(e: AuditEntry, color: boolean): string {
  const freeze = e.changeId === null ? freezeRecordOf(e.trailers) : null;
  const id = (e.changeId ?? (freeze ? (freeze.on ? 'FREEZE' : 'UNFREEZE') : '-')).slice(0, 9).padEnd(9);
  const risk = e.trailers.find((t) => t.key.toLowerCase() === 'risk')?.value;
  const riskText = risk === undefined ? '' : ` (risk: ${risk})`;
  const loud = risk !== undefined && /^(high|critical)$/i.test(risk);
  return `${yellow(e.commit.slice(0, 7), color)} ${id} ${e.title}${loud ? red(riskText, color) : riskText}`;
}
