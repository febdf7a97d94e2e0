import { describe, expect, it } from 'vitest';
import { blockingChecks, dependencyCheck, notifyCheck, windowCheck } from '../../../src/ops/playbook/checklist.js';
import type { Checklist, WindowChange } from '../../../src/ops/playbook/types.js';

const change = (over: Partial<WindowChange>): WindowChange => ({
  commit: 'a'.repeat(40), changeId: 'I1', title: 'Raise pool', date: '2026-11-29T23:00:00+00:00', kind: 'change', author: 'Dana <d@x>', files: 1, ...over,
});

describe('playbook checklist verdicts', () => {
  it('incident window: only changes of files count (freezes, rollbacks, event records do not)', () => {
    const cases: [WindowChange[], 'pass' | 'fail'][] = [
      [[], 'fail'],
      [[change({ kind: 'freeze', files: 0 })], 'fail'],
      [[change({ kind: 'rollback' })], 'fail'],
      [[change({ kind: 'change', files: 0, title: 'rollout R-1: completed' })], 'fail'],
      [[change({})], 'pass'],
      [[change({ kind: 'freeze', files: 0 }), change({ kind: 'revert' })], 'pass'],
    ];
    for (const [changes, status] of cases) expect([changes.map((c) => c.kind), windowCheck(changes, 'T').status]).toEqual([changes.map((c) => c.kind), status]);
    expect(windowCheck([change({ commit: 'b'.repeat(40) }), change({})], 'T0').detail).toBe('2 changes since T0; newest bbbbbbb "Raise pool" by Dana <d@x> at 2026-11-29T23:00:00+00:00');
  });

  it('dependencies: each kept change that depends on an undone one is named', () => {
    expect(dependencyCheck([]).status).toBe('pass');
    const d = dependencyCheck([{ undone: 'I1', dependent: { commit: 'c'.repeat(40), changeId: 'I2', title: 'Use the pool' } }]);
    expect([d.status, d.detail]).toEqual(['fail', 'the rollback would break 1 dependency: I2 ("Use the pool") depends on I1']);
  });

  it('notify: nobody told is a warning, not a stop', () => {
    expect(notifyCheck([])).toEqual({ name: 'notify', status: 'warn', detail: 'nobody is notified: no watch.alerts configured' });
    expect(notifyCheck(['webhook https://hooks.example.com']).status).toBe('pass');
  });

  it('--force passes over the failed checks it names, and only those stop the run', () => {
    const base: Checklist = {
      checks: [{ name: 'incident-window', status: 'pass', detail: '' }, { name: 'dependencies', status: 'fail', detail: '' }, { name: 'notify', status: 'warn', detail: '' }],
      window: { since: null, changes: [] }, notified: [], forced: [],
    };
    expect(blockingChecks(base).map((c) => c.name)).toEqual(['dependencies']);
    expect(blockingChecks({ ...base, forced: ['dependencies'] })).toEqual([]);
  });
});
