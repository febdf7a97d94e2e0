/**
 * Where git finds the trailer block of a message: a line-by-line port of
 * git 2.39 `trailer.c` (`find_patch_start`, `find_trailer_start`) and
 * `commit.c` (`ignore_non_trailer`), with the default configuration
 * (separator `:`, comment char `#`, no `trailer.*` keys).
 *
 * Offsets are string indexes. Every rule is ASCII-only, so they agree with
 * git's byte offsets on which lines are which.
 */

const COMMENT_CHAR = '#';
const GIT_GENERATED_PREFIXES = ['Signed-off-by: ', '(cherry picked from commit '];
/** `git commit -v` scissors line: everything from it on is not the message. */
const CUT_LINE = `${COMMENT_CHAR} ------------------------ >8 ------------------------\n`;

/** git's `isspace`: only space, tab, LF and CR (not VT/FF, not Unicode spaces). */
export function isGitSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** git's `strbuf_trim`: strip git whitespace from both ends. */
export function trimGitSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGitSpace(s[start])) start++;
  while (end > start && isGitSpace(s[end - 1])) end--;
  return s.slice(start, end);
}

/** Offset just after the line that starts at `pos` (or the end of `buf`). */
export function nextLine(buf: string, pos: number): number {
  const nl = buf.indexOf('\n', pos);
  return nl === -1 ? buf.length : nl + 1;
}

/** A line holding only git whitespace. */
export function isBlankLine(buf: string, pos: number): boolean {
  let i = pos;
  while (i < buf.length && buf[i] !== '\n' && isGitSpace(buf[i])) i++;
  return i >= buf.length || buf[i] === '\n';
}

/** `find_separator`'s grammar: a token of ASCII letters, digits and `-`, optional spaces/tabs after it, then `:`. */
const SEPARATOR = /(?:[A-Za-z0-9-]+[ \t]*)?:/y;

/**
 * Offset of the `:` that makes the line at `pos` a `Key: value` line, or -1.
 * Mirrors `find_separator`: a token of ASCII letters, digits and `-`, then
 * optional spaces/tabs, then the separator (a line starting with `:` gives 0).
 */
export function findSeparator(buf: string, pos = 0): number {
  SEPARATOR.lastIndex = pos;
  return SEPARATOR.test(buf) ? SEPARATOR.lastIndex - 1 - pos : -1;
}

/** A `---` line followed by whitespace starts a patch: the message ends there. */
function findPatchStart(buf: string): number {
  for (let s = 0; s < buf.length; s = nextLine(buf, s)) {
    if (buf.startsWith('---', s) && isGitSpace(buf[s + 3])) return s;
  }
  return buf.length;
}

function locateScissors(buf: string, len: number): number {
  if (buf.startsWith(CUT_LINE)) return 0;
  const at = buf.indexOf(`\n${CUT_LINE}`);
  // git would search past a patch divider; clamping keeps us inside the message
  return at === -1 ? len : Math.min(at + 1, len);
}

/** End of the log message once trailing comments, blank lines and an old `Conflicts:` block are dropped. */
function endOfLogMessage(buf: string, len: number): number {
  let boc = 0;
  let bol = 0;
  let inConflicts = false;
  const cutoff = locateScissors(buf, len);
  while (bol < cutoff) {
    const nl = buf.indexOf('\n', bol);
    const next = nl === -1 || nl >= len ? len : nl + 1;
    if (buf[bol] === COMMENT_CHAR || buf[bol] === '\n') {
      if (!boc) boc = bol;
    } else if (buf.startsWith('Conflicts:\n', bol)) {
      inConflicts = true;
      if (!boc) boc = bol;
    } else if (inConflicts && buf[bol] === '\t') {
      // a path listed in the conflicts block
    } else if (boc) {
      boc = 0;
      inConflicts = false;
    }
    bol = next;
  }
  // a run starting at offset 0 leaves boc at 0, as in git: nothing is cut then
  return boc ? boc : cutoff;
}

function lastLine(buf: string, len: number): number {
  if (len === 0) return -1;
  if (len === 1) return 0;
  const nl = buf.lastIndexOf('\n', len - 2);
  return nl === -1 ? 0 : nl + 1;
}

function endOfTitle(buf: string, len: number): number {
  let s = 0;
  for (; s < len; s = nextLine(buf, s)) {
    if (buf[s] === COMMENT_CHAR) continue;
    if (isBlankLine(buf, s)) break;
  }
  return s;
}

/**
 * Start of the trailer block that ends at `len`, or `len` when there is none.
 * The last paragraph counts if all its lines are trailers (continuation lines
 * included), or if ≥25% are and one has a git-generated prefix.
 */
function findTrailerStart(buf: string, len: number): number {
  const titleEnd = endOfTitle(buf, len);
  let onlySpaces = true;
  let recognizedPrefix = false;
  let trailerLines = 0;
  let nonTrailerLines = 0;
  let possibleContinuation = 0;
  for (let l = lastLine(buf, len); l >= titleEnd; l = lastLine(buf, l)) {
    if (buf[l] === COMMENT_CHAR) {
      nonTrailerLines += possibleContinuation;
      possibleContinuation = 0;
      continue;
    }
    if (isBlankLine(buf, l)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuation;
      if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) return nextLine(buf, l);
      if (trailerLines && !nonTrailerLines) return nextLine(buf, l);
      return len;
    }
    onlySpaces = false;
    if (GIT_GENERATED_PREFIXES.some((p) => buf.startsWith(p, l))) {
      trailerLines++;
      possibleContinuation = 0;
      recognizedPrefix = true;
    } else if (findSeparator(buf, l) >= 1 && !isGitSpace(buf[l])) {
      trailerLines++;
      possibleContinuation = 0;
    } else if (isGitSpace(buf[l])) {
      possibleContinuation++;
    } else {
      nonTrailerLines += 1 + possibleContinuation;
      possibleContinuation = 0;
    }
  }
  return len;
}

/** Offsets of a message's trailer block; `start === end` when it has none. */
export interface TrailerBlock {
  start: number;
  end: number;
}

/**
 * Locate the trailer block exactly as `git interpret-trailers` does; with
 * `noDivider`, as `git log --format=%(trailers)` does for a commit, where a
 * `---` line is no patch divider (git's t4205).
 * @example findTrailerBlock('Fix\n\nRisk: low\n') // { start: 5, end: 15 }
 */
export function findTrailerBlock(message: string, opts: { noDivider?: boolean } = {}): TrailerBlock {
  const end = endOfLogMessage(message, opts.noDivider ? message.length : findPatchStart(message));
  return { start: findTrailerStart(message, end), end };
}
