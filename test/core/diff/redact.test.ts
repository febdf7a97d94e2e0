import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { diffFile } from '../../../src/core/diff/diff-file.js';
import { diffTrees } from '../../../src/core/diff/diff-trees.js';
import { redactPatch } from '../../../src/core/diff/redact-patch.js';
import { canonicalJson, createRedactor, isSecretKey, redactChanges, redactValue } from '../../../src/core/diff/redact.js';
import { formatValue } from '../../../src/cli/format/diff.js';
import { caught } from '../../helpers/errors.js';

const KEY = Buffer.alloc(32, 7);
const R = createRedactor({ key: () => KEY });
/** The tag computed independently: first 6 hex of HMAC-SHA256(key, the value's JSON). */
const mark = (value: unknown): string =>
  `<redacted:${createHmac('sha256', KEY).update(JSON.stringify(value)).digest('hex').slice(0, 6)}>`;

describe('redactValue', () => {
  it('is a keyed hash: stable under one key, different under another, never the plain sha256', () => {
    expect(redactValue('hunter2', R)).toBe(mark('hunter2'));
    expect(redactValue('hunter2', R)).toBe(redactValue('hunter2', R));
    expect(redactValue('hunter2', R)).not.toBe(redactValue('hunter3', R));
    expect(redactValue('hunter2', createRedactor({ key: () => Buffer.alloc(32, 8) }))).not.toBe(mark('hunter2'));
    expect(redactValue({ a: 1, b: 2 }, R)).toBe(redactValue({ b: 2, a: 1 }, R));
    expect(redactValue(10, R)).not.toBe(redactValue('10', R));
  });

  it('reads the key once, and only when a value is hidden', () => {
    let reads = 0;
    const r = createRedactor({ key: () => (reads++, KEY) });
    expect(redactChanges(diffTrees('c', { host: 'a' }, { host: 'b' }), r)[0]?.to).toBe('b');
    expect(reads).toBe(0);
    redactValue('x', r);
    redactValue('y', r);
    expect(reads).toBe(1);
  });

  it('tags trees deeper than the stack allows', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20_000; i += 1) deep = { password: deep };
    expect(canonicalJson({ b: [1, { c: null }], a: 'x' })).toBe(JSON.stringify({ a: 'x', b: [1, { c: null }] }));
    expect(redactValue(deep, R)).toMatch(/^<redacted:[0-9a-f]{6}>$/);
    const [c] = redactChanges([{ file: 'f', path: ['cfg'], pathText: 'cfg', kind: 'added', to: deep }], R);
    expect(JSON.stringify(c?.to).length).toBeLessThan(200_000);
    expect(JSON.stringify(c?.to)).not.toContain('bottom');
  });
});

describe('isSecretKey', () => {
  it('takes extra patterns and rejects invalid ones with BAD_INPUT', () => {
    expect(isSecretKey('pin_code', ['pin'])).toBe(true);
    expect(isSecretKey('pin_code')).toBe(false);
    expect(isCfgtrailError(caught(() => isSecretKey('x', ['('])), 'BAD_INPUT')).toBe(true);
  });
});

