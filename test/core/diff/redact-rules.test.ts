import { describe, expect, it } from 'vitest';
import { classifyBuiltIn, compileSecretRules, keyWords } from '../../../src/core/diff/redact-rules.js';
import { redactLine } from '../../../src/core/diff/redact-text.js';
import { redactText } from '../../../src/core/diff/redact-lines.js';

const tag = () => '<T>';

describe('classifyBuiltIn: secret keys', () => {
  it.each([
    'pass', 'PASS', 'passwd', 'password', 'db_password', 'DB_PASS', 'SMTP_PASS', 'smtpPassword', 'SMTPPASSWORD', 'pwd', 'db-pwd',
    'secret', 'client_secret', 'clientSecret', 'token', 'accessToken', 'x-auth-token', 'api_key', 'apikey', 'apiKey', 'X-API-KEY',
    'auth', 'auth_header', 'Authorization', 'credential', 'credentials', 'awsCredential', 'private_key', 'privateKey',
    'access_key', 'aws_secret_access_key', 'session', 'session_secret', 'cookie', 'cookie_secret', 'DB_KEY', 'stripe_key',
    'signing-key', 'tls.key', 'requirepass', 'masterauth', 'passphrase',
  ])('%s is secret', (key) => expect(classifyBuiltIn(key)).toBe('secret'));
});

describe('classifyBuiltIn: not secret', () => {
  it.each(['author', 'authors', 'keyboard', 'monkey', 'passive', 'bypass', 'compass', 'passenger', 'tokenizer_path', 'key', 'host', 'port', 'image', 'public_key', 'primary_key', 'cache_key', 'key_id', 'oauth'])(
    '%s is not secret',
    (key) => expect(classifyBuiltIn(key)).not.toBe('secret'),
  );
  it.each(['token_ttl', 'session_timeout', 'max_tokens', 'password_min_length', 'password_file', 'auth_enabled', 'cookie_name', 'auth_type', 'secretKeyRef', 'token_url', 'ssl_password_file'])(
    '%s is about a secret, not one',
    (key) => expect(classifyBuiltIn(key)).toBe('meta'),
  );
  it('splits words on case and separators', () => {
    expect(keyWords('X-Api-Key')).toEqual(['x', 'api', 'key']);
    expect(keyWords('clientSecretID')).toEqual(['client', 'secret', 'id']);
    expect(keyWords('DB_PASS')).toEqual(['db', 'pass']);
  });
});

describe('compileSecretRules', () => {
  it('adds keys from settings and value patterns (group 1 only when there is one)', () => {
    const r = compileSecretRules({ keys: ['^pin$'], values: ['acme_[a-z0-9]{8}', 'id=(\\d{6})'] });
    expect(r.classifyKey('PIN')).toBe('secret');
    expect(r.classifyKey('spin')).toBe('plain');
    expect(redactLine('x acme_ab12cd34 y', r, tag)).toBe('x <T> y');
    expect(redactLine('ref id=123456 ok', r, tag)).toBe('ref id=<T> ok');
  });

  it('returns the same compiled rules for the same settings', () => {
    expect(compileSecretRules({ keys: ['a'] })).toBe(compileSecretRules({ keys: ['a'] }));
  });
});

