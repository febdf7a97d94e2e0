import { describe, expect, it } from 'vitest';
import { formatRolloutEvent, formatRolloutReport, rolloutEventJson } from '../../../src/cli/format/rollout.js';
import type { RolloutState } from '../../../src/ops/rollout/state.js';

describe('rollout progress and report', () => {
  it('a terminal line shows batch, bar, instance, state and elapsed time', () => {
    expect(formatRolloutEvent({ phase: 'instance', batch: 2, instance: 'web-4', state: 'failed', message: 'GET http://web-4/health: status 500' }, { done: 4, total: 8 }, 12_400, 3))
      .toBe('[batch 2/3 ██████░░░░░░ 4/8] web-4  failed  12.4 s  GET http://web-4/health: status 500\n');
    expect(formatRolloutEvent({ phase: 'gate', batch: 2, ok: false, failed: ['web-4'] }, { done: 4, total: 8 }, 61_000, 3)).toBe('gate of batch 2: FAILED (web-4)  1 min 1 s\n');
    expect(formatRolloutEvent({ phase: 'end', id: 'R', status: 'completed', record: 'x' }, { done: 0, total: 0 }, 0, 1)).toBeNull();
    expect(JSON.parse(rolloutEventJson({ phase: 'wait', batch: 3, delayMs: 30_000 }, 1234.5))).toEqual({ phase: 'wait', batch: 3, delayMs: 30_000, elapsed_ms: 1235 });
  });

  it('the report says where each instance is and what to run next', () => {
    const A = 'a'.repeat(40);
    const B = 'b'.repeat(40);
    const s = {
      version: 1, id: 'ROLLOUT-1', target: 'v1', status: 'stopped', batches: 2, batch: 2, delayMs: 0, maxFailures: 0, reason: null,
      stopped: 'batch 2: web-2 failed', startedAt: '', updatedAt: '', owner: { pid: 1, host: 'h' }, records: [],
      instances: [
        { name: 'web-1', batch: 1, state: 'healthy', acted: true, from: A, to: B, message: 'healthy (1 check)' },
        { name: 'web-2', batch: 2, state: 'failed', acted: false, from: null, to: null, message: 'exit 255: ssh: Connection refused' },
        { name: 'web-3', batch: 2, state: 'pending', acted: false, from: null, to: null, message: '' },
      ],
    } satisfies RolloutState;
    expect(formatRolloutReport(s)).toBe([
      'rollout ROLLOUT-1 to v1: stopped at batch 2/2',
      'stopped: batch 2: web-2 failed',
      '  web-1     batch 1  healthy        on bbbbbbb (was aaaaaaa)  healthy (1 check)',
      '  web-2     batch 2  failed         revision unknown (rollback not confirmed)  exit 255: ssh: Connection refused',
      '  web-3     batch 2  pending        not rolled back (on its own revision)',
      'next: fix the failing instances, then `cfgtrail rollback --continue`; or `cfgtrail rollback --abort` to roll the changed instances forward again',
      '',
    ].join('\n'));
  });
});
