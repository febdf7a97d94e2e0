import { readFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { CfgtrailError } from '../core/errors.js';
import type { Person } from '../core/types.js';

/**
 * Who makes a change: `--author`, else git's usual sources (GIT_AUTHOR_NAME /
 * EMAIL, then user.name / user.email in the git config files), else the
 * user who ran `sudo` (like etckeeper), else `user@host`.
 */
export function resolveAuthor(flag: string | undefined, env: NodeJS.ProcessEnv): Person {
  if (flag) return parsePerson(flag);
  const cfg = gitConfigIdentity(env);
  const user = env.SUDO_USER || safeUser();
  const host = hostname();
  const name = env.GIT_AUTHOR_NAME || cfg.name || user;
  const email = env.GIT_AUTHOR_EMAIL || env.EMAIL || cfg.email || `${user}@${host}`;
  return { name, email };
}

/** `Name <email>` → Person; BAD_INPUT otherwise. */
export function parsePerson(text: string): Person {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$/.exec(text);
  if (!m || !m[1]) throw new CfgtrailError('BAD_INPUT', `--author must look like 'Name <email>', got '${text}'`, { text });
  return { name: m[1], email: m[2]! };
}

function gitConfigIdentity(env: NodeJS.ProcessEnv): { name?: string; email?: string } {
  const home = env.HOME || homedir();
  const files = ['/etc/gitconfig', join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config'), join(home, '.gitconfig')];
  const out: { name?: string; email?: string } = {};
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue; // no such config file
    }
    let section = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      const sec = /^\[\s*([^\]\s"]+)/.exec(line);
      if (sec) section = sec[1]!.toLowerCase();
      const kv = /^(\w+)\s*=\s*(.*)$/.exec(line);
      if (section === 'user' && kv) {
        const value = kv[2]!.replace(/^"(.*)"$/, '$1').trim();
        if (kv[1]!.toLowerCase() === 'name') out.name = value;
        if (kv[1]!.toLowerCase() === 'email') out.email = value;
      }
    }
  }
  return out;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown'; // no passwd entry (containers)
  }
}
