/**
 * `rollback --abort` for a rollout: roll the instances it changed forward
 * again, newest batch first, each to the revision it reported before its
 * rollback. The forward action is `rollout.forward_action` with
 * `{revision}`, or else the rollback action itself with `{target}` set to
 * that revision (a rollback to the old head restores it as a new commit).
 * An instance whose earlier revision is unknown is left as it is and named
 * (its action failed or was cut off before it reported one).
 */
import type { Store } from '../../core/store/open.js';
import { judgeAction } from './action.js';
import type { RolloutConfig } from './config.js';
import { fillArgv } from './plan.js';
import { claimRollout, finish, type RolloutOutcome } from './run.js';
import { writeRolloutState, type InstanceRecord, type RolloutState } from './state.js';
import type { RolloutPorts } from './types.js';

/** The argv rolling `i` forward, or null when there is nothing to roll forward or its revision is unknown. */
export function forwardArgv(config: RolloutConfig, s: Pick<RolloutState, 'target'>, i: InstanceRecord): string[] | null {
  if (!i.from) return null;
  if (config.forwardAction) return fillArgv(config.forwardAction, { instance: i.name, revision: i.from, target: s.target });
  return fillArgv(config.action, { instance: i.name, target: i.from });
}

/** Instances the rollout changed, or may have (killed mid-action), and that are not rolled forward yet. */
function toRollForward(s: RolloutState): InstanceRecord[] {
  return s.instances.filter((i) => i.state !== 'pending' && i.state !== 'forwarded' && !(i.from !== null && i.from === i.to));
}

/**
 * Rolls the changed instances forward; `aborted` when every one was, else it
 * stays `aborting` (run again once the cause is fixed).
 */
export async function abortRollout(store: Store, config: RolloutConfig, pending: RolloutState, ports: RolloutPorts): Promise<RolloutOutcome> {
  const s = await claimRollout(store, pending, 'abort', ports.now);
  ports.onEvent?.({ phase: 'start', id: s.id, target: s.target, batches: s.batches, instances: s.instances.length, resumed: true, abort: true });
  const todo = toRollForward(s);
  for (let b = s.batches; b >= 1; b--) {
    await Promise.all(todo.filter((i) => i.batch === b).map((i) => forward(store, config, s, i, ports)));
  }
  const left = s.instances.some((i) => i.state === 'forward-failed');
  return finish(store, s, left ? 'aborting' : 'aborted', ports);
}

async function forward(store: Store, config: RolloutConfig, s: RolloutState, i: InstanceRecord, ports: RolloutPorts): Promise<void> {
  const argv = forwardArgv(config, s, i);
  const emit = () => ports.onEvent?.({ phase: 'instance', batch: i.batch, instance: i.name, state: i.state, message: i.message });
  if (!argv) {
    // Nothing reported a revision: the action failed or was cut off before its output. Not a failure of
    // the abort (there may be nothing to undo), but named so that someone looks.
    Object.assign(i, { state: 'failed', message: 'left as it is: its action never reported its revision (check this instance by hand)' });
    writeRolloutState(store.gitdir, s, ports.now);
    return emit();
  }
  ports.onEvent?.({ phase: 'instance', batch: i.batch, instance: i.name, state: 'forwarding', message: `rolling forward to ${i.from!.slice(0, 7)}` });
  const v = judgeAction(await ports.run(argv, { timeoutMs: config.timeoutMs }), config.timeoutMs);
  Object.assign(i, v.ok ? { state: 'forwarded', message: `rolled forward to ${i.from!.slice(0, 7)}`, to: v.to ?? i.to } : { state: 'forward-failed', message: v.message });
  writeRolloutState(store.gitdir, s, ports.now);
  emit();
}
