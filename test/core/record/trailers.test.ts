import { describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import {
  firstTrailer,
  foldTrailerValue,
  formatTrailers,
  isTrailerKey,
  parseTrailerArg,
  parseTrailers,
  trailerValues,
} from '../../../src/core/record/trailers.js';

const t = (key: string, value: string) => ({ key, value });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isCfgtrailError(e) ? e.code : 'not a CfgtrailError';
  }
  return undefined;
}

describe('parseTrailers', () => {
  it('reads only the last paragraph', () => {
    expect(parseTrailers('T\n\nA: 1\n\nB: 2\n')).toEqual([t('B', '2')]);
  });

  it('never reads the title paragraph', () => {
    expect(parseTrailers('A: 1\nB: 2\n')).toEqual([]);
  });

  it('normalises "Key : value" and trims values', () => {
    expect(parseTrailers('T\n\nKey \t:   spaced value  \n')).toEqual([t('Key', 'spaced value')]);
  });

  it('folds continuation lines into one space each', () => {
    expect(parseTrailers('T\n\nKey: first\n   second\n\tthird\nNext: x\n')).toEqual([
      t('Key', 'first second third'),
      t('Next', 'x'),
    ]);
  });

  it('drops a block with a prose line and no git-generated trailer', () => {
    expect(parseTrailers('T\n\nA: 1\nplain prose\n')).toEqual([]);
  });

  it('keeps a block that is at least 25% trailers with a Signed-off-by', () => {
    const ok = 'T\n\np1\np2\np3\nSigned-off-by: Ada <a@x>\n';
    expect(parseTrailers(ok)).toEqual([t('Signed-off-by', 'Ada <a@x>')]);
    expect(parseTrailers('T\n\np0\np1\np2\np3\nSigned-off-by: Ada <a@x>\n')).toEqual([]);
  });

  it('counts a cherry-pick line as a trailer line but does not return it', () => {
    expect(parseTrailers('T\n\nprose\n(cherry picked from commit abc)\nA: 1\n')).toEqual([t('A', '1')]);
  });

  it('skips comment lines; an indented line below a comment is prose, not a continuation', () => {
    expect(parseTrailers('T\n\nA: 1\n# note\nB: 2\n')).toEqual([t('A', '1'), t('B', '2')]);
    expect(parseTrailers('T\n\nA: 1\n# note\n  cont\nB: 2\n')).toEqual([]);
    expect(parseTrailers('T\n\nSigned-off-by: x\n# note\n  cont\nB: 2\n')).toEqual([
      t('Signed-off-by', 'x'),
      t('B', '2'),
    ]);
  });

  it('stops at a --- divider followed by whitespace only', () => {
    expect(parseTrailers('T\n\nA: 1\n---\nB: 2\n')).toEqual([t('A', '1')]);
    expect(parseTrailers('T\n\nA: 1\n--- \nB: 2\n')).toEqual([t('A', '1')]);
    // "---x" is no divider, so it stays in the block as a prose line and spoils it
    expect(parseTrailers('T\n\nA: 1\n---x\nB: 2\n')).toEqual([]);
    expect(parseTrailers('T\n\nA: 1\nB: 2\n---x\n')).toEqual([]);
  });

  it('ignores trailing blank lines, comments and an old Conflicts: block', () => {
    expect(parseTrailers('T\n\nA: 1\n\n\n# c\n')).toEqual([t('A', '1')]);
    expect(parseTrailers('T\n\nA: 1\n\nConflicts:\n\ta.yaml\n')).toEqual([t('A', '1')]);
  });

  it('rejects keys that are not ASCII tokens', () => {
    expect(parseTrailers('T\n\nClé: x\n')).toEqual([]);
    expect(parseTrailers('T\n\nBad Key: x\n')).toEqual([]);
    expect(parseTrailers('T\n\n: x\n')).toEqual([]);
  });

  it('handles CRLF like git: CR is whitespace', () => {
    expect(parseTrailers('T\r\n\r\nA: 1\r\n b\r\n')).toEqual([t('A', '1\r b')]);
  });

  it('keeps non-ASCII values and empty values', () => {
    expect(parseTrailers('T\n\nK: café 日本 🚀\nE:\n')).toEqual([t('K', 'café 日本 🚀'), t('E', '')]);
  });
});

describe('foldTrailerValue', () => {
  it('trims lines, drops blank ones and joins with one space', () => {
    expect(foldTrailerValue('  a  \n\n\t b\r\nc ')).toBe('a b c');
    expect(foldTrailerValue('plain')).toBe('plain');
  });
});

describe('formatTrailers', () => {
  it('writes one line per trailer and continuation lines for multi-line values', () => {
    const block = formatTrailers([t('Risk', ' low '), t('Note', 'a\n\n  b')]);
    expect(block).toBe('Risk: low\nNote: a\n b\n');
    expect(parseTrailers(`T\n\n${block}`)).toEqual([t('Risk', 'low'), t('Note', 'a b')]);
    expect(formatTrailers([])).toBe('');
  });

  it('rejects a bad key or an empty value', () => {
    expect(codeOf(() => formatTrailers([t('Bad Key', 'v')]))).toBe('BAD_INPUT');
    expect(codeOf(() => formatTrailers([t('Ok', '\t\n')]))).toBe('BAD_INPUT');
  });
});

describe('parseTrailerArg', () => {
  it('accepts Key: value and Key=value', () => {
    expect(parseTrailerArg('Ticket: OPS-1')).toEqual(t('Ticket', 'OPS-1'));
    expect(parseTrailerArg(' Ticket = OPS-1 ')).toEqual(t('Ticket', 'OPS-1'));
    expect(parseTrailerArg('Url: http://x/a=b')).toEqual(t('Url', 'http://x/a=b'));
  });

  it('splits at the first separator', () => {
    expect(parseTrailerArg('Ke:y: v')).toEqual(t('Ke', 'y: v'));
  });

  it.each(['no separator', 'Bad Key: v', 'Clé: v', ': v', 'Key:', 'Key=  '])('rejects %j', (arg) => {
    expect(codeOf(() => parseTrailerArg(arg))).toBe('BAD_INPUT');
  });
});

describe('trailer accessors', () => {
  const list = [t('Risk', 'low'), t('risk', 'high'), t('Ticket', 'A-1')];

  it('match keys case-insensitively, in order', () => {
    expect(trailerValues(list, 'RISK')).toEqual(['low', 'high']);
    expect(firstTrailer(list, 'ticket')).toBe('A-1');
    expect(firstTrailer(list, 'Missing')).toBeUndefined();
  });

  it('isTrailerKey accepts git tokens only', () => {
    expect(['Change-Id', 'a1', '42'].map(isTrailerKey)).toEqual([true, true, true]);
    expect(['', 'a b', 'a:b', 'é', 'a_b'].map(isTrailerKey)).toEqual([false, false, false, false, false]);
  });
});
