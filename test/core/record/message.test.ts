import { afterAll, describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { formatMessage, normalizeBody, splitMessage } from '../../../src/core/record/message.js';
import { foldTrailerValue, parseTrailers } from '../../../src/core/record/trailers.js';
import type { Trailer } from '../../../src/core/types.js';
import { createGitOracle } from './git-oracle.js';
import { chance, createRng, int, pick, type Rng } from './message-gen.js';

const git = createGitOracle();
afterAll(() => git.dispose());

const t = (key: string, value: string): Trailer => ({ key, value });

function errorOf(fn: () => unknown): { code?: string; data?: Record<string, unknown> } | undefined {
  try {
    fn();
  } catch (e) {
    return isCfgtrailError(e) ? { code: e.code, data: e.data } : { code: 'not a CfgtrailError' };
  }
  return undefined;
}

describe('splitMessage', () => {
  it('separates title, body and trailers', () => {
    expect(splitMessage('Raise pool\n\nLoad test showed waits.\n\nMore.\n\nRisk: low\nTicket: OPS-1\n')).toEqual({
      title: 'Raise pool',
      body: 'Load test showed waits.\n\nMore.',
      trailers: [t('Risk', 'low'), t('Ticket', 'OPS-1')],
    });
  });

  it('joins a multi-line first paragraph like git %s and skips leading blank lines', () => {
    expect(splitMessage('\n\nline one  \nline two\n\nbody\n')).toEqual({ title: 'line one line two', body: 'body', trailers: [] });
  });

  it('keeps a last paragraph that is not a trailer block in the body', () => {
    expect(splitMessage('T\n\nbody\n\nA: 1\nprose\n').body).toBe('body\n\nA: 1\nprose');
  });

  it('leaves out what follows a trailer block, keeps all the rest without one', () => {
    expect(splitMessage('T\n\nbody\n\nA: 1\n\n# comment\n')).toEqual({
      title: 'T',
      body: 'body',
      trailers: [t('A', '1')],
    });
    // In a commit a --- line is text, not a patch divider (git log's rule): the last paragraph counts.
    expect(splitMessage('T\n\nbody\n\nA: 1\n\n# comment\n---\ndiff\n').trailers).toEqual([]);
    expect(splitMessage('T\n\nbody\n# comment\n')).toEqual({ title: 'T', body: 'body\n# comment', trailers: [] });
  });

  it('returns empty strings for an empty message', () => {
    expect(splitMessage('')).toEqual({ title: '', body: '', trailers: [] });
  });
});

describe('formatMessage', () => {
  it('writes title, body and trailer block, ending in one newline', () => {
    const msg = formatMessage({ title: 'Raise pool', body: 'Why.', trailers: [t('Risk', 'low')] });
    expect(msg).toBe('Raise pool\n\nWhy.\n\nRisk: low\n');
    expect(formatMessage({ title: 'Only', trailers: [] })).toBe('Only\n');
  });

  it('writes multi-line values as continuation lines that git folds', () => {
    const msg = formatMessage({ title: 'T', trailers: [t('Note', 'first\n  second\n\nthird ')] });
    expect(msg).toBe('T\n\nNote: first\n second\n third\n');
    expect(git.parse(msg)).toEqual([t('Note', foldTrailerValue('first\n  second\n\nthird '))]);
  });

  it('keeps a trailer-like body out of the trailers', () => {
    const rec = { title: 'T', body: 'Note: something\nSigned-off-by: Ada <a@x>', trailers: [t('Risk', 'low')] };
    const msg = formatMessage(rec);
    expect(git.parse(msg)).toEqual(rec.trailers);
    expect(splitMessage(msg)).toEqual({ title: 'T', body: rec.body, trailers: rec.trailers });
  });

  it('refuses a trailer-like body when no trailer block would follow it', () => {
    expect(errorOf(() => formatMessage({ title: 'T', body: 'Note: something', trailers: [] }))?.code).toBe('BAD_INPUT');
    expect(formatMessage({ title: 'T', body: 'Note: something\nprose', trailers: [] })).toBe('T\n\nNote: something\nprose\n');
  });

  it.each([
    ['empty title', { title: '  ', trailers: [] }],
    ['multi-line title', { title: 'a\nb', trailers: [] }],
    ['title that is a divider', { title: '---', trailers: [] }],
    ['divider in body', { title: 'T', body: 'a\n--- \nb', trailers: [t('A', '1')] }],
    ['scissors in body', { title: 'T', body: 'a\n# ------------------------ >8 ------------------------\nb', trailers: [] }],
    ['empty value', { title: 'T', trailers: [t('Risk', ' \n ')] }],
  ])('rejects %s', (_name, rec) => {
    expect(errorOf(() => formatMessage(rec))?.code).toBe('BAD_INPUT');
  });

  it.each(['Bad Key', 'Key:', 'Clé', '', 'a_b'])('rejects key %j and names it', (key) => {
    expect(errorOf(() => formatMessage({ title: 'T', trailers: [t(key, 'v')] }))).toEqual({ code: 'BAD_INPUT', data: { key } });
  });
});

const KEYS = ['Change-Id', 'Risk', 'Component', 'Requested-By', 'Approved-By', 'Depends-On', 'Ticket', 'Signed-off-by', 'X-1'];
const WORDS = ['pool', 'café', '日本', '🚀', 'Note:', 'Key: v', 'a=b', '#1', '(cherry', '---x', 'Signed-off-by:', 'Conflicts:', '\t'];

function text(rng: Rng, words: number): string {
  return Array.from({ length: words }, () => pick(rng, WORDS)).join(' ');
}

function randomBody(rng: Rng): string {
  const paragraphs = Array.from({ length: int(rng, 0, 3) }, () =>
    Array.from({ length: int(rng, 1, 3) }, () => (chance(rng, 0.3) ? `${pick(rng, KEYS)}: ${text(rng, 2)}` : text(rng, 4))).join('\n'),
  );
  return paragraphs.join('\n\n');
}

function randomValue(rng: Rng): string {
  const lines = Array.from({ length: chance(rng, 0.25) ? int(rng, 2, 4) : 1 }, () => text(rng, int(rng, 1, 3)));
  const value = chance(rng, 0.2) ? ` ${lines.join('\n  ')} ` : lines.join('\n');
  // an all-whitespace value is refused (tested above); keep records valid here
  return foldTrailerValue(value) === '' ? `${value}v` : value;
}

describe('formatMessage round trip', () => {
  it('300 random records: our parser, git and splitMessage give the record back', () => {
    const rng = createRng(20240611);
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const trailers = Array.from({ length: int(rng, 0, 5) }, () => t(pick(rng, KEYS), randomValue(rng)));
      const rec = { title: text(rng, 3).replace(/^[\s-]+/, '') || 'x', body: randomBody(rng), trailers };
      let msg: string;
      try {
        msg = formatMessage(rec);
      } catch (e) {
        // the only refusal possible here: a trailer-like body with nothing after it
        expect(trailers).toEqual([]);
        expect(isCfgtrailError(e, 'BAD_INPUT')).toBe(true);
        continue;
      }
      const expected = trailers.map(({ key, value }) => t(key, foldTrailerValue(value)));
      expect(msg.endsWith('\n') && !msg.endsWith('\n\n')).toBe(true);
      expect(git.parse(msg)).toEqual(expected);
      expect(parseTrailers(msg)).toEqual(expected);
      expect(splitMessage(msg)).toEqual({ title: rec.title.trim(), body: normalizeBody(rec.body), trailers: expected });
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  });
});
