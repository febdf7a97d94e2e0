import { describe, expect, it } from 'vitest';
import { lineChanges } from '../../../src/core/record/line-changes.js';
import { formatDuration, parseDuration } from '../../../src/core/record/duration.js';
import { jsDiff } from '../../../src/core/lazy.js';

describe('lineChanges', () => {
  it.each<[string, string, string, object[]]>([
    ['a changed line', 'a\nb\nc\n', 'a\nB\nc\n', [{ line: 2, from: 'b', to: 'B' }]],
    ['an added file', '', 'x\ny\n', [{ line: 1, to: 'x' }, { line: 2, to: 'y' }]],
    ['a deleted file', 'x\ny\n', '', [{ line: 1, from: 'x' }, { line: 2, from: 'y' }]],
    ['more added than removed', 'a\nb\nz\n', 'a\nB\nC\nz\n', [{ line: 2, from: 'b', to: 'B' }, { line: 3, to: 'C' }]],
    ['more removed than added', 'a\nb\nc\nz\n', 'a\nB\nz\n', [{ line: 2, from: 'b', to: 'B' }, { line: 3, from: 'c' }]],
    ['two hunks', `${'l\n'.repeat(3)}a\n${'m\n'.repeat(10)}b\n`, `${'l\n'.repeat(3)}A\n${'m\n'.repeat(10)}B\n`, [{ line: 4, from: 'a', to: 'A' }, { line: 15, from: 'b', to: 'B' }]],
    ['a removal after context after an addition', 'a\nb\nc\n', 'a\nN\nb\n', [{ line: 2, to: 'N' }, { line: 3, from: 'c' }]],
    ['no newline at the end', 'a\nb', 'a\nc', [{ line: 2, from: 'b', to: 'c' }]],
  ])('%s', (_name, before, after, expected) => {
    const patch = jsDiff().createTwoFilesPatch('a/f', 'b/f', before, after, undefined, undefined, { context: 3 });
    expect(lineChanges(patch)).toEqual(expected);
  });

  it('reads nothing outside hunks (file headers that look like changes)', () => {
    expect(lineChanges('--- a/x\n+++ b/x\n')).toEqual([]);
  });
});

describe('durations as settings.yaml writes them', () => {
  it.each<[string, number | null]>([
    ['500ms', 500], ['30s', 30_000], [' 1.5m ', 90_000], ['2h', 7_200_000], ['0s', 0],
    ['30', null], ['10 minutes', null], ['-1s', null], ['', null], ['1d', null],
  ])('%j', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each<[number, string]>([[850, '850 ms'], [4210, '4.2 s'], [185_000, '3 min 5 s'], [3_720_000, '1 h 2 min'], [120_000, '2 min']])('%d ms reads %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