describe('redactChanges', () => {
  it('hides a changed secret field but keeps the change visible', () => {
    const changes = diffTrees('c', { db: { password: 'hunter2', host: 'a' } }, { db: { password: 'hunter3', host: 'b' } });
    const red = redactChanges(changes, R);
    expect(red.map((c) => [c.pathText, c.from, c.to])).toEqual([
      ['db.password', mark('hunter2'), mark('hunter3')],
      ['db.host', 'a', 'b'],
    ]);
    expect(changes[0]?.from).toBe('hunter2'); // the input is not modified
  });

  it('hides secrets nested inside added subtrees and keeps settings about them', () => {
    const added = {
      host: 'db',
      auth: { clientSecret: 's3', apiKey: { v: 1 }, type: 'oauth', token_ttl: 3600 },
      env: [{ name: 'DB_PASS', value: 'pw' }],
      args: ['--verbose', '--db-password', 'pw2', '--port', '5432'],
    };
    const [change] = redactChanges(diffTrees('c', {}, { database: added }), R);
    expect(change?.to).toEqual({
      host: 'db',
      auth: { clientSecret: mark('s3'), apiKey: { v: mark(1) }, type: 'oauth', token_ttl: 3600 },
      env: [{ name: 'DB_PASS', value: mark('pw') }],
      args: ['--verbose', '--db-password', mark('pw2'), '--port', '5432'],
    });
    const [removed] = redactChanges(diffTrees('c', { credentials: { user: 'u', pass: 'p' } }, {}), R);
    expect(removed?.from).toEqual({ user: mark('u'), pass: mark('p') });
  });

  it('treats a key-matched entry name as a key (env[name=DB_PASSWORD].value)', () => {
    const before = { env: [{ name: 'DB_PASSWORD', value: 'a' }, { name: 'MODE', value: 'x' }] };
    const after = { env: [{ name: 'DB_PASSWORD', value: 'b' }, { name: 'MODE', value: 'y' }] };
    const red = redactChanges(diffTrees('c', before, after), R);
    expect(red.map((c) => [c.pathText, c.to])).toEqual([
      ['env[name=DB_PASSWORD].value', mark('b')],
      ['env[name=MODE].value', 'y'],
    ]);
  });

  it('hides secret-shaped values under ordinary keys, only the secret part', () => {
    const after = {
      dsn: 'postgres://app:Pg-S3cret@db.internal:5432/app',
      header: 'Authorization: Bearer abcDEF123456789xyz',
      note: 'see ghp_0123456789abcdefghijABCDEFGHIJ012345 and AKIAIOSFODNN7EXAMPLE',
      conn: 'Server=db;User Id=app;Password=Sq1-P4ss;Encrypt=true',
      image: 'nginx:1.25',
      author: 'Jane',
    };
    const [c] = redactChanges(diffTrees('c', {}, { x: after }), R);
    const to = c?.to as Record<string, string>;
    expect(to.dsn).toBe(`postgres://app:${mark('Pg-S3cret')}@db.internal:5432/app`);
    expect(to.header).toBe(`Authorization: ${mark('Bearer abcDEF123456789xyz')}`);
    expect(to.note).toBe(`see ${mark('ghp_0123456789abcdefghijABCDEFGHIJ012345')} and ${mark('AKIAIOSFODNN7EXAMPLE')}`);
    expect(to.conn).toBe(`Server=db;User Id=app;Password=${mark('Sq1-P4ss')};Encrypt=true`);
    expect(to.image).toBe('nginx:1.25');
    expect(to.author).toBe('Jane');
  });

  it('hides the body of a PEM private key under any key, but not a certificate', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7Qk\nZm9vYmFyYmF6\n-----END RSA PRIVATE KEY-----\n';
    const cert = '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----\n';
    const [c] = redactChanges(diffTrees('c', {}, { tls: { material: pem, chain: cert } }), R);
    const to = c?.to as Record<string, string>;
    expect(to.material).not.toMatch(/MIIEow|Zm9v/);
    expect(to.material).toContain('-----BEGIN RSA PRIVATE KEY-----');
    expect(to.chain).toBe(cert);
  });

  it('hides secret-shaped map keys and path segments', () => {
    const [c] = redactChanges(diffTrees('c', {}, { users: { 'ghp_0123456789abcdefghijABCDEFGHIJ012345': 'admin' } }), R);
    expect(JSON.stringify(c)).not.toContain('ghp_0123');
    const [d] = redactChanges(diffTrees('c', { m: { 'xoxb-1234567890-abcdefghij': 1 } }, { m: { 'xoxb-1234567890-abcdefghij': 2 } }), R);
    expect(d?.pathText).not.toContain('xoxb-1234');
  });

  it('keeps a __proto__ key inside a redacted subtree an ordinary key', () => {
    const tree = JSON.parse('{"cfg": {"__proto__": {"token": "t"}}}') as unknown;
    const [change] = redactChanges(diffTrees('c', {}, tree), R);
    const to = change?.to as Record<string, unknown>;
    expect(Object.keys(to)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(to)).toBe(Object.prototype);
    expect(to['__proto__']).toEqual({ token: mark('t') });
  });

  it('redacts before a long value is cut for display (no DBPA… prefix)', () => {
    const long = { DB_PASS: 'DBPASSWORDVALUE-0123456789', padding: 'x'.repeat(120) };
    const [c] = redactChanges(diffTrees('c', {}, { env: long }), R);
    const shown = formatValue(c?.to);
    expect(shown).toContain('DB_PASS: <redacted:');
    expect(shown).not.toContain('DBPA');
  });
});

