/**
 * Credentials for a git server: CFGTRAIL_REMOTE_USERNAME +
 * CFGTRAIL_REMOTE_PASSWORD, else a git-credential-store file
 * (`https://user:pass@host[:port][/path]` per line, percent-encoded).
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages (never the values): `the environment` or the file's path. */
  source: string;
}

/** The credentials file to read: CFGTRAIL_CREDENTIALS_FILE or `~/.config/cfgtrail/credentials`. */
export function credentialsFile(env: NodeJS.ProcessEnv): string {
  return env.CFGTRAIL_CREDENTIALS_FILE || join(env.HOME || homedir(), '.config', 'cfgtrail', 'credentials');
}

/**
 * The credentials for `url`, or null when neither the environment nor the
 * file has any (then the server is asked without).
 * @throws CfgtrailError BAD_INPUT for a file readable by group/others or owned by someone else
 */
export function findCredentials(url: string, env: NodeJS.ProcessEnv): Credentials | null {
  if (env.CFGTRAIL_REMOTE_USERNAME && env.CFGTRAIL_REMOTE_PASSWORD !== undefined) {
    return { username: env.CFGTRAIL_REMOTE_USERNAME, password: env.CFGTRAIL_REMOTE_PASSWORD, source: 'the environment (CFGTRAIL_REMOTE_USERNAME/CFGTRAIL_REMOTE_PASSWORD)' };
  }
  const file = credentialsFile(env);
  let st;
  try {
    st = statSync(file);
  } catch {
    return null; // no file: no credentials
  }
  if (!st.isFile()) {
    // a FIFO would block the read (no timeout, no SIGTERM) and a directory cannot be read
    throw new CfgtrailError('BAD_INPUT', `${file} is not a regular file: the credentials file holds one https://user:password@host line per server`, { file });
  }
  if ((st.mode & 0o077) !== 0 || (process.getuid && st.uid !== process.getuid())) {
    throw new CfgtrailError('BAD_INPUT', `${file} must be yours and private: run chmod 600 ${file}`, { file });
  }
  const found = matchCredentials(readFileSync(file, 'utf8'), url);
  return found ? { ...found, source: file } : null;
}

/**
 * The best entry of a git-credential-store text for `url`: same scheme, host
 * and port; an entry with a path must be a prefix of the URL's path (the
 * longest wins). Lines that do not parse are skipped, as git does.
 * @example matchCredentials('https://ci:tok@git.example.com\n', 'https://git.example.com/fleet.git') // { username: 'ci', password: 'tok' }
 */
export function matchCredentials(text: string, url: string): { username: string; password: string } | null {
  const target = new URL(url);
  let best: { username: string; password: string; len: number } | null = null;
  for (const line of text.split('\n')) {
    let entry: URL;
    try {
      entry = new URL(line.trim());
    } catch {
      continue; // not a URL: git-credential-store ignores such lines too
    }
    if (entry.protocol !== target.protocol || entry.host !== target.host || !entry.username) continue;
    const path = entry.pathname.replace(/\/+$/, '');
    if (path && target.pathname !== path && !target.pathname.startsWith(`${path}/`)) continue;
    if (!best || path.length > best.len) {
      best = { username: percentDecode(entry.username), password: percentDecode(entry.password), len: path.length };
    }
  }
  return best && { username: best.username, password: best.password };
}

/**
 * Decodes the %XX escapes of `text`; a `%` that starts none stays as it is,
 * as git-credential-store reads it (decodeURIComponent throws on one).
 * @example percentDecode('a%40b%zz') // 'a@b%zz'
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function percentDecode(text: string): string {
  return text.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return UTF8.decode(Buffer.from(run.replaceAll('%', ''), 'hex'));
    } catch {
      return run; // not UTF-8: kept as written rather than sent as U+FFFD
    }
  });
}

/** `text` with every credential value in it replaced by `***` (servers and libraries echo URLs). */
export function hideCredentials(text: string, creds: Credentials | null): string {
  let out = text.replace(/(\/\/)[^/@\s]*@/g, '$1');
  for (const secret of [creds?.password, creds && encodeURIComponent(creds.password)]) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}
