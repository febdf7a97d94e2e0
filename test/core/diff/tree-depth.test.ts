// textDepthOver skips its character scan when a cheap bound (longest line,
// open brackets) is within the limit; the bound must never hide a text the
// scan would flag. Checked against the scan on generated texts at small limits.
import { describe, expect, it } from 'vitest';
import { scanDepthOver, textDepthOver } from '../../../src/core/diff/tree-depth.js';
import { createRng } from '../record/message-gen.js';

const PIECES = ['- ', '-', 'a: ', 'k:', '[', ']', '{', '}', '"', "'", '\\', '#', ' ', '  ', 'x', '\n', '\n  ', '\n    ', '\n- ', '\n  - - '];

function text(next: () => number): string {
  let out = '';
  const n = Math.floor(next() * 40);
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

describe('textDepthOver', () => {
  it('agrees with the full scan on 20,000 generated texts at limits 0–12, YAML and JSON', () => {
    const next = createRng(15);
    let flagged = 0;
    for (let i = 0; i < 20_000; i++) {
      const t = text(next);
      const limit = Math.floor(next() * 13);
      const json = next() < 0.3;
      const want = scanDepthOver(t, limit, json);
      expect(textDepthOver(t, limit, json)).toEqual(want);
      if (want) flagged++;
    }
    // the texts reach past the limits often enough for the check to mean something
    expect(flagged).toBeGreaterThan(2_000);
  });

  it('still finds deep texts at the real limit', () => {
    expect(textDepthOver('{"a":'.repeat(5000) + '1' + '}'.repeat(5000), 1000, true)).toEqual({ depth: 1001, line: 1 });
    expect(textDepthOver(Array.from({ length: 1200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'), 1000)).toEqual({ depth: 1001, line: 1001 });
    expect(textDepthOver('a: 1\nb: [1, 2]\n', 1000)).toBeNull();
  });
});
