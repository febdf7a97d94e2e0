import { describe, expect, it } from 'vitest';
import { checkPathText, NAME_MAX, nameStem, PATH_MAX, STEM_BYTES } from '../../../src/ops/rollback/safe-path.js';

const bytes = (s: string) => Buffer.byteLength(s);

describe('names cfgtrail makes from a file name fit NAME_MAX', () => {
  it.each([['ascii', 'x'.repeat(255)], ['3-byte characters', '設'.repeat(85)], ['4-byte characters', '😀'.repeat(63)], ['mixed', `a${'é'.repeat(127)}`]])(
    '%s: the stem is at most 180 bytes, whole characters, and the longest kept name fits',
    (_what, name) => {
      expect(bytes(name)).toBeLessThanOrEqual(NAME_MAX);
      const stem = nameStem(name);
      expect(bytes(stem)).toBeLessThanOrEqual(STEM_BYTES);
      expect(name.startsWith(stem)).toBe(true);
      expect(stem).not.toContain('\uFFFD');
      // The longest name made from it: a kept copy with a clash suffix and a 10-digit counter.
      expect(bytes(`.${stem}.cfgtrail-kept-20261129T203000Z-0123abcd-9999999999~`)).toBeLessThanOrEqual(NAME_MAX);
      expect(bytes(`.${stem}.cfgtrail-4194304-0123abcd-9999999999~`)).toBeLessThanOrEqual(NAME_MAX);
    },
  );

  it('leaves a short name whole', () => {
    expect(nameStem('config.yaml')).toBe('config.yaml');
  });
});

describe('checkPathText refuses what no file system takes', () => {
  it('a segment of 256 bytes, and one of 86 three-byte characters', () => {
    expect(() => checkPathText(`d/${'x'.repeat(256)}`)).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    expect(() => checkPathText('設'.repeat(86))).toThrow(/258 bytes long, more than the 255/);
    expect(() => checkPathText(`d/${'x'.repeat(255)}`)).not.toThrow();
  });

  it('a path over 4095 bytes', () => {
    const seg = 'x'.repeat(200);
    const path = Array.from({ length: 21 }, () => seg).join('/'); // 4220 bytes
    expect(bytes(path)).toBeGreaterThan(PATH_MAX);
    expect(() => checkPathText(path)).toThrow(/more than the 4095 a path can have/);
    expect(() => checkPathText(path.slice(0, PATH_MAX))).not.toThrow();
  });
});
