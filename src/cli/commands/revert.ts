import type { Command } from 'commander';
import { CfgtrailError } from '../../core/errors.js';
import { planRevert, type RevertPlan, type RevertRequest } from '../../ops/revert/plan.js';
import { applyRevert, type RevertResult } from '../../ops/revert/apply.js';
import type { ServiceConfig } from '../../ops/services-config.js';
import { loadServices, realPorts } from '../wire.js';
import { formatConflicts, formatRevertOutcome, formatRevertPlan, revertJson } from '../format/revert.js';
import { ExitWith, storeFor, useColor, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { withSpan } from '../../core/trace.js';
import { revertPlanOutcome } from '../../ops/span-outcomes.js';
import { applyAndReport, type ApplyFlags, canChown, confirmPlan, rollbackHooks, sharedRequestFields, terminalPrompt, type Prompt } from './apply-flow.js';

export interface RevertFlags extends ApplyFlags {
  ours?: boolean;
  theirs?: boolean;
  verbose?: boolean;
  author?: string;
}

/** Maps flags to the ops request. */
export function revertRequestFromFlags(rev: string, f: RevertFlags, services: ServiceConfig[], chown: boolean): RevertRequest {
  if (f.ours && f.theirs) throw new CfgtrailError('BAD_INPUT', '--ours and --theirs cannot be used together');
  return {
    rev,
    ...(f.ours ? { pick: 'ours' as const } : f.theirs ? { pick: 'theirs' as const } : {}),
    ...sharedRequestFields(f, services, chown),
  };
}

export function registerRevert(program: Command, deps: CliDeps, prompt: Prompt = terminalPrompt): void {
  program
    .command('revert')
    .description('undo one change and keep every later one (a new commit), restart and verify the affected services')
    .argument('<rev>', 'the change to undo: commit, prefix, HEAD~N, Change-Id (or prefix) or tag')
    .option('--ours', 'where a later change touched the same field or lines: keep the later (current) value')
    .option('--theirs', 'where a later change touched the same field or lines: put back the value from before <rev>, overriding the later change')
    .option('--dry-run', 'print the plan (or the conflicts) and change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('-m, --message <reason>', 'why (recorded in the Reason trailer)')
    .option('--no-restart', 'do not restart the affected services')
    .option('--no-verify', 'do not run health checks')
    .option('--force', 'go on although later changes name this one in Depends-On (recorded as Forced)')
    .option('--json', 'print { revert, plan, result } as JSON')
    .option('-v, --verbose', 'print each phase and its duration on stderr')
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .addHelpText('after', '\nConflicts (a field, lines or a binary file changed again after <rev>) exit 13 and change nothing;\n--ours or --theirs settles all of them one way. Exit codes as for rollback.')
    .action(async (rev: string, f: RevertFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const chown = canChown();
      const services = loadServices(store);
      const plan = withSpan('revert.plan', {}, () => planRevert(store, revertRequestFromFlags(rev, f, services, chown)), revertPlanOutcome);
      const color = useColor(cmd, deps);
      const printPlan = () => deps.stdout(f.json ? revertJson(plan, null) : formatRevertPlan(plan, { color }));
      if (plan.conflicts.length > 0) {
        deps.stdout(f.json ? revertJson(plan, null) : formatConflicts(plan));
        throw new ExitWith(ExitCode.REFUSED);
      }
      if (plan.rollback.nothingToDo) {
        if (f.json) printPlan();
        else deps.stdout(`nothing to do: the live files already have ${plan.reverted.commit.slice(0, 7)} (${plan.reverted.title}) undone\n`);
        throw new ExitWith(ExitCode.NOTHING_TO_DO);
      }
      if (f.dryRun) return printPlan();
      if (plan.rollback.dependencies.length > 0 && !f.force) {
        printPlan();
        throw new CfgtrailError('REFUSED', 'later changes depend on the change to revert (listed above); add --force to revert anyway', { dependencies: plan.rollback.dependencies });
      }
      if (!f.yes) await confirmPlan(formatRevertPlan(plan, { color }), { verb: 'Revert', doing: 'reverting', noun: 'revert' }, prompt, deps);
      await apply(store, plan, services, chown, f, deps);
    });
}

async function apply(store: Parameters<typeof applyRevert>[1]['store'], plan: RevertPlan, services: ServiceConfig[], chown: boolean, f: RevertFlags, deps: CliDeps): Promise<void> {
  await applyAndReport(f, deps,
    (author, onEvent): Promise<RevertResult> => applyRevert(plan, { store, services, ...realPorts(), author, now: deps.now, chown, onEvent }),
    (result) => (f.json ? revertJson(plan, result) : formatRevertOutcome(plan, result)),
    rollbackHooks(store, plan.rollback, 'revert', deps));
}
