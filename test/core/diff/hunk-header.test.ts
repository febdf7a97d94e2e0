import { describe, expect, it } from 'vitest';
import { hunkStart, shiftHunks } from '../../../src/core/diff/hunk-header.js';

describe('hunk headers', () => {
  it('hunkStart reads both start lines, with or without counts, and nothing else', () => {
    expect(hunkStart('@@ -3,2 +4,5 @@ section: x')).toEqual({ from: 3, to: 4 });
    expect(hunkStart('@@ -0,0 +1 @@')).toEqual({ from: 0, to: 1 });
    for (const line of ['', '-@@ -1 +1 @@', ' @@ -1 +1 @@', '@@ -1 +1', '@@ -a +1 @@', '+++ b/x']) expect({ line, h: hunkStart(line) }).toEqual({ line, h: null });
  });

  it('shiftHunks moves every header and keeps counts, section text and other lines', () => {
    const patch = '--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@ key:\n-a\n+b\n+c\n x\n@@ -9 +10 @@\n-@@ -1 +1 @@\n';
    expect(shiftHunks(patch, 100)).toBe('--- a/f\n+++ b/f\n@@ -101,2 +101,3 @@ key:\n-a\n+b\n+c\n x\n@@ -109 +110 @@\n-@@ -1 +1 @@\n');
    expect(shiftHunks(patch, 0)).toBe(patch);
  });
});
