import { describe, expect, it } from 'vitest';
import { diffsToJson, writeDiffJson } from '../../../src/cli/format/diff-json.js';
import type { FileDiff } from '../../../src/core/types.js';

function written(diffs: FileDiff[]): { text: string; chunks: number } {
  const parts: string[] = [];
  writeDiffJson(diffs, (t) => parts.push(t));
  return { text: parts.join(''), chunks: parts.length };
}

describe('writeDiffJson', () => {
  it('prints exactly what JSON.stringify(rows, null, 2) prints, in chunks', () => {
    const big: FileDiff = {
      file: 'wide.yaml',
      status: 'added',
      format: 'tree',
      changes: Array.from({ length: 20_000 }, (_, i) => ({ file: 'wide.yaml', path: [`key_${i}`], pathText: `key_${i}`, kind: 'added' as const, to: { v: [i, 'a\nb'] } })),
    };
    const text: FileDiff = { file: 'n.txt', status: 'modified', format: 'text', changes: [], patch: '--- a/n.txt\n+++ b/n.txt\n', summary: 'big', fromSize: 1, toSize: 2 };
    for (const diffs of [[], [text], [big, text]]) {
      const out = written(diffs);
      expect(out.text).toBe(`${JSON.stringify(diffsToJson(diffs), null, 2)}\n`);
      if (diffs.length === 2) expect(out.chunks).toBeGreaterThan(1);
    }
  });
});
