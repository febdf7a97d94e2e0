import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { readRedactKey, REDACT_KEY_FILE } from '../../../src/core/store/redact-key.js';
import { caught } from '../../helpers/errors.js';

function tempStore(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-key-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('readRedactKey', () => {
  it('creates a 0600 key on first need and reads the same key afterwards', () => {
    const dir = tempStore();
    const key = readRedactKey(dir);
    expect(key).toHaveLength(32);
    expect(statSync(join(dir, REDACT_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readRedactKey(dir).equals(key)).toBe(true);
    expect(readdirSync(dir)).toEqual([REDACT_KEY_FILE]); // no temp file left behind
  });

  it('lets the first writer win: a loser reads the winner key', () => {
    const dir = tempStore();
    writeFileSync(join(dir, REDACT_KEY_FILE), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    expect(readRedactKey(dir, { random: () => Buffer.alloc(32, 1) }).toString('hex')).toBe('ab'.repeat(32));
  });

  it('refuses a key file that is not a key with CORRUPT_STORE', () => {
    const dir = tempStore();
    writeFileSync(join(dir, REDACT_KEY_FILE), 'nope');
    expect(isCfgtrailError(caught(() => readRedactKey(dir)), 'CORRUPT_STORE')).toBe(true);
  });
});
