import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffFile } from '../../../src/core/diff/diff-file.js';
import type { TreeChange } from '../../../src/core/diff/diff-trees.js';

/** dyff's own test assets (fixtures/diff/dyff, MIT): cfgtrail must mean what dyff means. */
const pair = (dir: string, ext = 'yaml'): [Buffer, Buffer] => [
  readFileSync(new URL(`../../../fixtures/diff/dyff/${dir}/from.${ext}`, import.meta.url)),
  readFileSync(new URL(`../../../fixtures/diff/dyff/${dir}/to.${ext}`, import.meta.url)),
];
const summary = (changes: readonly TreeChange[]): string[] => changes.map((c) => `${c.kind} ${c.pathText}`);

describe("dyff's cases", () => {
  it('kubernetes/multi-docs-file-level: documents matched by resource, not by position', () => {
    const [from, to] = pair('multi-docs-file-level');
    const d = diffFile('svc.yaml', from, to);
    expect(summary(d.changes)).toEqual([
      'added [doc=Service/foo].metadata.annotations',
      'removed [doc=Service/foo-2]',
      'added [doc=Service/bar]',
      'added [doc=Service/baz]',
    ]);
    expect((d.changes[1] as TreeChange).document).toEqual({ apiVersion: 'v1', kind: 'Service', name: 'foo-2' });
  });

  it('kubernetes/lists: the items of a List are matched by namespace/name', () => {
    const [from, to] = pair('kubernetes-lists');
    const d = diffFile('pods.yaml', from, to);
    expect(d.changes.map((c) => [c.kind, c.pathText, c.from, c.to])).toEqual([
      ['changed', 'items[resource=foobar/foo-1].metadata.labels.foo', 'bAr', 'bar'],
      ['changed', 'items', ['foobar/foo-2', 'foobar/foo-1'], ['foobar/foo-1', 'foobar/foo-2']],
    ]);
    expect((d.changes[1] as TreeChange).reorder).toBe(true);
  });
});
