import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeText } from '../../../src/core/diff/merge-text.js';
import { tempDir } from '../../helpers/cli.js';

/** `git merge-file -p ours base theirs` as the witness: its text, or null when it reports conflicts. */
function gitMerge(base: string, ours: string, theirs: string): string | null {
  const dir = tempDir('cfgtrail-merge-');
  const files = { base, ours, theirs };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync('git', ['merge-file', '-p', 'ours', 'base', 'theirs'], { cwd: dir, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

const CASES: [string, string, string, string][] = [
  ['far apart edits merge', 'a\nb\nc\nd\ne\n', 'a\nB\nc\nd\ne\n', 'a\nb\nc\nd\nE\n'],
  ['adjacent edits conflict, as in git', 'a\nb\nc\n', 'a\nB\nc\n', 'a\nb\nC\n'],
  ['the same edit on both sides', 'a\nb\nc\n', 'a\nX\nc\n', 'a\nX\nc\n'],
  ['different edits of one line conflict', 'a\nb\nc\n', 'a\nX\nc\n', 'a\nY\nc\n'],
  ['insert at the top, append at the end', 'a\nb\n', 'a\nb\nc\n', 'z\na\nb\n'],
  ['a deletion and a far insertion', 'a\nb\nc\nd\n', 'a\nc\nd\n', 'a\nb\nc\nd\ne\n'],
  ['both append different lines', 'k=1\nl=2\n', 'k=1\nl=2\nm=3\n', 'k=1\nl=2\nn=4\n'],
  ['no final newline kept', 'a\nb\nc\nd', 'A\nb\nc\nd', 'a\nb\nc\nD'],
  ['CRLF lines', 'a\r\nb\r\nc\r\nd\r\n', 'A\r\nb\r\nc\r\nd\r\n', 'a\r\nb\r\nc\r\nD\r\n'],
];

describe('mergeText agrees with git merge-file', () => {
  it.each(CASES)('%s', (_name, base, ours, theirs) => {
    const r = mergeText(base, ours, theirs);
    const witness = gitMerge(base, ours, theirs);
    expect(r.ok ? r.text : null).toBe(witness);
  });
});

describe('mergeText conflicts', () => {
  it('reports each conflicting region with its line in ours, and pick settles them', () => {
    const base = 'listen 80;\nworkers 4;\nuser www;\nlog off;\n';
    const ours = 'listen 8080;\nworkers 4;\nuser www;\nlog off;\n';
    const theirs = 'listen 81;\nworkers 4;\nuser www;\nlog on;\n';
    expect(mergeText(base, ours, theirs)).toEqual({ ok: false, conflicts: [{ line: 1, ours: ['listen 8080;\n'], theirs: ['listen 81;\n'], base: ['listen 80;\n'] }] });
    expect(mergeText(base, ours, theirs, 'ours')).toEqual({ ok: true, text: 'listen 8080;\nworkers 4;\nuser www;\nlog on;\n' });
    expect(mergeText(base, ours, theirs, 'theirs')).toEqual({ ok: true, text: 'listen 81;\nworkers 4;\nuser www;\nlog on;\n' });
  });
});
