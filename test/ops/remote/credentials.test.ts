import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCredentials, hideCredentials, matchCredentials } from '../../../src/ops/remote/credentials.js';
import { checkRefComponent } from '../../../src/ops/remote/host-name.js';
import { checkRemoteUrl } from '../../../src/ops/remote/remotes.js';
import { tempDir } from '../../helpers/cli.js';
import { caught } from '../../helpers/errors.js';

function expectCode(fn: () => unknown, code: string): void {
  expect((caught(fn) as { code?: string } | undefined)?.code).toBe(code);
}

const FILE = [
  'https://all:a%40b@git.example.com',
  'https://deep:d%3Ae@git.example.com/fleet',
  'https://other:o@git.example.com:8443',
  'http://plain:p@git.example.com',
  'not a url',
  'https://nouser@',
].join('\n');

describe('credentials from a git-credential-store file', () => {
  it.each([
    ['https://git.example.com/x.git', { username: 'all', password: 'a@b' }],
    ['https://git.example.com/fleet/hosts.git', { username: 'deep', password: 'd:e' }], // longest path prefix wins
    ['https://git.example.com/fleetwood.git', { username: 'all', password: 'a@b' }], // a prefix of a name is not a path prefix
    ['https://git.example.com:8443/x.git', { username: 'other', password: 'o' }],
    ['http://git.example.com/x.git', { username: 'plain', password: 'p' }],
    ['https://elsewhere.example/x.git', null],
  ])('%s', (url, want) => {
    expect(matchCredentials(FILE, url)).toEqual(want);
  });

  it('keeps a % that starts no %XX escape as it is (git-credential-store does), instead of an internal error', () => {
    expect(matchCredentials('https://ci:S3cr3t%zz%4@git.example.com\nhttps://x%2:p%@other.example\n', 'https://git.example.com/x.git')).toEqual({ username: 'ci', password: 'S3cr3t%zz%4' });
    expect(matchCredentials('https://x%2:p%25%@other.example\n', 'https://other.example/x.git')).toEqual({ username: 'x%2', password: 'p%%' });
    expect(matchCredentials('https://ci:%C3%A9t%C3@git.example.com\n', 'https://git.example.com/')).toEqual({ username: 'ci', password: 'ét%C3' });
  });

  it('refuses a credentials path that is not a regular file in one line (a FIFO would block the command, even against SIGTERM)', () => {
    const dir = tempDir();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    for (const file of [fifo, dir]) {
      const e = caught(() => findCredentials('https://git.example.com/x.git', { CFGTRAIL_CREDENTIALS_FILE: file })) as { code?: string; message?: string };
      expect(e.code).toBe('BAD_INPUT');
      expect(e.message).toBe(`${file} is not a regular file: the credentials file holds one https://user:password@host line per server`);
    }
  });

  it('prefers the environment, refuses a file others can read, and reads a 0600 one', () => {
    const dir = tempDir();
    const file = join(dir, 'credentials');
    writeFileSync(file, FILE);
    chmodSync(file, 0o640);
    const env = { CFGTRAIL_CREDENTIALS_FILE: file };
    expectCode(() => findCredentials('https://git.example.com/x.git', env), 'BAD_INPUT');
    chmodSync(file, 0o600);
    expect(findCredentials('https://git.example.com/x.git', env)).toEqual({ username: 'all', password: 'a@b', source: file });
    expect(findCredentials('https://git.example.com/x.git', { ...env, CFGTRAIL_REMOTE_USERNAME: 'u', CFGTRAIL_REMOTE_PASSWORD: 't' })?.source).toMatch(/environment/);
    expect(findCredentials('https://git.example.com/x.git', { CFGTRAIL_CREDENTIALS_FILE: join(dir, 'none') })).toBeNull();
    if (process.getuid?.() === 0) {
      chownSync(file, 65534, 65534); // private, but someone else's
      expectCode(() => findCredentials('https://git.example.com/x.git', env), 'BAD_INPUT');
    }
  });

  it('hides user:password@ in URLs and the password itself, raw or percent-encoded', () => {
    const creds = { username: 'u', password: 'p@ss word', source: 'env' };
    expect(hideCredentials('fatal: https://u:x@h/ said p@ss word and p%40ss%20word', creds)).toBe('fatal: https://h/ said *** and ***');
  });
});

describe('names and URLs of the fleet contract', () => {
  it.each(['web-1', 'db_2.example.com', 'A9'])('accepts host %s', (h) => expect(checkRefComponent(h, 'host')).toBe(h));
  it.each(['', '.web', '-web', 'a..b', 'web.lock', 'a/b', 'a b', 'wéb', 'a:b', 'a~1', 'a^', 'a*', 'a\\b', 'h'.repeat(201)])('refuses host %j', (h) => {
    expectCode(() => checkRefComponent(h, 'host'), 'BAD_INPUT');
  });
  it.each(['https://git.example.com/fleet.git', 'http://127.0.0.1:8080/f.git'])('accepts %s', (u) => expect(() => checkRemoteUrl(u)).not.toThrow());
  it.each(['ssh://git@x/f.git', 'git@x:f.git', 'file:///srv/f.git', 'https://u:p@x/f.git', 'https://u@x/f.git', 'nonsense'])('refuses %s', (u) => {
    expectCode(() => checkRemoteUrl(u), 'BAD_INPUT');
  });
});
