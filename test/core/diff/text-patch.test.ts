import { describe, expect, it } from 'vitest';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { boundedPatch, TEXT_DIFF_CUT_LINES } from '../../../src/core/diff/text-patch.js';
import { largeFileDiff } from '../../../src/core/diff/large-file.js';
import { createRng, pick } from '../record/message-gen.js';

const whole = (a: string, b: string) => {
  const p = createTwoFilesPatch('a/f', 'b/f', a, b, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
  return p.includes('@@') ? p : '';
};

describe('boundedPatch', () => {
  it('gives the patch jsdiff gives for the whole texts', () => {
    const rand = createRng(99);
    const words = ['a', 'b', 'c', 'key: 1', 'key: 2', '', '  x', '- y'];
    for (let n = 0; n < 3000; n++) {
      const lines = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => pick(rand, words));
      const a = lines.join('\n') + (rand() < 0.8 ? '\n' : '');
      const edited = [...lines];
      for (let e = Math.floor(rand() * 4); e >= 0; e--) {
        const at = Math.floor(rand() * (edited.length + 1));
        if (rand() < 0.4) edited.splice(at, 1);
        else if (rand() < 0.5) edited.splice(at, 0, pick(rand, words));
        else edited[at] = pick(rand, words);
      }
      const b = edited.join('\n') + (rand() < 0.8 ? '\n' : '');
      const ours = boundedPatch('a/f', 'b/f', a, b, 3);
      expect(ours.cut).toBe(false);
      // both are valid patches of a into b; where jsdiff has a choice of alignment they may differ, so compare what they do
      expect(applied(a, ours.patch)).toBe(applied(a, whole(a, b)));
    }
  });

  it('keeps line numbers of a change deep in a large text and cuts a huge difference', () => {
    const a = Array.from({ length: 200_000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const b = a.replace('line 150000\n', 'changed\n');
    const p = boundedPatch('a/f', 'b/f', a, b, 3);
    expect(p.patch).toContain('@@ -149998,7 +149998,7 @@');
    expect(p.patch).toContain('-line 150000\n+changed');
    const rewritten = a.replace(/line/g, 'LINE');
    const cut = boundedPatch('a/f', 'b/f', a, rewritten, 3);
    expect(cut.cut).toBe(true);
    expect(cut.patch.split('\n').length).toBeLessThan(2 * TEXT_DIFF_CUT_LINES + 10);
  });

  it('summarises a file over the limit without reading past its first changes', () => {
    const a = Buffer.from('x\n'.repeat(1000) + 'old\n' + 'y\n'.repeat(1000));
    const b = Buffer.from('x\n'.repeat(1000) + 'new\n' + 'y\n'.repeat(1000));
    const d = largeFileDiff('f.txt', 'modified', a, b, { maxBytes: 100, context: 1, oids: { from: 'a'.repeat(40), to: 'b'.repeat(40) } });
    expect(d.summary).toBe('3.9 KiB → 3.9 KiB, blobs aaaaaaa → bbbbbbb: over diff_max_bytes (100 B), not compared field by field; showing the first changed lines only');
    expect(d.patch).toContain('@@ -1001,2 +1001,2 @@\n-old\n+new\n y');
  });
});

/** The text a patch turns `a` into (hunks applied in order). */
function applied(a: string, patch: string): string {
  if (patch === '') return a;
  const lines = a.split('\n');
  let offset = 0;
  for (const h of patch.split(/^(?=@@ )/m).slice(1)) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(h)!;
    const start = Number(m[1]) - (m[2] === '0' ? 0 : 1) + offset;
    const body = h.split('\n').slice(1).filter((l) => l !== '' && !l.startsWith('\\'));
    const removed = body.filter((l) => l[0] !== '+').length;
    const added = body.filter((l) => l[0] !== '-').map((l) => l.slice(1));
    lines.splice(start, removed, ...added);
    offset += added.length - removed;
  }
  return lines.join('\n');
}
