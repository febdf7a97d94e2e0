import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markersOf } from '../../../src/core/audit/history-rows.js';
import { freezeState } from '../../../src/core/audit/freeze-state.js';
import { syncIndex } from '../../../src/core/audit/index-sync.js';
import { openStore } from '../../../src/core/store/open.js';
import { cfgtrail, git, tempDir } from '../../helpers/cli.js';
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
  ])('%s: %j', (_what, entry, markers) => {
    expect(markersOf(entry)).toEqual(markers);
  });
});

describe('freeze state from history (the freeze/unfreeze contract)', () => {
  it('the newest commit with a Freeze trailer decides; Freeze-Until ends it; "Freeze:" in a body does not count', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const snap = (title: string, ...trailers: string[]) => {
      const r = cfgtrail(['snapshot', '-m', title, '--allow-empty', ...trailers.flatMap((x) => ['--trailer', x])], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      return git(['--git-dir', join(dir, '.cfgtrail'), 'rev-parse', 'HEAD']).trim();
    };
    const state = () => {
      const store = openStore(dir);
      return freezeState(syncIndex(store, { persist: false }), Date.UTC(2026, 10, 29));
    };
    snap('first');
    expect(state()).toBeNull();
    const frozen = snap('freeze: release week', 'Freeze: on', 'Reason: release week');
    expect(state()).toEqual({ commit: frozen, frozen: true, until: null, reason: 'release week', by: 'Test Operator <ops@example.com>' });
    // an ordinary change later keeps the freeze in effect; prose mentioning "Freeze:" is not a trailer
    const r = cfgtrail(['snapshot', '-m', 'hotfix', '--allow-empty', '--body', 'Freeze: off\n\nwas discussed'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(state()?.commit).toBe(frozen);
    snap('unfreeze: done', 'Freeze: off', 'Reason: done');
    expect(state()).toBeNull();
    snap('freeze: until Friday', 'Freeze: on', 'Freeze-Until: 2026-12-04T18:00:00Z', 'Reason: sale');
    expect(state()?.until).toBe('2026-12-04T18:00:00Z');
    snap('freeze: expired', 'Freeze: on', 'Freeze-Until: 2026-11-01T00:00:00Z', 'Reason: old');
    expect(state()).toBeNull();
  });
});
