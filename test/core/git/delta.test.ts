import { describe, expect, it } from 'vitest';
import { applyDelta, createDelta } from '../../../src/core/git/delta.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { rng } from './objects-fixtures.js';
import { caught } from '../../helpers/errors.js';

function randomBytes(rand: () => number, n: number, alphabet = 256): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * alphabet);
  return b;
}

/** Applies a few random edits (replace, insert, delete, move) to a copy of `base`. */
function mutate(rand: () => number, base: Buffer): Buffer {
  let t = Buffer.from(base);
  const edits = Math.floor(rand() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (t.length + 1));
    const len = Math.floor(rand() * 200);
    const kind = Math.floor(rand() * 4);
    if (kind === 0) t = Buffer.concat([t.subarray(0, at), randomBytes(rand, len), t.subarray(at + len)]);
    else if (kind === 1) t = Buffer.concat([t.subarray(0, at), randomBytes(rand, len, 4), t.subarray(at)]);
    else if (kind === 2) t = Buffer.concat([t.subarray(0, at), t.subarray(at + len)]);
    else t = Buffer.concat([t.subarray(at), t.subarray(0, at)]);
  }
  return t;
}

describe('createDelta / applyDelta', () => {
  it('round-trips random edits of random inputs', () => {
    const rand = rng(42);
    let smaller = 0;
    for (let i = 0; i < 300; i++) {
      const size = Math.floor(rand() ** 3 * 200_000);
      const base = randomBytes(rand, size, i % 2 ? 256 : 3);
      const target = mutate(rand, base);
      const delta = createDelta(base, target);
      expect(applyDelta(base, delta).equals(target)).toBe(true);
      if (size > 5000 && delta.length < target.length / 4) smaller++;
    }
    // large inputs with few edits must actually compress
    expect(smaller).toBeGreaterThan(20);
  });

  it('handles edge cases: empty, tiny, identical, unrelated and >64 KiB copies', () => {
    const rand = rng(7);
    const big = randomBytes(rand, 300_000);
    const cases: [Buffer, Buffer][] = [
      [Buffer.alloc(0), Buffer.alloc(0)],
      [Buffer.alloc(0), Buffer.from('hello')],
      [Buffer.from('hello'), Buffer.alloc(0)],
      [Buffer.from('short'), Buffer.from('shorter')],
      [big, big],
      [big, randomBytes(rand, 1000)],
      [Buffer.alloc(100_000, 'a'), Buffer.alloc(150_000, 'a')],
    ];
    for (const [base, target] of cases) expect(applyDelta(base, createDelta(base, target)).equals(target)).toBe(true);
    // an identical 300 KB object is a handful of copy ops
    expect(createDelta(big, big).length).toBeLessThan(64);
  });

  it('rejects deltas that do not fit the base with CORRUPT_STORE', () => {
    const base = Buffer.from('the quick brown fox jumps over the lazy dog, twice over');
    const delta = createDelta(base, Buffer.from('the quick brown fox jumps over the lazy cat, twice over'));
    const wrong = [
      () => applyDelta(Buffer.from('other base'), delta),
      () => applyDelta(base, delta.subarray(0, delta.length - 2)),
      () => applyDelta(base, Buffer.from([base.length, 5, 0])),
      () => applyDelta(base, Buffer.from([base.length, 5, 0x91, 200, 5])),
    ];
    for (const f of wrong) {
      expect(isCfgtrailError(caught(f), 'CORRUPT_STORE')).toBe(true);
    }
  });
});
