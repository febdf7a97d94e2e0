import { describe, expect, it } from 'vitest';
import { parseGitDate } from '../../src/cli/git-date.js';
import { isCfgtrailError } from '../../src/core/errors.js';
import { caught } from '../helpers/errors.js';

const at = (iso: string) => Date.parse(iso);

describe('parseGitDate', () => {
  it.each<[string, number, number]>([
    ['Mon, 23 Nov 2026 17:55:45 +0000', at('2026-11-23T17:55:45Z'), 0],
    ['mon, 23 nov 2026 17:55:45 -0130', at('2026-11-23T19:25:45Z'), -90],
    ['23 November 2026 17:55 +0200', at('2026-11-23T15:55:00Z'), 120],
    ['Mon, 23 Nov 2026 17:55:45 UTC', at('2026-11-23T17:55:45Z'), 0],
    ['Mon Nov 23 17:55:45 2026 +0100', at('2026-11-23T16:55:45Z'), 60],
    ['2026-11-23T17:55:45.999+01:00', at('2026-11-23T16:55:45Z'), 60],
    ['2026-11-23 17:55:45 -05:00', at('2026-11-23T22:55:45Z'), -300],
    ['2026.11.23 17:55 Z', at('2026-11-23T17:55:00Z'), 0],
    ['11/23/2026 17:55:45 +0000', at('2026-11-23T17:55:45Z'), 0],
    ['23.11.2026 17:55:45 +0000', at('2026-11-23T17:55:45Z'), 0],
    ['@1700000000 +0100', 1_700_000_000_000, 60],
    ['1700000000 -0800', 1_700_000_000_000, -480],
    ['  @1700000000 +01:00  ', 1_700_000_000_000, 60],
  ])('%s', (text, ms, tzOffset) => {
    expect(parseGitDate(text)).toEqual({ ms, tzOffset });
  });

  it('without a zone, the time is local (as git)', () => {
    const local = new Date(2026, 10, 23, 17, 55, 45);
    expect(parseGitDate('2026-11-23T17:55:45')).toEqual({ ms: local.getTime(), tzOffset: -local.getTimezoneOffset() });
    expect(parseGitDate('@1700000000')).toEqual({ ms: 1_700_000_000_000, tzOffset: -new Date(1_700_000_000_000).getTimezoneOffset() });
  });

  it.each(['@99999999999999', '99999999999999 +0000', '@8640000000000 +1400'])('refuses %j, a time no date can hold (BAD_INPUT, never a NaN zone in a commit)', (text) => {
    expect(isCfgtrailError(caught(() => parseGitDate(text)), 'BAD_INPUT')).toBe(true);
  });

  it.each(['', 'yesterday', '2026-11-23', '2026-02-30 10:00 +0000', '31 Nov 2026 10:00 +0000', '2026-11-23 24:00 +0000', 'Mon, 23 Foo 2026 10:00 +0000'])('refuses %j (BAD_INPUT)', (text) => {
    expect(isCfgtrailError(caught(() => parseGitDate(text)), 'BAD_INPUT')).toBe(true);
  });
});
