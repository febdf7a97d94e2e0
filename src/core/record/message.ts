import { CfgtrailError } from '../errors.js';
import type { Trailer } from '../types.js';
import { findTrailerBlock, isBlankLine, nextLine, trimGitSpace } from './trailer-block.js';
import { formatTrailers, parseTrailers, trailersIn } from './trailers.js';

/** A commit message taken apart: git's subject, the prose, the trailers. */
export interface SplitMessage {
  title: string;
  body: string;
  trailers: Trailer[];
}

/** What `formatMessage` builds a message from. */
export interface MessageRecord {
  title: string;
  body?: string;
  trailers: readonly Trailer[];
}

const DIVIDER = /^---(?:[ \t\r]|$)/;
const SCISSORS = '# ------------------------ >8 ------------------------';

function trimEndGitSpace(s: string): string {
  return s.replace(/[ \t\r\n]+$/, '');
}

/** Body as `splitMessage` returns it: no leading blank lines, no trailing whitespace. */
export function normalizeBody(body: string): string {
  return trimEndGitSpace(body.replace(/^(?:[ \t\r]*\n)+/, ''));
}

/** The first paragraph after leading blank lines, where it starts and the offset just after it. */
function readTitle(message: string): { title: string; start: number; end: number } {
  let pos = 0;
  while (pos < message.length && isBlankLine(message, pos)) pos = nextLine(message, pos);
  const start = pos;
  const lines: string[] = [];
  while (pos < message.length && !isBlankLine(message, pos)) {
    const next = nextLine(message, pos);
    lines.push(trimEndGitSpace(message.slice(pos, next)));
    pos = next;
  }
  return { title: lines.join(' '), start, end: pos };
}

/**
 * Take a commit message apart as `git log` does. `title` is git's subject
 * (`%s`: the first paragraph after leading blank lines, lines joined by a
 * space); `body` is what lies between the title and the trailer block (what
 * follows the block, such as trailing comments, is left out), or all the rest
 * when there is no block, normalised by {@link normalizeBody}; `trailers` are
 * `%(trailers)`': found like {@link parseTrailers}' but from the subject on
 * (so a message starting with a blank line has its subject as its title, never
 * as a trailer) and with no `---` patch divider, as git reads commits.
 * @example splitMessage('Raise pool\n\nLoad test.\n\nRisk: low\n')
 * // { title: 'Raise pool', body: 'Load test.', trailers: [{ key: 'Risk', value: 'low' }] }
 */
export function splitMessage(message: string): SplitMessage {
  const { title, end: titleEnd, start: titleStart } = readTitle(message);
  const fromSubject = findTrailerBlock(message.slice(titleStart), { noDivider: true });
  const block = { start: fromSubject.start + titleStart, end: fromSubject.end + titleStart };
  // Without a trailer block the body is all the rest, as `git log --format=%b` shows it.
  const bodyEnd = block.start === block.end ? message.length : Math.max(titleEnd, block.start);
  const body = normalizeBody(message.slice(titleEnd, bodyEnd));
  return { title, body, trailers: trailersIn(message, block) };
}

function badInput(message: string, data: Record<string, unknown> = {}): CfgtrailError {
  return new CfgtrailError('BAD_INPUT', message, data);
}

/** Lines git would read as the end of the message (patch divider, scissors) or cannot store. */
function checkLines(what: string, text: string): void {
  if (text.includes('\0')) throw badInput(`${what} contains a NUL character`, { what });
  for (const line of text.split('\n')) {
    if (DIVIDER.test(line)) throw badInput(`${what} has a "---" line, which git reads as the start of a patch`, { what, line });
    if (line === SCISSORS) throw badInput(`${what} has a scissors line, which git reads as the end of the message`, { what, line });
  }
}

function checkTitle(raw: string): string {
  const title = trimGitSpace(raw);
  if (title === '') throw badInput('the title is empty');
  if (/[\r\n]/.test(title)) throw badInput('the title must be a single line', { title });
  checkLines('the title', title);
  return title;
}

/**
 * Build a commit message: title, blank line, body, blank line, trailer block,
 * ending in one `\n`. Round trip: `splitMessage` gives back the trimmed title,
 * `normalizeBody(body)`, and the trailers with each value replaced by
 * `foldTrailerValue(value)` (multi-line values are written as continuation
 * lines indented by one space, which git folds into one line); native
 * `git interpret-trailers --parse` reads the same trailers.
 * @throws CfgtrailError BAD_INPUT for an empty or multi-line title, a bad
 * trailer key, an empty value, a `---` or scissors line, or a body whose last
 * paragraph git would read as trailers when there are no trailers to follow it.
 * @example formatMessage({ title: 'Raise pool', trailers: [{ key: 'Risk', value: 'low' }] })
 * // 'Raise pool\n\nRisk: low\n'
 */
export function formatMessage(rec: MessageRecord): string {
  const title = checkTitle(rec.title);
  const body = normalizeBody(rec.body ?? '');
  checkLines('the body', body);
  const block = formatTrailers(rec.trailers);
  let message = `${title}\n`;
  if (body !== '') message += `\n${body}\n`;
  if (block !== '') message += `\n${block}`;
  // The trailer block, when there is one, is the last paragraph and shields the
  // body; without it, a body ending in "Key: value" lines would turn into trailers.
  if (block === '' && parseTrailers(message).length > 0) {
    throw badInput('the body ends in lines git reads as trailers; add a trailer or reword the last paragraph', { body });
  }
  return message;
}
