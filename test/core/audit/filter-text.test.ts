import { describe, expect, it } from 'vitest';
import { filterFlags, filterWords, parseFilterText } from '../../../src/core/audit/filter-text.js';
import { filterFromFlags } from '../../../src/core/audit/log-filter.js';
import { isCfgtrailError } from '../../../src/core/errors.js';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isCfgtrailError(e) ? `${e.code}: ${e.message}` : `not a CfgtrailError: ${String(e)}`;
  }
  return 'no error';
}

describe('the TUI filter words', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['  pool   max ', ['pool', 'max']],
    ['since:"3 days ago" pool', ['since:3 days ago', 'pool']],
    ["author:'Jane Doe' x", ['author:Jane Doe', 'x']],
    ['"a b"c', ['a bc']],
    ['""', ['']],
  ])('%j splits into %j', (text, words) => {
    expect(filterWords(text)).toEqual(words);
  });

  it.each<[string, object]>([
    ['risk:high', { risk: 'high' }],
    ['RISK:high', { risk: 'high' }],
    ['author:jane', { author: 'jane', regexpIgnoreCase: true }],
    ['field:config.yaml:database.pool.max', { field: 'config.yaml:database.pool.max' }],
    ['file:conf.d component:db since:2026-11-01 until:yesterday', { file: 'conf.d', component: 'db', since: '2026-11-01', until: 'yesterday' }],
    // free text is literal: a '.' or '(' is no regex syntax
    ['pool.max (sale)', { grep: 'pool\\.max \\(sale\\)', regexpIgnoreCase: true }],
    // an unknown key (a URL, a time) is free text
    ['http://x 10:30', { grep: 'http://x 10:30', regexpIgnoreCase: true }],
  ])('%j means the log flags %j', (text, flags) => {
    expect(filterFlags(text)).toEqual(flags);
  });

  it('means what the same log flags mean', () => {
    const text = 'author:jane risk:high component:api file:conf.d field:db.pool since:2026-11-01 pool';
    expect(parseFilterText(text, NOW)).toEqual(filterFromFlags({ author: 'jane', risk: 'high', component: 'api', file: 'conf.d', field: 'db.pool', since: '2026-11-01', grep: 'pool', regexpIgnoreCase: true }, NOW));
    // the free text matches regardless of case
    expect(parseFilterText('Pool', NOW).grep!.test('raise POOL size')).toBe(true);
  });

  it.each<[string, RegExp]>([
    ['risk:extreme', /^BAD_INPUT: --risk must be one of low, medium, high, critical; got 'extreme'$/],
    ['since:"not a date"', /^BAD_INPUT: .*not a date/],
    ['since:2026-11-20 until:2026-11-01', /^BAD_INPUT: --since '2026-11-20' is later than --until '2026-11-01'$/],
    ['author:(', /^BAD_INPUT: invalid regular expression for --author/],
    ['risk:', /^BAD_INPUT: filter: risk: needs a value \(e\.g\. risk:high\)$/],
    ['risk:high risk:low', /^BAD_INPUT: filter: risk: given twice$/],
    ['since:"3 days', /^BAD_INPUT: filter: unclosed " quote$/],
  ])('%j is refused as log refuses it', (text, message) => {
    expect(codeOf(() => parseFilterText(text, NOW))).toMatch(message);
  });
});
