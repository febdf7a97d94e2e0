import { describe, expect, it } from 'vitest';
import { cfgtrail, gitIn } from '../helpers/cli.js';
import { GOOD_ID, healthOf, jsonLines, startFleet, type Fleet } from '../helpers/fleet.js';

interface InstanceJson { name: string; batch: number; state: string; acted: boolean; from: string | null; to: string | null; message: string }
interface StateJson { id: string; status: string; batch: number; batches: number; instances: InstanceJson[]; records: string[] }

function report(stdout: string): StateJson {
  const last = jsonLines(stdout).at(-1) as { phase: string; rollout: StateJson };
  expect(last.phase).toBe('report');
  return last.rollout;
}

function byName(s: StateJson): Record<string, InstanceJson> {
  return Object.fromEntries(s.instances.map((i) => [i.name, i]));
}

/** The trailers native git reads on the control store's HEAD. */
function recordTrailers(f: Fleet, rev = 'HEAD'): string {
  return gitIn(`${f.control}/.cfgtrail`, ['log', '-1', '--format=%(trailers:key=Rollout-State,key=Rollout-Batch,key=Rollout-Target)', rev]);
}

function headOf(store: string): string {
  return gitIn(store, ['rev-parse', 'HEAD']).trim();
}

const rollout = (f: Fleet, extra: string[] = []) =>
  cfgtrail(['rollback', GOOD_ID, '--instances', f.list, '--batch-size', '2', '--yes', ...extra], { cwd: f.control });

describe('rollback --instances (progressive rollout)', () => {
  it('stops at the batch whose gate fails, reports each instance, and --continue finishes once it is fixed', async () => {
    const f = await startFleet(5);
    const [a, b, c, d, e] = f.instances as [typeof f.instances[0], typeof f.instances[0], typeof f.instances[0], typeof f.instances[0], typeof f.instances[0]];
    for (const i of f.instances) expect(await healthOf(i)).toBe(500);
    const headsBefore = f.instances.map((i) => headOf(i.store));
    // c hangs (SIGSTOP): its rollback succeeds (the HUP is queued), its gate cannot.
    process.kill(c.svc.pid, 'SIGSTOP');
    const r = rollout(f);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(18);
    const s = report(r.stdout);
    expect(s.status).toBe('stopped');
    expect(s.batch).toBe(2);
    const by = byName(s);
    expect([a, b, d].map((i) => by[i.name]!.state)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(by[c.name]!.state).toBe('failed');
    expect(by[c.name]!.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/health: no answer/);
    expect(by[e.name]!.state).toBe('pending');
    // Revisions as each instance reported them, checked against the instance's own store.
    for (const [k, i] of [a, b, c, d].entries()) {
      expect(by[i.name]!.from).toBe(headsBefore[[0, 1, 2, 3][k]!]);
      expect(by[i.name]!.to).toBe(headOf(i.store));
    }
    expect(headOf(e.store)).toBe(headsBefore[4]);
    expect(await healthOf(e)).toBe(500);
    // Events as JSON lines, in order: batch 1 gate passed before batch 2 started.
    const events = jsonLines(r.stdout).map((l) => `${l.phase}${l.phase === 'batch' || l.phase === 'gate' ? ` ${l.batch}` : ''}`);
    expect(events.filter((x) => /^(batch|gate)/.test(x))).toEqual(['batch 1', 'gate 1', 'batch 2', 'gate 2']);
    // Recorded: a commit that changes no file, with trailers native git reads.
    const store = `${f.control}/.cfgtrail`;
    expect(gitIn(store, ['rev-parse', 'HEAD^{tree}'])).toBe(gitIn(store, ['rev-parse', 'HEAD~1^{tree}']));
    expect(recordTrailers(f)).toBe(`Rollout-Target: ${GOOD_ID}\nRollout-State: stopped\nRollout-Batch: 2/3\n\n`);
    expect(gitIn(store, ['log', '-1', '--format=%b'])).toContain(`- ${c.name} (batch 2): failed`);
    expect(s.records).toEqual([headOf(store)]);
    // status reads the same state.
    const st = cfgtrail(['rollout', 'status'], { cwd: f.control });
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`${c.name.replace(/\./g, '\\.')}\\s+batch 2\\s+failed`));
    expect(st.stdout).toMatch(/cfgtrail rollback --continue/);
    // A new rollout is refused while this one is pending.
    const again = rollout(f);
    expect(again.code).toBe(13);
    expect(again.stderr).toMatch(new RegExp(`^cfgtrail: rollout ${s.id} .* is stopped: run 'cfgtrail rollback --continue'`));
    // Fixed: c runs again (and reloads the config its rollback restored); --continue redoes batch 2's gate and goes on.
    process.kill(c.svc.pid, 'SIGCONT');
    const cont = cfgtrail(['rollback', '--continue'], { cwd: f.control });
    expect(cont.stderr).toBe('');
    expect(cont.code).toBe(0);
    const done = report(cont.stdout);
    expect(done.status).toBe('completed');
    expect(done.instances.map((i) => i.state)).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'healthy']);
    for (const i of f.instances) expect(await healthOf(i)).toBe(200);
    // c was rolled back once: the rerun of its action found nothing to do.
    expect(gitIn(c.store, ['log', '--format=%s']).split('\n').filter(Boolean)).toHaveLength(3);
    expect(recordTrailers(f)).toBe(`Rollout-Target: ${GOOD_ID}\nRollout-State: completed\nRollout-Batch: 3/3\n\n`);
    expect(done.records).toHaveLength(2);
    gitIn(store, ['fsck', '--strict']);
  });
});
