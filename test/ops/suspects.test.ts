import { describe, expect, it } from 'vitest';
import { kindOf } from '../../src/ops/suspects.js';

const t = (...pairs: [string, string][]) => pairs.map(([key, value]) => ({ key, value }));

describe('suspect kinds', () => {
  it('reads what a commit is from its trailers, as the shared contracts write them', () => {
    const cases: [ReturnType<typeof t>, string][] = [
      [t(['Change-Id', 'I1']), 'change'],
      [t(['Freeze', 'on'], ['Reason', 'release']), 'freeze'],
      [t(['Freeze', 'on'], ['Freeze-Until', '2026-12-01T00:00:00Z']), 'freeze'],
      [t(['freeze', 'OFF']), 'unfreeze'],
      [t(['Drill', 'D-1'], ['Rollback-To', 'abc']), 'drill'],
      [t(['Reverts', 'I1']), 'revert'],
      [t(['Rollback-To', 'abc'], ['Rollback-Of', 'I1']), 'rollback'],
      [t(['Rollback-Of', 'I1'], ['Reason', 'auto-rollback: error rate 12%']), 'auto-rollback'],
      [t(['Rollout', 'ROLLOUT-1a2b3c4d'], ['Rollout-Target', 'I1'], ['Rollout-State', 'completed']), 'rollout'],
      [t(['Playbook', 'emergency PB-1'], ['Playbook-Result', 'recovered']), 'playbook'],
      // a playbook's own rollback commit is a rollback
      [t(['Rollback-To', 'abc'], ['Playbook', 'emergency PB-1']), 'rollback'],
    ];
    for (const [trailers, kind] of cases) expect([trailers, kindOf(trailers)]).toEqual([trailers, kind]);
  });
});
