import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BugError } from '../../../src/core/errors.js';
import { generateChangeId, isChangeId } from '../../../src/core/record/change-id.js';

describe('generateChangeId', () => {
  it('is I plus the hex of the first 8 random bytes', () => {
    const bytes = randomBytes(8);
    expect(generateChangeId(() => bytes)).toBe(`I${bytes.toString('hex')}`);
    expect(generateChangeId(() => Buffer.from('00ff10ab7c9de2f4ffff', 'hex'))).toBe('I00ff10ab7c9de2f4');
  });

  it('gives distinct well-formed ids from the default source', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateChangeId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(isChangeId(id)).toBe(true);
  });

  it('treats too few random bytes as a bug', () => {
    expect(() => generateChangeId(() => Buffer.alloc(7))).toThrow(BugError);
  });
});

describe('isChangeId', () => {
  it.each([
    ['I0123456789abcdef', true],
    ['I0123456789ABCDEF', false],
    ['i0123456789abcdef', false],
    ['I0123456789abcde', false],
    ['I0123456789abcdef0', false],
    ['I0123456789abcdeg', false],
    ['', false],
  ])('%j -> %s', (s, ok) => {
    expect(isChangeId(s)).toBe(ok);
  });
});
