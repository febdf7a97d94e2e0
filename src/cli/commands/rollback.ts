import type { Command } from 'commander';
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { planRollback, type RollbackRequest } from '../../ops/rollback/plan.js';
import { applyRollback } from '../../ops/rollback/apply.js';
import { abortRollback } from '../../ops/rollback/abort.js';
import type { RollbackPlan } from '../../ops/rollback/types.js';
import type { ServiceConfig } from '../../ops/services-config.js';
import { loadServices, realPorts } from '../wire.js';
import { formatAbort, formatOutcome, formatPlan, rollbackJson } from '../format/rollback.js';
import { applyAndReport, type ApplyFlags, canChown, confirmPlan, rollbackHooks, sharedRequestFields, terminalPrompt, type Prompt } from './apply-flow.js';
import { collect, ExitWith, storeFor, useColor, workDir, type CliDeps } from '../context.js';
import { rootRelativePath } from '../../core/store/user-path.js';
import { ExitCode } from '../exit-codes.js';
import { withSpan } from '../../core/trace.js';
import { rollbackPlanOutcome } from '../../ops/span-outcomes.js';
import { checkRolloutFlags, resumeRollout, rolloutCommand, type RolloutFlags } from './rollout-flow.js';
import { pendingRollout } from '../../ops/rollout/state.js';
import { pendingRollback } from '../../ops/rollback/pending.js';

export interface RollbackFlags extends ApplyFlags, RolloutFlags {
  continue?: boolean;
  abort?: boolean;
  previous?: boolean;
  lastGood?: boolean;
  file?: string[];
  verbose?: boolean;
  author?: string;
}

/** Maps flags to the ops request. */
export function requestFromFlags(target: string | undefined, f: RollbackFlags, services: ServiceConfig[], chown: boolean): RollbackRequest {
  return {
    ...(target !== undefined ? { rev: target } : {}),
    continue: Boolean(f.continue),
    previous: Boolean(f.previous),
    lastGood: Boolean(f.lastGood),
    ...(f.file?.length ? { files: f.file } : {}),
    ...sharedRequestFields(f, services, chown),
  };
}

