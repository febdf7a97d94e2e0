import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { diffFile } from '../../../src/core/diff/diff-file.js';
import { diffTrees } from '../../../src/core/diff/diff-trees.js';
import { redactPatch } from '../../../src/core/diff/redact-patch.js';
import { isSecretKey, redactChanges, redactValue } from '../../../src/core/diff/redact.js';
import { caught } from '../../helpers/errors.js';

/** The mark computed independently: first 6 hex of sha256 of the value's JSON. */
const mark = (value: unknown): string =>
  `<redacted:${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 6)}>`;

describe('isSecretKey', () => {
  it.each(['password', 'db_password', 'PASSWD', 'clientSecret', 'accessToken', 'apikey', 'api_key', 'X-API-KEY', 'private_key', 'privateKey', 'credentials', 'awsCredential'])(
    '%s is secret',
    (key) => expect(isSecretKey(key)).toBe(true),
  );
  it.each(['host', 'port', 'replicas', 'passage', 'keyboard', 'name', 'image'])('%s is not', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
  it('takes custom patterns and rejects invalid ones with BAD_INPUT', () => {
    expect(isSecretKey('pin_code', ['pin'])).toBe(true);
    expect(isSecretKey('password', ['pin'])).toBe(false);
    expect(() => isSecretKey('x', ['('])).toThrow();
    expect(isCfgtrailError(caught(() => isSecretKey('x', ['('])), 'BAD_INPUT')).toBe(true);
  });
});

describe('redactChanges', () => {
  it('hides a changed secret field but keeps the change visible', () => {
    const changes = diffTrees('c', { db: { password: 'hunter2', host: 'a' } }, { db: { password: 'hunter3', host: 'b' } });
    const red = redactChanges(changes);
    expect(red.map((c) => [c.pathText, c.from, c.to])).toEqual([
      ['db.password', mark('hunter2'), mark('hunter3')],
      ['db.host', 'a', 'b'],
    ]);
    expect(red[0]?.from).not.toBe(red[0]?.to);
    expect(changes[0]?.from).toBe('hunter2'); // the input is not modified
  });

  it('hides secrets nested inside added and removed subtrees', () => {
    const added = { host: 'db', auth: { clientSecret: 's3', apiKey: { v: 1 } }, env: [{ name: 'DB_PASSWORD', value: 'pw' }] };
    const [change] = redactChanges(diffTrees('c', {}, { database: added }));
    expect(change?.to).toEqual({
      host: 'db',
      auth: { clientSecret: mark('s3'), apiKey: mark({ v: 1 }) },
      env: [{ name: 'DB_PASSWORD', value: mark('pw') }],
    });
    const [removed] = redactChanges(diffTrees('c', { credentials: { user: 'u', pass: 'p' } }, {}));
    expect(removed?.from).toMatch(/^<redacted:[0-9a-f]{6}>$/);
  });

  it('treats a key-matched entry name as a key (env[name=DB_PASSWORD].value)', () => {
    const before = { env: [{ name: 'DB_PASSWORD', value: 'a' }, { name: 'MODE', value: 'x' }] };
    const after = { env: [{ name: 'DB_PASSWORD', value: 'b' }, { name: 'MODE', value: 'y' }] };
    const red = redactChanges(diffTrees('c', before, after));
    expect(red.map((c) => [c.pathText, c.to])).toEqual([
      ['env[name=DB_PASSWORD].value', mark('b')],
      ['env[name=MODE].value', 'y'],
    ]);
  });

  it('gives stable marks: equal values equal, different values different, key order irrelevant', () => {
    expect(redactValue('hunter2')).toBe(redactValue('hunter2'));
    expect(redactValue('hunter2')).not.toBe(redactValue('hunter3'));
    expect(redactValue({ a: 1, b: 2 })).toBe(redactValue({ b: 2, a: 1 }));
    expect(redactValue(10)).not.toBe(redactValue('10'));
  });

  it('keeps a __proto__ key inside a redacted subtree an ordinary key', () => {
    const tree = JSON.parse('{"cfg": {"__proto__": {"token": "t"}}}') as unknown;
    const [change] = redactChanges(diffTrees('c', {}, tree));
    const to = change?.to as Record<string, unknown>;
    expect(Object.keys(to)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(to)).toBe(Object.prototype);
    expect(to['__proto__']).toEqual({ token: mark('t') });
  });
});

describe('redactPatch', () => {
  it('redacts YAML, JSON and KEY=value lines with secret keys, with the tree marks', () => {
    const d = diffFile(
      'app.env',
      Buffer.from('DB_PASSWORD=old\nMODE=a\n'),
      Buffer.from('DB_PASSWORD=new\nMODE=b\n'),
    );
    const patch = redactPatch(d.patch ?? '');
    expect(patch).toContain(`-DB_PASSWORD=${mark('old')}`);
    expect(patch).toContain(`+DB_PASSWORD=${mark('new')}`);
    expect(patch).toContain('+MODE=b');
    const yaml = redactPatch('@@ -1 +1 @@\n-  password: "hunter2"\n+  password: hunter3\n   host: x\n');
    expect(yaml).toBe(`@@ -1 +1 @@\n-  password: ${mark('hunter2')}\n+  password: ${mark('hunter3')}\n   host: x\n`);
    const json = redactPatch('@@ -1 +1 @@\n-  "apiKey": "k1",\n+  "apiKey": 42,\n');
    expect(json).toBe(`@@ -1 +1 @@\n-  "apiKey": ${mark('k1')},\n+  "apiKey": ${mark(42)},\n`);
  });

  it('redacts block scalars and maps nested under a secret key, and leaves file headers alone', () => {
    const patch = ['--- a/password.yaml', '+++ b/password.yaml', '@@ -1,4 +1,4 @@', ' privateKey: |', '-  LINE-ONE', '+  LINE-TWO', ' host: x'].join('\n');
    const out = redactPatch(patch);
    expect(out).not.toMatch(/LINE-ONE|LINE-TWO/);
    expect(out).toContain('--- a/password.yaml');
    expect(out).toContain(' host: x');
  });
});
