import { describe, expect, it } from 'vitest';
import { indexData, recordLine, type IndexData } from '../../../src/core/audit/index-store.js';
import { dependencyStates } from '../../../src/core/audit/dependency-state.js';
import { estimateRollback, type RollbackMeasurement } from '../../../src/core/audit/rollback-estimate.js';
import type { Store } from '../../../src/core/store/open.js';
import type { IndexRecord, Trailer } from '../../../src/core/types.js';

/** A first-parent history from a list of `[changeId, trailers]`, oldest first; commit ids are c0, c1, … padded to 40. */
function history(steps: [string, Trailer[]][]): { index: IndexData; oid: (i: number) => string } {
  const oid = (i: number) => `c${i}`.padEnd(40, '0');
  const lines = steps.map(([changeId, trailers], i): string => {
    const r: IndexRecord = {
      commit: oid(i), parents: i ? [oid(i - 1)] : [], changeId, title: `step ${i}`, body: '',
      author: { name: 'A', email: 'a@x' }, date: '2026-11-01T00:00:00+00:00', trailers: [{ key: 'Change-Id', value: changeId }, ...trailers],
      files: [{ path: 'config.yaml', status: 'modified' }], timestamp: 1_700_000_000 + i, fields: [],
    };
    return recordLine(r);
  });
  return { index: indexData({ text: lines.join('') }, oid(steps.length - 1), steps.length, 0), oid };
}

const A = 'Iaaaaaaaaaaaaaaaa';
const B = 'Ibbbbbbbbbbbbbbbb';
const R = 'I1111111111111111';
const S = 'I2222222222222222';

describe('dependencyStates: is each Depends-On change still in effect on HEAD?', () => {
  it.each<[string, [string, Trailer[]][], object]>([
    ['nothing undid it', [[A, []], [B, []]], { in_effect: true, status: 'in effect', undone_by: null }],
    ['a later rollback listed it', [[A, []], [B, []], [R, [{ key: 'Rollback-To', value: 'x' }, { key: 'Rollback-Of', value: A }]]], { in_effect: false, status: 'rolled back', commit: null, undone_by: R }],
    ['a later revert named it', [[A, []], [B, []], [R, [{ key: 'Reverts', value: A }]]], { in_effect: false, status: 'reverted', undone_by: R }],
    ['a file-only rollback undid part of it', [[A, []], [R, [{ key: 'Partially-Rolls-Back', value: `${A} (config.yaml)` }]]], { in_effect: false, status: 'partially rolled back', undone_by: R }],
    ['a rollback that names another change only', [[A, []], [B, []], [R, [{ key: 'Rollback-Of', value: B }]]], { in_effect: true, status: 'in effect' }],
  ])('%s', (_name, steps, expected) => {
    const { index } = history(steps);
    expect(dependencyStates(index, [A])[0]).toMatchObject({ change_id: A, relationship: 'depends-on', ...expected });
  });

  it('a later rollback to a state that holds it restores it; the newest word wins', () => {
    const { index, oid } = history([
      [A, []],
      [B, []],
      [R, [{ key: 'Rollback-To', value: 'c'.padEnd(40, '9') }, { key: 'Rollback-Of', value: A }, { key: 'Rollback-Of', value: B }]],
      [S, [{ key: 'Rollback-To', value: `c1`.padEnd(40, '0') }]],
    ]);
    expect(dependencyStates(index, [A, B])).toEqual([
      { change_id: A, relationship: 'depends-on', in_effect: true, status: 'in effect', commit: oid(0), undone_by: null },
      { change_id: B, relationship: 'depends-on', in_effect: true, status: 'in effect', commit: oid(1), undone_by: null },
    ]);
  });

  it('a change that is not on HEAD’s line, and one the store never had', () => {
    const { index } = history([[A, []], [B, []]]);
    const offLine = indexData({ text: index.text }, `c0`.padEnd(40, '0'), 2, 0);
    expect(dependencyStates(offLine, [B, 'I9999999999999999']).map((d) => d.status)).toEqual(['not in HEAD history', 'unknown change']);
  });
});

describe('estimateRollback: the median of measured rollbacks of the same files or services', () => {
  const store = { settings: { services: [{ name: 'web', files: ['nginx.conf', 'conf.d/*.conf'] }, { name: 'db', files: ['db.yaml'] }] } } as unknown as Store;
  const m = (commit: string, files: string[], services: [string, number][]): RollbackMeasurement => ({ commit, files, services: services.map(([name, ms]) => ({ name, ms })) });

  it('says nothing when nothing was measured', () => {
    expect(estimateRollback(store, [], ['nginx.conf'])).toBeNull();
    expect(estimateRollback(store, [m('r1', ['db.yaml'], [['db', 900]])], ['nginx.conf'])).toBeNull();
  });

  it('counts only the services the files feed, and takes the median', () => {
    const measured = [
      m('r1', ['nginx.conf', 'db.yaml'], [['web', 1000], ['db', 5000]]),
      m('r2', ['conf.d/a.conf'], [['web', 3000]]),
      m('r3', ['db.yaml'], [['db', 7000]]),
      m('r4', ['nginx.conf'], [['web', 2000]]),
    ];
    expect(estimateRollback(store, measured, ['conf.d/b.conf'])).toEqual({ median_ms: 2000, rollbacks: ['r1', 'r2', 'r4'], services: ['web'] });
    expect(estimateRollback(store, measured.slice(0, 2), ['nginx.conf'])).toEqual({ median_ms: 2000, rollbacks: ['r1', 'r2'], services: ['web'] });
  });

  it('a file no service uses: rollbacks that touched it, all their services', () => {
    expect(estimateRollback(store, [m('r1', ['motd'], [['web', 1200], ['db', 800]])], ['motd'])).toEqual({ median_ms: 2000, rollbacks: ['r1'], services: ['db', 'web'] });
  });
});
