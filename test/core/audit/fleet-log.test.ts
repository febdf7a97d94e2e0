import { describe, expect, it } from 'vitest';
import { mergeByDate } from '../../../src/core/audit/fleet-log.js';

const t = (x: { t: number }) => x.t;

describe('mergeByDate', () => {
  it('takes the latest head each step, keeps each list in its order and earlier lists first on ties', () => {
    const a = [{ id: 'a3', t: 30 }, { id: 'a1', t: 10 }];
    const b = [{ id: 'b3', t: 30 }, { id: 'b2', t: 20 }, { id: 'b0', t: 0 }];
    const c: { id: string; t: number }[] = [];
    expect(mergeByDate([a, b, c], Infinity, t).map((x) => x.id)).toEqual(['a3', 'b3', 'b2', 'a1', 'b0']);
    expect(mergeByDate([a, b, c], 2, t).map((x) => x.id)).toEqual(['a3', 'b3']);
    expect(mergeByDate([], 5, t)).toEqual([]);
  });

  it('never puts an entry before one listed ahead of it in its own list (a skewed clock)', () => {
    const a = [{ id: 'child', t: 5 }, { id: 'parent', t: 50 }];
    const b = [{ id: 'b', t: 20 }];
    expect(mergeByDate([a, b], Infinity, t).map((x) => x.id)).toEqual(['b', 'child', 'parent']);
  });

  it('reads the time of only the entries it compares when limited', () => {
    const lists = Array.from({ length: 10 }, (_, k) => Array.from({ length: 1000 }, (_, i) => ({ t: 100_000 - i * 10 - k })));
    let reads = 0;
    const out = mergeByDate(lists, 20, (x) => { reads++; return x.t; });
    expect(out).toHaveLength(20);
    expect(reads).toBeLessThanOrEqual(30);
  });
});
