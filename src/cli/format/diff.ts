import type { FieldChange, FileDiff, FileStatus } from '../../core/types.js';
import { quotePath } from '../../core/path-name.js';

export interface FormatDiffOptions {
  /** ANSI colors (green added, red removed, yellow changed). @default false */
  color?: boolean;
}

/** Longest rendering of one value before it is cut with `…`. */
const MAX_VALUE_WIDTH = 80;

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
  return diffs.map((d) => formatOne(d, paint).join('\n')).join('\n\n');
}

function formatOne(d: FileDiff, paint: Paint): string[] {
  const lines = [paint(`${quotePath(d.file)} (${STATUS_LABEL[d.status]})`, 'bold')];
  if (d.fromMode !== undefined && d.toMode !== undefined && d.fromMode !== d.toMode) {
    lines.push(paint(`  mode ${d.fromMode} → ${d.toMode}`, 'yellow'));
  }
  // loops, not push(...all): a spread of 100,000+ lines overflows the stack
  if (d.format === 'binary') lines.push(binaryLine(d));
  else if (d.format === 'text') for (const l of textLines(d, paint)) lines.push(l);
  else if (d.formattingOnly === true) lines.push('  (formatting only: no field changed)');
  else for (const c of d.changes) lines.push(changeLine(c, paint));
  return lines;
}

function changeLine(c: FieldChange & { reorder?: boolean }, paint: Paint): string {
  const path = c.pathText === '' ? '(root)' : c.pathText;
  if (c.kind === 'added') return paint(`+ ${path}: ${formatValue(c.to)}`, 'green');
  if (c.kind === 'removed') return paint(`- ${path}: ${formatValue(c.from)}`, 'red');
  const order = c.reorder === true ? 'order ' : '';
  return paint(`  ${path}: ${order}${formatValue(c.from)} → ${formatValue(c.to)}`, 'yellow');
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
  const from = formatSize(d.fromSize ?? 0);
  const to = formatSize(d.toSize ?? 0);
  if (d.status === 'added') return `  binary file added (${to})`;
  if (d.status === 'deleted') return `  binary file deleted (${from})`;
  return `  binary file changed (${from} → ${to})`;
}

/** A `secret_files` file: sizes and tags only. */
function secretLine(d: FileDiff, tags: NonNullable<FileDiff['secret']>): string {
  const side = (size: number | undefined, tag: string | undefined) => `${formatSize(size ?? 0)} ${tag ?? ''}`.trimEnd();
  if (d.status === 'added') return `  secret file added (${side(d.toSize, tags.toTag)})`;
  if (d.status === 'deleted') return `  secret file deleted (${side(d.fromSize, tags.fromTag)})`;
  return `  secret file changed (${side(d.fromSize, tags.fromTag)} → ${side(d.toSize, tags.toTag)})`;
}

/** `512 B`, `1.2 KiB`, `3.4 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A value as compact YAML flow text, cut at ~80 characters. */
export function formatValue(value: unknown): string {
  const text = flow(value, false);
  return text.length > MAX_VALUE_WIDTH ? `${text.slice(0, MAX_VALUE_WIDTH - 1)}…` : text;
}

function flow(value: unknown, inFlow: boolean): string {
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
