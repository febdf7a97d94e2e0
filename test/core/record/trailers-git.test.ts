import { afterAll, describe, expect, it } from 'vitest';
import { parseTrailers } from '../../../src/core/record/trailers.js';
import { createGitOracle } from './git-oracle.js';
import { createRng, generateMessage } from './message-gen.js';

const git = createGitOracle();
afterAll(() => git.dispose());

describe('parseTrailers against native git interpret-trailers --parse', () => {
  it('agrees on 400 generated messages', () => {
    const rng = createRng(0xc0ffee);
    let withTrailers = 0;
    for (let i = 0; i < 400; i++) {
      const message = generateMessage(rng);
      const expected = git.parse(message);
      if (expected.length > 0) withTrailers++;
      expect(parseTrailers(message), JSON.stringify(message)).toEqual(expected);
    }
    // the generator must exercise both outcomes, not only "no trailers"
    expect(withTrailers).toBeGreaterThan(100);
    expect(withTrailers).toBeLessThan(380);
  });

  it.each([
    ['all trailers', 'T\n\nA: 1\nB: 2\n'],
    ['prose line spoils a block without git-generated lines', 'T\n\nA: 1\nsome prose\n'],
    ['Signed-off-by rescues a block that is 25% trailers', 'T\n\np1\np2\np3\nSigned-off-by: A <a@b>\n'],
    ['below 25% even with Signed-off-by', 'T\n\np1\np2\np3\np4\nSigned-off-by: A <a@b>\n'],
    ['Key : value', 'T\n\nKey :  value  \n'],
    ['continuation lines', 'T\n\nKey: first\n  second\n\tthird\nNext: x\n'],
    ['comment inside the block', 'T\n\nA: 1\n# note\n  cont\nB: 2\n'],
    ['divider ends the message', 'T\n\nA: 1\n---\nB: 2\n'],
    ['no divider without whitespace', 'T\n\nA: 1\n---x\nB: 2\n'],
    ['trailing comments and blank lines', 'T\n\nA: 1\n\n# c\n\n'],
    ['old Conflicts block', 'T\n\nA: 1\n\nConflicts:\n\ta.yaml\n'],
    ['title only', 'A: 1\n'],
    ['leading blank line', '\nA: 1\n'],
    ['CRLF', 'T\r\n\r\nA: 1\r\n b\r\n'],
    ['non-ASCII values', 'T\n\nKey: café 日本 🚀\n'],
    ['non-ASCII key is not a key', 'T\n\nClé: x\n'],
    ['empty value', 'T\n\nKey:\nB: 2\n'],
    ['cherry-pick line', 'T\n\nprose\n(cherry picked from commit abc)\nA: 1\n'],
  ])('%s', (_name, message) => {
    expect(parseTrailers(message)).toEqual(git.parse(message));
  });
});
