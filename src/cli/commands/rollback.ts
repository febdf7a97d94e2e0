import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { planRollback, type RollbackRequest } from '../../ops/rollback/plan.js';
import { applyRollback } from '../../ops/rollback/apply.js';
import { abortRollback } from '../../ops/rollback/abort.js';
import type { RollbackEvent, RollbackPlan, RollbackResult } from '../../ops/rollback/types.js';
import type { ServiceConfig } from '../../ops/services-config.js';
import { loadServices, realPorts } from '../wire.js';
import { resolveAuthor } from '../identity.js';
import { formatAbort, formatEvent, formatOutcome, formatPlan, rollbackJson } from '../format/rollback.js';
import { collect, ExitWith, storeFor, useColor, workDir, type CliDeps } from '../context.js';
import { rootRelativePath } from '../../core/store/user-path.js';
import { ExitCode } from '../exit-codes.js';

export interface RollbackFlags {
  continue?: boolean;
  abort?: boolean;
  previous?: boolean;
  lastGood?: boolean;
  file?: string[];
  dryRun?: boolean;
  yes?: boolean;
  message?: string;
  restart: boolean;
  verify: boolean;
  force?: boolean;
  json?: boolean;
  verbose?: boolean;
  author?: string;
}

/** Asking the operator; the real one reads the terminal. */
export interface Prompt {
  /** stdin and stderr are both terminals. */
  interactive: boolean;
  ask(question: string): Promise<string>;
}

/** The terminal prompt (node:readline on stdin, question on stderr). */
export const terminalPrompt: Prompt = {
  // A getter: touching process.stdin sets up a stream, which other commands should not pay for.
  get interactive() {
    return Boolean(process.stdin.isTTY && process.stderr.isTTY);
  },
  ask: (question) => new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  }),
};

/** Maps flags to the ops request. */
export function requestFromFlags(target: string | undefined, f: RollbackFlags, services: ServiceConfig[], chown: boolean): RollbackRequest {
  return {
    ...(target !== undefined ? { rev: target } : {}),
    continue: Boolean(f.continue),
    previous: Boolean(f.previous),
    lastGood: Boolean(f.lastGood),
    ...(f.file?.length ? { files: f.file } : {}),
    ...(f.message !== undefined ? { reason: f.message } : {}),
    services,
    restart: f.restart !== false,
    verify: f.verify !== false,
    chown,
    force: Boolean(f.force),
    // The field diff is only shown by --dry-run, --json and the confirmation prompt.
    diffs: Boolean(f.dryRun || f.json || !f.yes),
  };
}

/** Exit code for an applied rollback: restart failures first, then verification. */
export function exitCodeForResult(r: RollbackResult): number {
  if (r.restarted.some((x) => !x.ok)) return ExitCode.RESTART_FAILED;
  if (r.verification && !r.verification.report.ok) return ExitCode.VERIFY_FAILED;
  return ExitCode.OK;
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
    .action(async (target: string | undefined, f: RollbackFlags, cmd: Command) => {
      checkFlagCombination(target, f);
      const store = storeFor(cmd, deps);
      const chown = typeof process.getuid === 'function' && process.getuid() === 0;
      if (f.abort) return abort(store, chown, f, deps);
      const services = loadServices(store);
      // --file paths read as git reads pathspecs: from the current directory, `:/path` from the root.
      const files = f.file?.map((p) => rootRelativePath(p, { cwd: workDir(cmd, deps), root: store.root, what: '--file' }));
      const plan = planRollback(store, requestFromFlags(target, { ...f, ...(files ? { file: files } : {}) }, services, chown));
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
      if (!f.yes && !f.continue) await confirm(plan, prompt, deps, color);
      await apply(store, plan, services, chown, f, deps);
    });
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

async function confirm(plan: RollbackPlan, prompt: Prompt, deps: CliDeps, color: boolean): Promise<void> {
  if (!prompt.interactive) {
    throw new CfgtrailError('REFUSED', 'not rolling back without confirmation: run with --yes (or --dry-run to see the plan); nothing was changed', {});
  }
  deps.stderr(formatPlan(plan, { color }));
  const answer = (await prompt.ask('Roll back? [y/N] ')).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new CfgtrailError('REFUSED', 'rollback cancelled; nothing was changed', {});
}

async function apply(store: Store, plan: RollbackPlan, services: ServiceConfig[], chown: boolean, f: RollbackFlags, deps: CliDeps): Promise<void> {
  const author = resolveAuthor(f.author, deps.env);
  const interrupt = watchInterrupts(deps);
  let result: RollbackResult;
  try {
    result = await applyRollback(plan, {
      store, services, ...realPorts(), author, now: deps.now, chown,
      onEvent: (e) => {
        interrupt.track(e);
        const line = f.json ? null : formatEvent(e, { verbose: Boolean(f.verbose) });
        if (line) deps.stderr(line);
      },
    });
  } finally {
    interrupt.dispose();
  }
  deps.stdout(f.json ? rollbackJson(plan, result) : formatOutcome(plan, result));
  const code = exitCodeForResult(result);
  if (code !== ExitCode.OK) throw new ExitWith(code);
}

/**
 * Ctrl-C or SIGTERM while a rollback runs: one line on stderr saying what
 * state the rollback is in and what to run next, then exit 130 / 143 at
 * once. What is on disk is safe at any instant (the journal says how far it
 * got), so there is nothing to wait for and no second Ctrl-C to press.
 */
export function watchInterrupts(deps: CliDeps): { track: (e: RollbackEvent) => void; dispose: () => void } {
  let stage: 'planned' | 'pending' | 'committed' = 'planned';
  let commit = '';
  const onSignal = (signal: NodeJS.Signals) => {
    deps.stderr(`cfgtrail: ${interruptedLine(signal, stage, commit)}\n`);
    process.exit(signal === 'SIGINT' ? ExitCode.INTERRUPTED : ExitCode.TERMINATED);
  };
  // Before main's own handlers, which exit without a word.
  process.prependListener('SIGINT', onSignal);
  process.prependListener('SIGTERM', onSignal);
  return {
    track: (e) => {
      if (e.phase === 'lock' && e.step === 'done') stage = 'pending';
      if (e.phase === 'commit' && e.step === 'done') {
        stage = 'committed';
        commit = e.detail ?? '';
      }
    },
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function interruptedLine(signal: NodeJS.Signals, stage: 'planned' | 'pending' | 'committed', commit: string): string {
  const what = signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`;
  if (stage === 'planned') return `${what} before anything was changed`;
  if (stage === 'pending') {
    return `${what} while restoring files; the rollback is pending: run \`cfgtrail rollback --continue\` to finish it, or \`cfgtrail rollback --abort\` to put back the files it changed`;
  }
  return `${what} after the rollback commit ${commit} was recorded, while restarting or checking services: run \`cfgtrail rollback --continue\` to restart and verify them`;
}
