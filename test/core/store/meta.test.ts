import { describe, expect, it } from 'vitest';
import { formatMeta, MAX_ID, parseMeta } from '../../../src/core/store/meta.js';

describe('parseMeta', () => {
  it('reads what formatMeta writes, quoted paths included', () => {
    const files: [string, { perm: number; uid: number; gid: number }][] = [
      ['a.yaml', { perm: 0o600, uid: 0, gid: 33 }],
      ['odd\nname.yaml', { perm: 0o4755, uid: MAX_ID, gid: MAX_ID }],
      ['with space.yaml', { perm: 0o644, uid: 1000, gid: 1000 }],
    ];
    expect([...parseMeta(formatMeta(files))]).toEqual(files);
  });

  it.each([
    ['0644 4294967295 0 a.yaml', "uid '4294967295' (valid: 0 to 4294967294)"],
    ['0644 0 99999999999999999999 a.yaml', "gid '99999999999999999999' (valid: 0 to 4294967294)"],
    ['0644 -1 0 a.yaml', "uid '-1' (valid: 0 to 4294967294)"],
    ['0644 0x10 0 a.yaml', "uid '0x10' (valid: 0 to 4294967294)"],
    ['17777 0 0 a.yaml', "permissions '17777' (valid: 0000 to 7777)"],
    ['0648 0 0 a.yaml', "permissions '0648' (valid: 0000 to 7777)"],
  ])('%s gives no permissions or owner, only what is wrong', (line, metaError) => {
    expect(parseMeta(`${line}\n0600 0 0 b.yaml\n`)).toEqual(new Map<string, unknown>([['a.yaml', { metaError }], ['b.yaml', { perm: 0o600, uid: 0, gid: 0 }]]));
  });

  it('skips lines it cannot read at all (the file is advisory)', () => {
    expect([...parseMeta('garbage\n0644 0 0 "unterminated\n\n0644 0 0 ok.yaml\n').keys()]).toEqual(['ok.yaml']);
  });
});
