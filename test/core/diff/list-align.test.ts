import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { alignLists } from '../../../src/core/diff/list-align.js';
import { diffTrees } from '../../../src/core/diff/diff-trees.js';
import { applyChanges } from './apply-changes.js';

const rows = (a: unknown[], b: unknown[]) => diffTrees('f', { list: a }, { list: b }).map((c) => [c.kind, c.pathText, c.reorder === true ? 'order' : c.kind === 'added' ? c.to : c.from, c.reorder === true ? c.to : undefined]);

describe('plain lists are aligned by value, not position', () => {
  it("dyff's case: [A,C,B,D,E] → [A,X1,B,C,D,X2] is one order change, one removal, two additions", () => {
    const a = ['A', 'C', 'B', 'D', 'E'];
    const b = ['A', 'X1', 'B', 'C', 'D', 'X2'];
    expect(rows(a, b)).toEqual([
      ['removed', 'list[4]', 'E', undefined],
      ['changed', 'list', 'order', ['A', 'B', 'C', 'D']],
      ['added', 'list[1]', 'X1', undefined],
      ['added', 'list[5]', 'X2', undefined],
    ]);
    const reorder = diffTrees('f', { list: a }, { list: b })[1]!;
    expect(reorder).toMatchObject({ reorder: true, from: ['A', 'C', 'B', 'D'], to: ['A', 'B', 'C', 'D'] });
    expect(applyChanges({ list: a }, diffTrees('f', { list: a }, { list: b }))).toEqual({ list: b });
  });

  it("dyff's case: duplicates are matched one for one, [v1,v2,v1,v2] → [v1,v1,v2,v2] is only an order change", () => {
    const a = ['value1', 'value2', 'value1', 'value2'];
    const b = ['value1', 'value1', 'value2', 'value2'];
    const changes = diffTrees('f', { keys: a }, { keys: b });
    expect(changes).toEqual([{ file: 'f', path: ['keys'], pathText: 'keys', kind: 'changed', from: a, to: b, reorder: true, byValue: true }]);
    // a duplicate introduced or removed (dyff issue 143) is an addition / a removal
    expect(rows(['a', 'b'], ['a', 'b', 'a'])).toEqual([['added', 'list[2]', 'a', undefined]]);
    expect(rows(['a', 'a', 'b'], ['a', 'b'])).toEqual([['removed', 'list[1]', 'a', undefined]]);
  });

  it('inserting at the front is one addition, not a cascade of changes', () => {
    expect(rows([1, 2, 3, 4], [0, 1, 2, 3, 4])).toEqual([['added', 'list[0]', 0, undefined]]);
    // a replaced value is a removal and an addition, as dyff reports it
    expect(rows(['--port', '80'], ['--port', '8080'])).toEqual([
      ['removed', 'list[1]', '80', undefined],
      ['added', 'list[1]', '8080', undefined],
    ]);
    expect(rows(['a', 'b', 'c'], ['c', 'a', 'x'])).toEqual([
      ['removed', 'list[1]', 'b', undefined],
      ['changed', 'list', 'order', ['c', 'a']],
      ['added', 'list[2]', 'x', undefined],
    ]);
  });

  it('tells values of different types apart and ignores map key order', () => {
    expect(rows([1, '1'], ['1', 1])).toEqual([['changed', 'list', 'order', ['1', 1]]]);
    expect(rows([{ a: 1, b: 2 }], [{ b: 2, a: 1 }])).toEqual([]);
    expect(rows([null, false, 0, ''], [null, false, 0, ''])).toEqual([]);
  });

  it('compares a map edited in place field by field, at its old position', () => {
    const a = [{ host: 'a', port: 1 }, { host: 'b', port: 2 }, { host: 'c', port: 3 }];
    const b = [{ host: 'a', port: 1 }, { host: 'b', port: 9 }, { host: 'c', port: 3 }];
    expect(rows(a, b)).toEqual([['changed', 'list[1].port', 2, undefined]]);
    const moved = [{ host: 'c', port: 3 }, { host: 'a', port: 1 }, { host: 'b', port: 2 }];
    expect(rows(a, moved)).toEqual([['changed', 'list', 'order', moved]]);
  });

  it('falls back to positions when the lists differ in more than 500 places (insertions plus removals)', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`);
    expect(alignLists(a, b)).toBeNull();
    const changes = diffTrees('f', { list: a }, { list: b });
    expect(changes).toHaveLength(3000);
    expect(changes[0]).toMatchObject({ kind: 'changed', pathText: 'list[0]', from: 'a0', to: 'b0' });
  });

  it('aligns only up to 50,000 differing entries; a longer middle is compared by position, in bounded time', () => {
    const big = Array.from({ length: 60_000 }, (_, i) => i);
    // equal heads and tails do not count: a front insertion into 60,000 entries is aligned
    expect(alignLists(big, [-1, ...big])).toMatchObject({ added: [0], removed: [], moved: false });
    // changes at both ends leave 60,000 entries between them
    expect(alignLists(big, [-1, ...big.slice(1, -1), -2])).toBeNull();
    expect(alignLists(big.slice(0, 40_000), [-1, ...big.slice(1, 39_999), -2])).toMatchObject({ added: [0, 39_999], removed: [0, 39_999] });
    // 500 scattered replacements in a million entries: too many to align, found quickly
    const million = Array.from({ length: 1_000_000 }, (_, i) => i);
    const started = performance.now();
    const changes = diffTrees('f', { l: million.slice(0, 40_000) }, { l: million.slice(0, 40_000).map((v) => (v % 70 === 0 ? -v - 1 : v)) });
    expect(changes.filter((c) => c.kind === 'changed')).toHaveLength(572);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/** Deterministic PRNG so a failing case can be reproduced. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('plain list replay', () => {
  it('rebuilds randomly edited scalar lists with duplicates exactly, with no more changes than entries touched', () => {
    const rand = rng(7);
    const pick = (n: number) => Math.floor(rand() * n);
    let changed = 0;
    for (let round = 0; round < 400; round += 1) {
      const a = Array.from({ length: 1 + pick(8) }, () => `v${pick(4)}`);
      const b = [...a];
      const edits = 1 + pick(3);
      for (let e = 0; e < edits; e += 1) {
        const r = rand();
        if (r < 0.3 && b.length > 0) b.splice(pick(b.length), 1);
        else if (r < 0.6) b.splice(pick(b.length + 1), 0, `v${pick(6)}`);
        else if (b.length > 1) {
          const [x] = b.splice(pick(b.length), 1);
          b.splice(pick(b.length + 1), 0, x!);
        }
      }
      const changes = diffTrees('f', { list: a }, { list: b });
      expect(isDeepStrictEqual(applyChanges({ list: a }, changes), { list: b })).toBe(true);
      expect(changes.filter((c) => c.reorder !== true).length).toBeLessThanOrEqual(2 * edits);
      changed += changes.length;
    }
    expect(changed).toBeGreaterThan(400);
  });
});