describe('value shapes', () => {
  const r = compileSecretRules();
  it.each([
    ['dsn: postgres://app:S3cr3t@db/app', 'dsn: postgres://app:<T>@db/app'],
    ['redis://:R3d1s@cache:6379/0', 'redis://:<T>@cache:6379/0'],
    ['x = Basic dXNlcjpwYXNzd29yZA==', 'x = Basic <T>'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV', 'jwt <T>'],
    ['a github_pat_11ABCDEFG0123456789_abcdefghijKLMNOPQRSTuvwx b', 'a <T> b'],
    ['slack xoxp-123456789012-abcdefABCDEF', 'slack <T>'],
    ['stripe sk_live_51HxYzAbCdEfGhIjKl', 'stripe <T>'],
  ])('%s', (line, want) => expect(redactLine(line, r, tag)).toBe(want));

  it.each(['Use Basic authentication here', 'image: nginx:1.25', 'http://example.com/a:b', 'author: Jane Doe', 'keyboard = us', 'tokenizer_path: /models/tok.json', 'max_tokens: 4096'])(
    'leaves %s alone',
    (line) => expect(redactLine(line, r, tag)).toBe(line),
  );
});

describe('lines of config formats', () => {
  const r = compileSecretRules();
  it.each([
    ['        proxy_pass http://backend;', '        proxy_pass http://backend;'],
    ['        fastcgi_pass unix:/run/php.sock;', '        fastcgi_pass unix:/run/php.sock;'],
    ['password = hunter22', 'password = <T>'],
    ['password hunter22', 'password <T>'],
    ['requirepass foobared1', 'requirepass <T>'],
    ['export DB_PASS="x y z"', 'export DB_PASS="<T>"'],
    ['Environment="API_TOKEN=abc123" "MODE=x"', 'Environment="API_TOKEN=<T>" "MODE=x"'],
    ['  - --db-password=abc123 --verbose', '  - --db-password=<T> --verbose'],
    ['db: {user: u, password: S5, pool: 5', 'db: {user: u, password: <T>, pool: 5'],
    ['DB_PASS=a,b;c # rotated', 'DB_PASS=<T> # rotated'],
  ])('%s', (line, want) => expect(redactLine(line, r, tag)).toBe(want));
});

describe('more text formats', () => {
  const r = compileSecretRules();
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([
    ['machine git.internal login deploy password N3trcPw', 'machine git.internal login deploy password <T>'],
    ["ALTER USER app WITH PASSWORD 'Sql-Pw-1';", "ALTER USER app WITH PASSWORD '<T>';"],
    ['  <password>XmlPw-1</password>', '  <password><T></password>'],
    ['<ns:clientSecret attr="1">XmlSec</ns:clientSecret>', '<ns:clientSecret attr="1"><T></ns:clientSecret>'],
    ['<add key="DbPassword" value="NetPw-1" />', '<add key="DbPassword" value="<T>" />'],
    [`  DB_URL: ${b64('postgres://app:B64-Pw@db/app')}`, '  DB_URL: <T>'],
    [`DATABASE_URL=${b64('postgres://app:B64-Pw@db/app')}`, 'DATABASE_URL=<T>'],
    [`{"auths": {"r.io": {"auth": "x", "blob": "${b64('user: u\npassword: hunter22\n')}"}}}`, '{"auths": {"r.io": {"auth": "<T>", "blob": "<T>"}}}'],
  ])('%s', (line, want) => expect(redactLine(line, r, tag)).toBe(want));

  it.each(['<name>billing</name>', `  logo: ${Buffer.from('just a plain label here').toString('base64')}`, '/usr/local/bin/billing-worker-process'])('leaves %s alone', (line) => {
    expect(redactLine(line, r, tag)).toBe(line);
  });
});

describe('hostile lines', () => {
  const r = compileSecretRules();
  const n = 200_000;
  it.each([
    ['a-'.repeat(n / 2)],
    [`password ${' '.repeat(n)}x`],
    ['password=a '.repeat(n / 11)],
    ['password: |x '.repeat(n / 13)],
    [`${'a'.repeat(n)}://u:p@h`],
    ['<a '.repeat(n / 3)],
    [`token=${'x;'.repeat(n / 2)}`],
    [`${'{'.repeat(n / 2)}password: x`],
    [`secret ${'a '.repeat(n / 2)}`],
    [`${'A'.repeat(n)}=`],
    [`auth${':'.repeat(n)}`],
  ])('a %#th 200 KB line is redacted in linear time', (line) => {
    const t = performance.now();
    redactLine(line, r, tag);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});

describe('values inside quoted strings', () => {
  const r = compileSecretRules();
  it.each([
    ['<add name="Main" connectionString="Server=db;Password=Cn-Pw1;" />', '<add name="Main" connectionString="Server=db;Password=<T>;" />'],
    ["cmd: 'run --token=Tk-123 --fast'", "cmd: 'run --token=<T> --fast'"],
  ])('%s', (line, want) => expect(redactLine(line, r, tag)).toBe(want));
});

describe('hostile texts through the line redactor', () => {
  const r = compileSecretRules();
  const n = 200_000;
  it.each([
    [`password${' '.repeat(n)}x: |`],
    [`- name: DB_PASSWORD\n  value: a${' '.repeat(n)}b`],
    [`secret_key: |\n${'    x\n'.repeat(n / 6)}`],
    [`-----BEGIN PRIVATE KEY-----\n${'A'.repeat(n)}`],
  ])('a %#th 200 KB text is redacted in linear time', (text) => {
    const t = performance.now();
    redactText(text, r, tag);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});

describe('prose is not a secret', () => {
  const r = compileSecretRules();
  it.each(['# This TLS & bearer token file config is used to connect', '# Password must be rotated monthly', 'The token expires after an hour.'])('leaves %s alone', (line) => {
    expect(redactLine(line, r, tag)).toBe(line);
  });
  it('still hides a lower-case .netrc password and a one-word directive value', () => {
    expect(redactLine('machine h login u password hunter', r, tag)).toBe('machine h login u password <T>');
    expect(redactLine('requirepass foobared', r, tag)).toBe('requirepass <T>');
  });
});