export function registerRollback(program: Command, deps: CliDeps, prompt: Prompt = terminalPrompt): void {
  program
    .command('rollback')
    .description('restore an earlier revision as a new commit, restart and verify the affected services')
    .argument('[target]', 'revision: commit, prefix, HEAD~N, Change-Id or tag')
    .option('--previous', 'the state before the newest change (HEAD~1)')
    .option('--last-good', 'the newest revision whose verification passed')
    .option('--continue', 'finish an interrupted rollback (files, commit, restarts, checks)')
    .option('--abort', 'abandon an interrupted rollback: put back the files it restored')
    .option('--file <path>', 'only roll back this file or directory (repeatable)', collect)
    .option('--dry-run', 'print the plan and change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('-m, --message <reason>', 'why (recorded in the Reason trailer)')
    .option('--no-restart', 'do not restart the affected services')
    .option('--no-verify', 'do not run health checks')
    .option('--force', 'go on although remaining changes depend on undone ones')
    .option('--json', 'print { plan, result } as JSON (with per-phase timings)')
    .option('-v, --verbose', 'print each phase and its duration on stderr')
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .option('--instances <file>', 'roll back these instances (one name a line) through rollout.action, in batches with health gates')
    .option('--instances-cmd <command>', 'the instance names are this command\'s output lines (split into words, no shell)')
    .option('--batch-size <n|n%>', 'instances per batch (default 1)')
    .option('--delay <duration>', 'wait between batches, e.g. 30s')
    .option('--max-failures <n>', 'failed instances tolerated before the rollout stops (default 0)')
    .action(async (target: string | undefined, f: RollbackFlags, cmd: Command) => {
      checkFlagCombination(target, f);
      const rollout = checkRolloutFlags(f);
      const store = storeFor(cmd, deps);
      if (rollout) return rolloutCommand(store, target, f, workDir(cmd, deps), deps, prompt);
      if ((f.continue || f.abort) && (await resumePendingRollout(store, f, deps))) return;
      const chown = canChown();
      if (f.abort) return abort(store, chown, f, deps);
      const services = loadServices(store);
      // --file paths read as git reads pathspecs: from the current directory, `:/path` from the root.
      const files = f.file?.map((p) => rootRelativePath(p, { cwd: workDir(cmd, deps), root: store.root, what: '--file' }));
      const plan = withSpan('rollback.plan', {}, () => planRollback(store, requestFromFlags(target, { ...f, ...(files ? { file: files } : {}) }, services, chown)), rollbackPlanOutcome);
      const color = useColor(cmd, deps);
      const printPlan = () => deps.stdout(f.json ? rollbackJson(plan, null) : formatPlan(plan, { color }));
      if (plan.nothingToDo) {
        if (f.json) printPlan();
        else deps.stdout(`nothing to do: the live files already match ${plan.target.commit.slice(0, 7)} (${plan.target.title})\n`);
        throw new ExitWith(ExitCode.NOTHING_TO_DO);
      }
      if (f.dryRun) return printPlan();
      if (plan.dependencies.length > 0 && !f.force) {
        printPlan();
        throw new CfgtrailError('REFUSED', 'changes that stay in effect depend on changes this rollback undoes (listed above); add --force to roll back anyway', { dependencies: plan.dependencies });
      }
      // --continue finishes what was confirmed when the rollback started, as git rebase --continue.
      if (!f.yes && !f.continue) await confirmPlan(formatPlan(plan, { color }), { verb: 'Roll back', doing: 'rolling back', noun: 'rollback' }, prompt, deps);
      await apply(store, plan, services, chown, f, deps);
    });
}

/**
 * `--continue`/`--abort` act on a pending rollout when no local rollback is
 * pending; with both, the local one goes first and a note names the rollout.
 * @returns true when the rollout was handled
 */
async function resumePendingRollout(store: Store, f: RollbackFlags, deps: CliDeps): Promise<boolean> {
  const rollout = pendingRollout(store.gitdir);
  if (!rollout) return false;
  if (pendingRollback(store)) {
    deps.stderr(`note: rollout ${rollout.id} is pending too; run this again for it once the local rollback is done\n`);
    return false;
  }
  await resumeRollout(store, rollout, f.continue ? 'continue' : 'abort', f, deps);
  return true;
}

/** `--continue` and `--abort` stand alone (git's rule for `rebase --continue`). */
function checkFlagCombination(target: string | undefined, f: RollbackFlags): void {
  if (f.continue && f.abort) throw new CfgtrailError('BAD_INPUT', '--continue and --abort cannot be used together');
  const flag = f.continue ? '--continue' : f.abort ? '--abort' : null;
  if (!flag) return;
  const others = [target !== undefined ? 'a revision' : null, f.previous ? '--previous' : null, f.lastGood ? '--last-good' : null, f.file?.length ? '--file' : null]
    .filter(Boolean);
  if (f.abort && f.dryRun) others.push('--dry-run');
  if (others.length > 0) throw new CfgtrailError('BAD_INPUT', `${flag} takes the pending rollback as it is: drop ${others.join(', ')}`);
}

async function abort(store: Store, chown: boolean, f: RollbackFlags, deps: CliDeps): Promise<void> {
  const r = await abortRollback(store, { chown });
  if (f.json) return deps.stdout(`${JSON.stringify({ aborted: r }, null, 2)}\n`);
  deps.stdout(formatAbort(r));
}

async function apply(store: Store, plan: RollbackPlan, services: ServiceConfig[], chown: boolean, f: RollbackFlags, deps: CliDeps): Promise<void> {
  await applyAndReport(f, deps,
    (author, onEvent) => applyRollback(plan, { store, services, ...realPorts(), author, now: deps.now, chown, onEvent }),
    (result) => (f.json ? rollbackJson(plan, result) : formatOutcome(plan, result)),
    rollbackHooks(store, plan, 'rollback', deps));
}
