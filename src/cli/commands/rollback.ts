import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { planRollback, type RollbackRequest } from '../../ops/rollback/plan.js';
import { applyRollback } from '../../ops/rollback/apply.js';
import type { RollbackPlan, RollbackResult } from '../../ops/rollback/types.js';
import type { ServiceConfig } from '../../ops/services-config.js';
import { loadServices, realPorts } from '../wire.js';
import { resolveAuthor } from '../identity.js';
import { formatEvent, formatOutcome, formatPlan, rollbackJson } from '../format/rollback.js';
import { collect, ExitWith, storeFor, useColor, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';

export interface RollbackFlags {
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
    previous: Boolean(f.previous),
    lastGood: Boolean(f.lastGood),
    ...(f.file?.length ? { files: f.file } : {}),
    ...(f.message !== undefined ? { reason: f.message } : {}),
    services,
    restart: f.restart !== false,
    verify: f.verify !== false,
    chown,
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
    .option('--file <path>', 'only roll back this file or directory (repeatable)', collect)
    .option('--dry-run', 'print the plan and change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('-m, --message <reason>', 'why (recorded in the Reason trailer)')
    .option('--no-restart', 'do not restart the affected services')
    .option('--no-verify', 'do not run health checks')
    .option('--force', 'go on although remaining changes depend on undone ones')
    .option('--json', 'print { plan, result } as JSON')
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .action(async (target: string | undefined, f: RollbackFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const services = loadServices(store);
      const chown = typeof process.getuid === 'function' && process.getuid() === 0;
      const plan = planRollback(store, requestFromFlags(target, f, services, chown));
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
      if (!f.yes) await confirm(plan, prompt, deps, color);
      await apply(store, plan, services, chown, f, deps);
    });
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
  const result = await applyRollback(plan, {
    store, services, ...realPorts(), author, now: deps.now, chown,
    onEvent: f.json ? undefined : (e) => {
      const line = formatEvent(e);
      if (line) deps.stderr(line);
    },
  });
  deps.stdout(f.json ? rollbackJson(plan, result) : formatOutcome(plan, result));
  const code = exitCodeForResult(result);
  if (code !== ExitCode.OK) throw new ExitWith(code);
}
