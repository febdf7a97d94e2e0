import { CfgtrailError } from '../errors.js';
import type { Trailer } from '../types.js';
import { findSeparator, findTrailerBlock, isGitSpace, trimGitSpace, type TrailerBlock } from './trailer-block.js';

const TRAILER_KEY = /^[A-Za-z0-9-]+$/;

/** A key git reads back unchanged: ASCII letters, digits and `-` only. */
export function isTrailerKey(key: string): boolean {
  return TRAILER_KEY.test(key);
}

/** git's `unfold_value`: each newline plus the whitespace after it becomes one space. */
function unfoldValue(value: string): string {
  return trimGitSpace(value.replace(/\n[ \t\n\r]*/g, ' '));
}

/** Split the block into entries, folding continuation lines into the trailer above them. */
function blockEntries(block: string): string[] {
  const entries: string[] = [];
  let lastIsTrailer = false;
  for (let pos = 0; pos < block.length; ) {
    const nl = block.indexOf('\n', pos);
    const next = nl === -1 ? block.length : nl + 1;
    const line = block.slice(pos, next);
    pos = next;
    if (lastIsTrailer && isGitSpace(line[0])) {
      entries[entries.length - 1] += line;
      continue;
    }
    entries.push(line);
    lastIsTrailer = findSeparator(line) >= 1;
  }
  return entries;
}

/**
 * The trailers of a commit message, as `git interpret-trailers --parse`
 * (git 2.39, default config) prints them: keys as written (`Key : v` gives
 * key `Key`), values trimmed with continuation lines folded into one line.
 * Only the last paragraph counts; see {@link findTrailerBlock}.
 * @example parseTrailers('Fix\n\nRisk: low\nTicket: OPS-1\n')
 * // [{ key: 'Risk', value: 'low' }, { key: 'Ticket', value: 'OPS-1' }]
 */
export function parseTrailers(message: string): Trailer[] {
  return trailersIn(message, findTrailerBlock(message));
}

/** The trailers in `block`, the trailer block {@link findTrailerBlock} found in `message`. */
export function trailersIn(message: string, { start, end }: TrailerBlock): Trailer[] {
  const trailers: Trailer[] = [];
  for (const entry of blockEntries(message.slice(start, end))) {
    if (entry[0] === '#') continue;
    const sep = findSeparator(entry);
    if (sep < 1) continue;
    const key = trimGitSpace(entry.slice(0, sep));
    trailers.push({ key, value: unfoldValue(trimGitSpace(entry.slice(sep + 1))) });
  }
  return trailers;
}

/**
 * What the parsers give back for a value written by `formatMessage`: each
 * line trimmed, blank lines dropped, lines joined by one space. A single-line
 * value without surrounding whitespace is returned unchanged.
 * @example foldTrailerValue('first\n  second\n') // 'first second'
 */
export function foldTrailerValue(value: string): string {
  return valueLines(value).join(' ');
}

/** The lines `formatMessage` writes for a value (first line, then continuations). */
export function valueLines(value: string): string[] {
  return value
    .split('\n')
    .map(trimGitSpace)
    .filter((line) => line !== '');
}

function formatTrailer({ key, value }: Trailer): string {
  if (!isTrailerKey(key)) {
    throw new CfgtrailError('BAD_INPUT', `trailer key "${key}" may only hold letters, digits and "-"`, { key });
  }
  if (value.includes('\0')) throw new CfgtrailError('BAD_INPUT', `trailer "${key}" contains a NUL character`, { key });
  const [first, ...rest] = valueLines(value);
  if (first === undefined) throw new CfgtrailError('BAD_INPUT', `trailer "${key}" has an empty value`, { key });
  return [`${key}: ${first}`, ...rest.map((line) => ` ${line}`)].join('\n');
}

/**
 * The trailer block for `trailers`: one `Key: value` line each, every further
 * line of a multi-line value as a continuation line indented by one space.
 * Each line ends in `\n`; no trailers give `''`.
 * @throws CfgtrailError BAD_INPUT naming the key (`data.key`) for a key that
 * is not a trailer key or a value that is empty once folded.
 * @example formatTrailers([{ key: 'Risk', value: 'low' }]) // 'Risk: low\n'
 */
export function formatTrailers(trailers: readonly Trailer[]): string {
  return trailers.map((t) => `${formatTrailer(t)}\n`).join('');
}

/**
 * Read a user's `--trailer` argument, `Key: value` or `Key=value`.
 * @throws CfgtrailError BAD_INPUT when there is no separator, the key is not
 * a trailer key (see {@link isTrailerKey}) or the value is empty.
 * @example parseTrailerArg('Ticket=OPS-12') // { key: 'Ticket', value: 'OPS-12' }
 */
export function parseTrailerArg(arg: string): Trailer {
  const m = /^([^:=]*)[:=]([^]*)$/.exec(arg);
  if (!m) {
    throw new CfgtrailError('BAD_INPUT', `trailer "${arg}" must look like "Key: value" or "Key=value"`, { arg });
  }
  const key = trimGitSpace(m[1] ?? '');
  const value = trimGitSpace(m[2] ?? '');
  if (!isTrailerKey(key)) {
    throw new CfgtrailError('BAD_INPUT', `trailer key "${key}" may only hold letters, digits and "-"`, { arg, key });
  }
  if (value === '' || foldTrailerValue(value) === '') {
    throw new CfgtrailError('BAD_INPUT', `trailer "${key}" has an empty value`, { arg, key });
  }
  return { key, value };
}

/**
 * Values of every trailer whose key matches `key` case-insensitively (as git
 * compares trailer keys), in message order.
 * @example trailerValues([{ key: 'risk', value: 'low' }], 'Risk') // ['low']
 */
export function trailerValues(trailers: readonly Trailer[], key: string): string[] {
  const wanted = key.toLowerCase();
  return trailers.filter((t) => t.key.toLowerCase() === wanted).map((t) => t.value);
}

/** The first value for `key` (case-insensitive), or undefined. */
export function firstTrailer(trailers: readonly Trailer[], key: string): string | undefined {
  return trailerValues(trailers, key)[0];
}
