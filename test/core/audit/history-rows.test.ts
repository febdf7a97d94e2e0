import { describe, expect, it } from 'vitest';
import { markersOf } from '../../../src/core/audit/history-rows.js';
import type { Trailer } from '../../../src/core/types.js';

const t = (...pairs: [string, string][]): { trailers: Trailer[] } => ({ trailers: pairs.map(([key, value]) => ({ key, value })) });

describe('history markers', () => {
  it.each<[string, { trailers: Trailer[] }, string[]]>([
    ['a snapshot', t(['Change-Id', 'I1'], ['Risk', 'high']), []],
    ['a rollback', t(['Rollback-To', 'abc'], ['Rollback-Of', 'I1'], ['Reason', 'pool exhaustion']), ['rollback']],
    ['an auto-rollback by watch', t(['Rollback-To', 'abc'], ['Reason', 'auto-rollback: error rate 12%']), ['auto-rollback']],
    ['a revert', t(['Reverts', 'I1'], ['Reverts-Commit', 'abc']), ['revert']],
    ['a drill', t(['Drill', 'd-42'], ['Rollback-To', 'abc']), ['rollback', 'drill']],
    ['a freeze', t(['Freeze', 'on'], ['Reason', 'release']), ['freeze']],
    ['an unfreeze', t(['Freeze', ' Off '], ['Reason', 'done']), ['unfreeze']],
    ['a playbook run', t(['Playbook', 'emergency INC-20261130T020311-3f2a'], ['Playbook-Result', 'recovered']), ['playbook']],
  ])('%s: %j', (_what, entry, markers) => {
    expect(markersOf(entry)).toEqual(markers);
  });
});
