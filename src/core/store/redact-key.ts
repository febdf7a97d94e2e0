import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CfgtrailError } from '../errors.js';

/** The store's redaction key: 32 random bytes as hex, mode 0600. */
export const REDACT_KEY_FILE = 'cfgtrail-redact.key';

const KEY_TEXT = /^[0-9a-f]{64}\n?$/;

/**
 * The key that makes `<redacted:…>` tags stable within a store but
 * uncheckable outside it. Created on first need by writing a private temp
 * file and hard-linking it into place, which fails if another process got
 * there first: both then use the one key that won. No store lock is needed.
 * A store this user cannot write or read (an auditor's read-only copy) gets a
 * key for this process only: tags are then not comparable between runs.
 * @throws CfgtrailError CORRUPT_STORE when the key file exists but is not a key.
 */
export function readRedactKey(gitdir: string, opts: { random?: (n: number) => Buffer } = {}): Buffer {
  const file = join(gitdir, REDACT_KEY_FILE);
  const existing = readKeyFile(file);
  if (existing !== null) return existing;
  const key = (opts.random ?? randomBytes)(32);
  try {
    publishKey(file, key);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return readKeyFile(file) ?? key;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return key;
    throw e;
  }
  return readKeyFile(file) ?? key;
}

function readKeyFile(file: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null; // not created yet: the caller creates it
    if (code === 'EACCES' || code === 'EPERM') return randomBytes(32);
    throw e;
  }
  if (!KEY_TEXT.test(text)) {
    throw new CfgtrailError('CORRUPT_STORE', `${file}: not a redaction key (expected 64 hex digits); delete it to make a new one (redaction tags will change)`, { file });
  }
  return Buffer.from(text.slice(0, 64), 'hex');
}

/** Writes the key to a private temp file, then links it in; EEXIST when another process won. */
function publishKey(file: string, key: Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