describe('redactPatch', () => {
  it('redacts YAML, JSON and KEY=value lines with secret keys, with the tree marks', () => {
    const d = diffFile('app.env', Buffer.from('DB_PASS=old\nMODE=a\n'), Buffer.from('DB_PASS=new\nMODE=b\n'));
    const patch = redactPatch(d.patch ?? '', R);
    expect(patch).toContain(`-DB_PASS=${mark('old')}`);
    expect(patch).toContain(`+DB_PASS=${mark('new')}`);
    expect(patch).toContain('+MODE=b');
    const yaml = redactPatch('@@ -1 +1 @@\n-  password: "hunter2"\n+  password: hunter3\n   host: x\n', R);
    expect(yaml).toBe(`@@ -1 +1 @@\n-  password: "${mark('hunter2')}"\n+  password: ${mark('hunter3')}\n   host: x\n`);
    const json = redactPatch('@@ -1 +1 @@\n-  "apiKey": "k1",\n+  "apiKey": 42,\n', R);
    expect(json).toBe(`@@ -1 +1 @@\n-  "apiKey": "${mark('k1')}",\n+  "apiKey": ${mark(42)},\n`);
  });

  it('redacts block scalars and maps nested under a secret key, and leaves file headers alone', () => {
    const patch = ['--- a/password.yaml', '+++ b/password.yaml', '@@ -1,4 +1,4 @@', ' privateKey: |', '-  LINE-ONE', '+  LINE-TWO', ' host: x'].join('\n');
    const out = redactPatch(patch, R);
    expect(out).not.toMatch(/LINE-ONE|LINE-TWO/);
    expect(out).toContain('--- a/password.yaml');
    expect(out).toContain(' host: x');
  });

  it('redacts anywhere on a line of a file that does not parse', () => {
    const lines = [
      'db: {user: u, password: S5cr3tFlow, host: h',
      '{"auth": {"user": "u", "pass": "Tr41l1ng"},}',
      'Environment=DB_PASS=SysD-P4ss MODE=prod',
      '    proxy_set_header Authorization "Bearer NgxT0ken123456";',
      'requirepass R3dis-Pass',
      '# password = Comm3nted',
      'url = "https://u:UrlP4ss@h/x?token=QueryT0k&x=1"',
    ];
    const out = redactPatch(`@@ -1,7 +1,7 @@\n${lines.map((l) => `+${l}`).join('\n')}\n`, R);
    for (const secret of ['S5cr3tFlow', 'Tr41l1ng', 'SysD-P4ss', 'NgxT0ken', 'R3dis-Pass', 'Comm3nted', 'UrlP4ss', 'QueryT0k']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('user: u');
    expect(out).toContain('host: h');
    expect(out).toContain('MODE=prod');
    expect(out).toContain('proxy_set_header Authorization');
  });

  it('hides PEM bodies and base64 lines even when the hunk starts inside the key', () => {
    const out = redactPatch(['@@ -5,3 +5,3 @@', ' MIIEpAIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyzAB', '-ZmFrZWtleWxpbmVmb3J0ZXN0aW5nb25seQ0123456789abcdefgh', '+cGVtYm9keWxpbmVmb3J0ZXN0aW5nb25seQ0123456789abcdefgh', ' -----END PRIVATE KEY-----'].join('\n'), R);
    expect(out).not.toMatch(/MIIEp|ZmFr|cGVt/);
    expect(out).toContain('-----END PRIVATE KEY-----');
  });
});

describe('bare key under a secret-ish parent', () => {
  it('hides tls.key and ssl.key but not cache.key', () => {
    const red = redactChanges(diffTrees('c', { tls: { key: 'a' }, cache: { key: 'k1' } }, { tls: { key: 'b' }, cache: { key: 'k2' } }), R);
    expect(red.map((c) => [c.pathText, c.to])).toEqual([
      ['tls.key', mark('b')],
      ['cache.key', 'k2'],
    ]);
    const [added] = redactChanges(diffTrees('c', {}, { ssl: { key: 'x', cert: '/c.pem' } }), R);
    expect(added?.to).toEqual({ key: mark('x'), cert: '/c.pem' });
  });
});

describe('names that are not secrets', () => {
  it('shows fields of an entry named like a secret word, and host:port values', () => {
    const before = { upstreams: [{ name: 'auth', url: 'http://auth.internal:9000', timeout: '2s' }], cache: 'session.internal:6379' };
    const after = { upstreams: [{ name: 'auth', url: 'http://auth.internal:9001', timeout: '5s' }], cache: 'session.internal:6380' };
    const red = redactChanges(diffTrees('c', before, after), R);
    expect(red.map((c) => [c.pathText, c.to])).toEqual([
      ['upstreams[name=auth].url', 'http://auth.internal:9001'],
      ['upstreams[name=auth].timeout', '5s'],
      ['cache', 'session.internal:6380'],
    ]);
  });
});

describe('encoded and Kubernetes Secret values', () => {
  it('hides base64 that decodes to a secret, and all of stringData', () => {
    const url = Buffer.from('postgres://app:B64-Pw@db/app').toString('base64');
    const plain = Buffer.from('billing-service').toString('base64');
    const [c] = redactChanges(diffTrees('s.yaml', {}, { kind: 'Secret', data: { DB_URL: url, NAME: plain }, stringData: { anything: 'Str-Data-1' } }), R);
    const [k, d, sd] = redactChanges(diffTrees('s.yaml', {}, { kind: 'Secret', data: { DB_URL: url, NAME: plain }, stringData: { anything: 'Str-Data-1' } }), R);
    expect(c?.pathText).toBe('kind');
    expect(k?.to).toBe('Secret');
    expect(d?.to).toEqual({ DB_URL: mark(url), NAME: plain });
    expect(sd?.to).toEqual({ anything: mark('Str-Data-1') });
  });
});

describe('redactPatch with the texts it was made from', () => {
  it('starts a hunk in the state of its first line (under password: |, inside a key)', () => {
    const lines = (x: string) => ['app:', '  password: |', '    line-one', '    line-two', '    line-three', '    line-four', `    line-${x}`, '    line-six', 'host: h', ''].join('\n');
    const before = lines('five');
    const after = lines('FIVE');
    const d = diffFile('app.conf', Buffer.from(before), Buffer.from(after), { context: 1 });
    expect(d.patch).toContain('@@ -6,3 +6,3 @@');
    const withSources = redactPatch(d.patch!, R, { before, after });
    expect(withSources).not.toMatch(/line-(four|five|FIVE|six)/);
    const hunk = withSources.split('\n').filter((l) => /^[-+ ]/.test(l) && !/^(---|\+\+\+)/.test(l));
    expect(hunk).toEqual([`     ${mark('line-four')}`, `-    ${mark('line-five')}`, `+    ${mark('line-FIVE')}`, `     ${mark('line-six')}`]);
  });
});

describe('Helm and Kubernetes settings that are not secrets (from fixtures/helm-values)', () => {
  it('shows topologyKey, userKey, sessionAffinity, tlsClientAuth and *SecretName', () => {
    const values = { podAntiAffinityTopologyKey: 'kubernetes.io/hostname', admin: { userKey: 'admin-user' }, service: { sessionAffinity: 'None' }, tls: { tlsClientAuth: false }, tlsSecretName: 'web-tls', bearerTokenFile: '/var/run/secrets/token' };
    const [c] = redactChanges(diffTrees('v.yaml', {}, { chart: values }), R);
    expect(c?.to).toEqual(values);
    const [d] = redactChanges(diffTrees('v.yaml', {}, { x: { DB_KEY: 'k1', signingKey: 'k2', passwordKey: 'admin-password' } }), R);
    expect(d?.to).toEqual({ DB_KEY: mark('k1'), signingKey: mark('k2'), passwordKey: mark('admin-password') });
  });
});
