import type { FieldChange, FileDiff, FileStatus } from '../../core/types.js';
import { quotePath } from '../../core/path-name.js';
import { formatBytes } from '../../core/diff/large-file.js';
import { isBinaryText } from '../../core/diff/binary-value.js';

export interface FormatDiffOptions {
  /** ANSI colors (green added, red removed, yellow changed). @default false */
  color?: boolean;
  /**
   * Cut each value to this many characters with `…` (the CLI passes
   * {@link TERMINAL_VALUE_WIDTH} on a terminal only). @default Infinity: never cut
   */
  maxValueWidth?: number;
  /** Called once per value that was cut, so the caller can say how to see it whole. */
  onCut?: () => void;
}

/** Longest rendering of one value on a terminal before it is cut with `…`. */
export const TERMINAL_VALUE_WIDTH = 80;

const ANSI = { bold: '\x1b[1m', green: '\x1b[32m', red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', reset: '\x1b[0m' };
type Paint = (text: string, color: keyof typeof ANSI) => string;

/** One letter per changed file, as `git status --short` shows it (P: permissions only). */
export const STATUS_LETTER: Record<FileStatus, string> = { added: 'A', modified: 'M', deleted: 'D', mode: 'P', typechange: 'T' };

const STATUS_LABEL: Record<FileDiff['status'], string> = {
  added: 'added',
  deleted: 'deleted',
  modified: 'modified',
  mode: 'mode changed',
  typechange: 'type changed',
};

/**
 * Render file diffs dyff/git style: a header per file, then one line per field
 * change (`  db.pool.max: 20 → 50`, `+ flags.beta: true`, `- legacy: "x"`), the
 * text patch for files that are not compared as trees, or sizes for binaries.
 * @returns the text without a trailing newline ('' for no diffs)
 * @example formatFileDiffs(diffs, { color: process.stdout.isTTY })
 */
export function formatFileDiffs(diffs: readonly FileDiff[], opts: FormatDiffOptions = {}): string {
  const paint: Paint = opts.color === true ? (text, color) => `${ANSI[color]}${text}${ANSI.reset}` : (text) => text;
  const max = opts.maxValueWidth ?? Infinity;
  const value: Show = (v) => cutValue(flow(v, false), max, opts.onCut);
  return diffs.map((d) => formatOne(d, paint, value).join('\n')).join('\n\n');
}

type Show = (value: unknown) => string;

function formatOne(d: FileDiff, paint: Paint, value: Show): string[] {
  const modeChanged = d.fromMode !== undefined && d.toMode !== undefined && d.fromMode !== d.toMode;
  // permissions only: one line, as `status` shows it
  if (d.status === 'mode' && modeChanged) return [paint(`${quotePath(d.file)} (mode ${d.fromMode} → ${d.toMode})`, 'bold')];
  const label = d.format === 'link' ? `link ${STATUS_LABEL[d.status]}` : STATUS_LABEL[d.status];
  const lines = [paint(`${quotePath(d.file)} (${label})`, 'bold')];
  if (modeChanged) lines.push(paint(`  mode ${d.fromMode} → ${d.toMode}`, 'yellow'));
  // loops, not push(...all): a spread of 100,000+ lines overflows the stack
  if (d.format === 'binary') lines.push(binaryLine(d));
  else if (d.format === 'link') lines.push(paint(`  target ${formatLinkChange(d)}`, 'yellow'));
  else if (d.format === 'text') for (const l of textLines(d, paint)) lines.push(l);
  else if (d.formattingOnly === true) lines.push('  (formatting only: no field changed)');
  else for (const c of d.changes) lines.push(changeLine(c, paint, value));
  return lines;
}

/**
 * A symlink's target change: `old → new`, or the one target of an added or deleted link.
 * @example formatLinkChange({ link: { from: 'v1', to: 'v2' } }) // 'v1 → v2'
 */
export function formatLinkChange(d: Pick<FileDiff, 'link'>): string {
  const from = d.link?.from === undefined ? undefined : quotePath(d.link.from);
  const to = d.link?.to === undefined ? undefined : quotePath(d.link.to);
  if (from !== undefined && to !== undefined) return `${from} → ${to}`;
  return from ?? to ?? '';
}

function changeLine(c: FieldChange & { reorder?: boolean }, paint: Paint, value: Show): string {
  const path = c.pathText === '' ? '(root)' : c.pathText;
  if (c.kind === 'added') return paint(`+ ${path}: ${value(c.to)}`, 'green');
  if (c.kind === 'removed') return paint(`- ${path}: ${value(c.from)}`, 'red');
  if (c.reorder === true) return paint(`⇆ ${path}: order ${value(new OrderText(c.from))} → ${value(new OrderText(c.to))}`, 'yellow');
  return paint(`  ${path}: ${value(c.from)} → ${value(c.to)}`, 'yellow');
}

/** A list order given by its entries' identities, printed bare: `web, sidecar`. */
class OrderText {
  constructor(readonly ids: unknown) {}
}

function textLines(d: FileDiff, paint: Paint): string[] {
  const lines: string[] = [];
  if (d.warning !== undefined) lines.push(paint(`warning: ${d.warning}${/compared as text$/.test(d.warning) ? '' : ' — showing a text diff'}`, 'yellow'));
  if (d.summary !== undefined) lines.push(paint(`note: ${d.summary}`, 'yellow'));
  const patch = (d.patch ?? '').replace(/\n$/, '');
  if (patch === '') return lines;
  for (const line of patch.split('\n')) {
    if (line.startsWith('@@')) lines.push(paint(line, 'cyan'));
    else if (line.startsWith('+') && !line.startsWith('+++')) lines.push(paint(line, 'green'));
    else if (line.startsWith('-') && !line.startsWith('---')) lines.push(paint(line, 'red'));
    else lines.push(line);
  }
  return lines;
}

function binaryLine(d: FileDiff): string {
  if (d.secret !== undefined) return secretLine(d, d.secret);
  const [from, to] = formatSizes(d.fromSize ?? 0, d.toSize ?? 0);
  if (d.status === 'added') return `  binary file added (${to})`;
  if (d.status === 'deleted') return `  binary file deleted (${from})`;
  return `  binary file changed (${from} → ${to})`;
}

/** A `secret_files` file: sizes and tags only. */
function secretLine(d: FileDiff, tags: NonNullable<FileDiff['secret']>): string {
  const [from, to] = formatSizes(d.fromSize ?? 0, d.toSize ?? 0);
  const side = (size: string, tag: string | undefined) => `${size} ${tag ?? ''}`.trimEnd();
  if (d.status === 'added') return `  secret file added (${side(to, tags.toTag)})`;
  if (d.status === 'deleted') return `  secret file deleted (${side(from, tags.fromTag)})`;
  return `  secret file changed (${side(from, tags.fromTag)} → ${side(to, tags.toTag)})`;
}

/**
 * Two sizes of one file: exact bytes when both would round to the same text
 * (1,024 and 1,030 bytes are both `1.0 KiB`), else each as {@link formatBytes}.
 * @example formatSizes(1024, 1030) // ['1024 B', '1030 B']
 */
export function formatSizes(from: number, to: number): [string, string] {
  const a = formatBytes(from);
  const b = formatBytes(to);
  return a === b && from !== to ? [`${from} B`, `${to} B`] : [a, b];
}

/**
 * A value as compact YAML flow text, whole unless `maxWidth` is given.
 * @example formatValue({ a: [1, 2] }) // '{a: [1, 2]}'
 */
export function formatValue(value: unknown, maxWidth = Infinity): string {
  return cutValue(flow(value, false), maxWidth);
}

function cutValue(text: string, maxWidth: number, onCut?: () => void): string {
  if (text.length <= maxWidth) return text;
  onCut?.();
  return `${text.slice(0, maxWidth - 1)}…`;
}

function flow(value: unknown, inFlow: boolean): string {
  if (value instanceof OrderText) return Array.isArray(value.ids) ? value.ids.map((id) => flow(id, true)).join(', ') : flow(value.ids, false);
  if (Array.isArray(value)) return `[${value.map((v) => flow(v, true)).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${formatString(k, true)}: ${flow(v, true)}`);
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'string') return formatString(value, inFlow);
  if (typeof value === 'number') return formatNumber(value);
  if (value === undefined) return '~';
  return String(value);
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  return String(n);
}

