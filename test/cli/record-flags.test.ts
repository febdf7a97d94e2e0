import { describe, expect, it } from 'vitest';
import { assessmentTrailers, type RecordFlags } from '../../src/cli/record-flags.js';
import { trailersFromFlags } from '../../src/cli/commands/snapshot.js';
import { isCfgtrailError } from '../../src/core/errors.js';
import { caught } from '../helpers/errors.js';

describe('snapshot flags of the change-record template → trailers', () => {
  it.each<[string, RecordFlags, [string, string][]]>([
    ['nothing', {}, []],
    ['tested, repeatable, in order', { tested: ['staging: passed', 'canary: 5% for 1h, no errors'] }, [['Tested', 'staging: passed'], ['Tested', 'canary: 5% for 1h, no errors']]],
    ['impact', { impact: 'API restarts one pod at a time' }, [['Impact', 'API restarts one pod at a time']]],
    ['downtime as settings write durations', { downtime: ' 1.5m ' }, [['Downtime', '1.5m']]],
    ['no downtime', { downtime: '0s' }, [['Downtime', '0s']]],
    ['approval time in ISO 8601 with its zone', { approvedBy: ['Bob'], approvedAt: 'Mon, 23 Nov 2026 17:55:45 -0500' }, [['Approved-At', '2026-11-23T17:55:45-05:00']]],
    ['approval time as git internal', { approvedBy: ['Bob'], approvedAt: '@1795456545 +0000' }, [['Approved-At', '2026-11-23T17:55:45+00:00']]],
  ])('%s', (_name, flags, expected) => {
    expect(assessmentTrailers(flags).map((t) => [t.key, t.value])).toEqual(expected);
  });

  it.each<[string, RecordFlags]>([
    ['--downtime 30', { downtime: '30' }],
    ['--downtime soon', { downtime: 'soon' }],
    ['--approved-at alone', { approvedAt: '2026-11-23' }],
    ['--approved-at 2026-02-30', { approvedBy: ['Bob'], approvedAt: '2026-02-30T10:00:00Z' }],
    ['--impact ""', { impact: '' }],
  ])('refuses %s (BAD_INPUT)', (_name, flags) => {
    expect(isCfgtrailError(caught(() => assessmentTrailers(flags)), 'BAD_INPUT')).toBe(true);
  });

  it('snapshot puts them after Approved-By, before Depends-On', () => {
    const keys = trailersFromFlags({ message: 'm', risk: 'low', approvedBy: ['Bob'], approvedAt: '2026-11-23T10:00:00Z', tested: ['ci: green'], impact: 'none', downtime: '0s', dependsOn: ['I1'] }).map((t) => t.key);
    expect(keys).toEqual(['Risk', 'Approved-By', 'Approved-At', 'Tested', 'Impact', 'Downtime', 'Depends-On']);
  });
});
