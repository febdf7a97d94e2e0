/**
 * Reflogs in git's own format (`STORE/logs/HEAD`, `STORE/logs/refs/heads/main`),
 * so `git reflog`, `git log -g` and recovery after a damaged ref work on a
 * cfgtrail store. Notes refs get none, as in git (core.logAllRefUpdates only
 * covers HEAD, branches and remotes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatSignature, type Signature } from './commit.js';
import { OID_HEX } from './oid.js';

export const ZERO_OID = '0'.repeat(40);
/** A reflog line: old id, new id (captured), then the signature and message. */
export const LOG_LINE = new RegExp(`^${OID_HEX} (${OID_HEX}) `);

/** One reflog line's contents. */
export interface ReflogEntry {
  /** The ref's previous value; null (40 zeros) for its first. */
  old: string | null;
  new: string;
  /** Who moved it and when (git takes the committer). */
  who: Signature;
  /** e.g. `commit (initial): Title`, `commit: Title`. */
  message: string;
}

/**
 * A reflog line as git writes it: `<old> <new> <Name> <email> <ts> <tz>\t<msg>\n`.
 * @example formatReflogLine({ old: null, new: oid, who, message: 'commit (initial): first' })
 */
export function formatReflogLine(e: ReflogEntry): string {
  // git keeps the message on one line (it turns newlines into spaces).
  const msg = e.message.replace(/\s*\n\s*/g, ' ').trim();
  return `${e.old ?? ZERO_OID} ${e.new} ${formatSignature(e.who)}\t${msg}\n`;
}

/** The file holding `ref`'s reflog (`HEAD` or a full ref name). */
export function reflogPath(gitdir: string, ref: string): string {
  return path.join(gitdir, 'logs', ref);
}

/**
 * Appends one line to `ref`'s reflog and fsyncs it. The caller holds the
 * store lock, so lines from two writers never interleave.
 */
export function appendReflog(gitdir: string, ref: string, e: ReflogEntry): void {
  const file = reflogPath(gitdir, ref);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a', 0o644);
  try {
    fs.writeSync(fd, formatReflogLine(e));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The newest value `ref`'s reflog records (the `new` of its last line that
 * has one), or null when there is no usable reflog.
 */
export function lastLoggedOid(gitdir: string, ref: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(reflogPath(gitdir, ref), 'latin1');
  } catch {
    return null; // no reflog: nothing to suggest
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = LOG_LINE.exec(lines[i]!);
    if (m && m[1] !== ZERO_OID) return m[1]!;
  }
  return null;
}
