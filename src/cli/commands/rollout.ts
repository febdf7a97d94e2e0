import type { Command } from 'commander';
import { describeOwner, ownerAlive } from '../../core/store/owner.js';
import { readRolloutState } from '../../ops/rollout/state.js';
import { formatRolloutReport } from '../format/rollout.js';
import { storeFor, type CliDeps } from '../context.js';

/** `cfgtrail rollout status`: where the newest rollout's instances are, read from the store's state file. */
export function registerRollout(program: Command, deps: CliDeps): void {
  const rollout = program.command('rollout').description('progressive rollbacks across instances (start one with rollback TARGET --instances)');
  rollout
    .command('status')
    .description('show the newest rollout: its batches, each instance\'s state and revision, and what to run next')
    .option('--json', 'print the state as JSON')
    .action((f: { json?: boolean }, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const s = readRolloutState(store.gitdir);
      if (!s) return deps.stdout(f.json ? 'null\n' : 'no rollout in this store\n');
      const live = (s.status === 'running' || s.status === 'aborting') && ownerAlive(s.owner);
      if (f.json) return deps.stdout(`${JSON.stringify({ ...s, live }, null, 2)}\n`);
      const who = s.status === 'running' || s.status === 'aborting'
        ? live ? `in progress: ${describeOwner(s.owner)}\n` : 'interrupted: its process is gone\n'
        : '';
      deps.stdout(formatRolloutReport(s) + who);
    });
}
