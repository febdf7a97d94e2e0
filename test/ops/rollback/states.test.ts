import { describe, expect, it } from 'vitest';
import { commitMessage } from '../../../src/ops/rollback/states.js';

const ref = (n: number) => ({ commit: n.toString(16).padStart(40, 'a'), changeId: n === 3 ? null : `I${String(n).padStart(16, '0')}`, title: `change ${n}` });

describe('commitMessage', () => {
  it('lists the newest 20 undone changes in the body and names every Change-Id in the trailers', () => {
    const undone = Array.from({ length: 25 }, (_, i) => ref(25 - i)); // newest first, as undoneChanges returns them
    const msg = commitMessage(ref(0), null, undone, 'pool exhausted');
    const listed = msg.commitBody.split('\n').filter((l) => l.startsWith('- '));
    expect(listed).toHaveLength(21);
    expect(listed[0]).toBe(`- ${ref(25).commit.slice(0, 7)} ${ref(25).changeId} change 25`);
    expect(listed[20]).toBe(`- and 5 older (${ref(1).commit.slice(0, 7)}..${ref(5).commit.slice(0, 7)}); every Change-Id is in the Rollback-Of trailers`);
    const of = msg.trailers.filter((t) => t.key === 'Rollback-Of').map((t) => t.value);
    expect(of).toEqual(undone.filter((u) => u.changeId).map((u) => u.changeId));
    expect(of).toHaveLength(24);
    expect(msg.trailers[0]).toEqual({ key: 'Rollback-To', value: ref(0).commit });
    expect(msg.trailers.at(-1)).toEqual({ key: 'Reason', value: 'pool exhausted' });
  });

  it('lists them all when there are 20 or fewer', () => {
    const undone = [ref(2), ref(1)];
    const msg = commitMessage(ref(0), ['a.yaml'], undone, null);
    expect(msg.commitTitle).toBe(`Rollback of a.yaml to ${ref(0).commit.slice(0, 7)}: change 0`);
    expect(msg.commitBody).toBe(`No reason given.\n\nUndone changes:\n- ${ref(2).commit.slice(0, 7)} ${ref(2).changeId} change 2\n- ${ref(1).commit.slice(0, 7)} ${ref(1).changeId} change 1`);
  });

  it('does not nest titles: rolling back to a rollback names the state it restored', () => {
    let target = { commit: 'b'.repeat(40), changeId: 'I1', title: 'Raise pool' };
    for (let depth = 0; depth < 9; depth++) {
      const msg = commitMessage(target, depth % 2 ? ['conf.d/a.yaml'] : null, [], null);
      expect(msg.commitTitle).toMatch(new RegExp(`^Rollback (of conf\\.d/a\\.yaml )?to ${target.commit.slice(0, 7)}: Raise pool$`));
      target = { commit: String(depth).repeat(40), changeId: `I${depth + 2}`, title: msg.commitTitle };
    }
  });

  it('says the drift snapshot was saved, not undone', () => {
    const drift = ref(9);
    const msg = commitMessage(ref(0), null, [drift, ref(2)], 'why', drift.commit);
    expect(msg.commitBody).toBe(`why\n\nUncommitted edits were saved first as ${drift.commit.slice(0, 7)} (Pre-rollback snapshot).\n\nUndone changes:\n- ${ref(2).commit.slice(0, 7)} ${ref(2).changeId} change 2`);
    expect(msg.trailers).toEqual([
      { key: 'Rollback-To', value: ref(0).commit },
      { key: 'Rollback-Of', value: ref(2).changeId },
      { key: 'Pre-Rollback-Snapshot', value: drift.commit },
      { key: 'Reason', value: 'why' },
    ]);
  });

  it('records a change undone only in some of its files as Partially-Rolls-Back, naming those files', () => {
    const msg = commitMessage(ref(0), ['a.yaml', 'b.yaml'], [ref(2), { ...ref(1), partly: ['a.yaml', 'b.yaml'] }], null);
    expect(msg.trailers).toEqual([
      { key: 'Rollback-To', value: ref(0).commit },
      { key: 'Rollback-Of', value: ref(2).changeId },
      { key: 'Partially-Rolls-Back', value: `${ref(1).changeId} (a.yaml, b.yaml)` },
      { key: 'Reason', value: 'not given' },
    ]);
    expect(msg.commitBody).toMatch(/ change 1 \(only a\.yaml, b\.yaml\)$/m);
  });

  it('records an overridden depends-on check as Forced, listing the dependencies', () => {
    const forced = [{ undone: ref(2).changeId!, dependent: ref(4) }];
    const msg = commitMessage(ref(0), ['db.yaml'], [ref(2)], 'why', null, forced);
    expect(msg.trailers.slice(-2)).toEqual([{ key: 'Forced', value: 'depends-on check overridden' }, { key: 'Reason', value: 'why' }]);
    expect(msg.commitBody).toContain(`Forced (--force): changes that stay in effect depend on undone ones:\n- ${ref(4).commit.slice(0, 7)} ${ref(4).changeId} change 4 depends on ${ref(2).changeId}`);
    expect(commitMessage(ref(0), null, [ref(2)], 'why').trailers.map((t) => t.key)).not.toContain('Forced');
  });
});