/** Words YAML 1.1 or 1.2 would read as something other than a string. */
const NON_STRING = /^(?:~|null|true|false|yes|no|on|off|y|n)$/i;
const NUMBER_LIKE = /^[-+]?(?:\.?\d[\d_]*(?:\.\d*)?(?:e[-+]?\d+)?|0x[\da-f]+|0o[0-7]+|\.inf|\.nan)$/i;
const DATE_LIKE = /^\d{4}-\d\d?-\d\d?(?:[Tt\s]|$)/;
const INDICATOR_START = /^(?:[?:,[\]{}#&*!|>'"%@`]|-(?:\s|$))/;

/** A string plain when YAML reads it back as the same string, else double-quoted (so `"10"` ≠ `10`). */
function formatString(s: string, inFlow: boolean): string {
  if (isBinaryText(s)) return s; // a !!binary value as core/diff/binary-value writes it: `<binary 5 bytes: SGVsbG8=>`, printed bare
  const ambiguous =
    s === '' ||
    s !== s.trim() ||
    NON_STRING.test(s) ||
    NUMBER_LIKE.test(s) ||
    DATE_LIKE.test(s) ||
    INDICATOR_START.test(s) ||
    /: |:$| #| → |[\u0000-\u001f\u007f]/.test(s) ||
    (inFlow && /[,[\]{}]/.test(s));
  return ambiguous ? JSON.stringify(s) : s;
}
