/**
 * What rollback and revert share on the command line: asking before acting,
 * printing progress, and saying what state an interrupted run left.
 */
import { createInterface } from 'node:readline';
import { CfgtrailError } from '../../core/errors.js';
import type { OnEvent } from '../../ops/ports.js';
import type { Person } from '../../core/types.js';
import type { RollbackEvent, RollbackPlan, RollbackResult } from '../../ops/rollback/types.js';
import type { Store } from '../../core/store/open.js';
import { runHook } from '../../ops/hooks.js';
import { planDetails, resultDetails } from '../../ops/action-hooks.js';
import { hookOptions } from '../wire.js';
import type { ServiceConfig } from '../../ops/services-config.js';
import { formatEvent } from '../format/rollback.js';
import { ExitWith, type CliDeps } from '../context.js';
import { resolveAuthor } from '../identity.js';
import { ExitCode } from '../exit-codes.js';
import { exitOnSignal, stoppedWord } from '../signals.js';

/** Flags rollback and revert both take that map to the same request fields. */
export interface ApplyFlags {
  dryRun?: boolean;
  yes?: boolean;
  message?: string;
  restart: boolean;
  verify: boolean;
  force?: boolean;
  json?: boolean;
}

/** Request fields rollback and revert map the same way. */
export function sharedRequestFields(f: ApplyFlags, services: ServiceConfig[], chown: boolean) {
  return {
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

/** Restoring recorded owners needs root. */
export function canChown(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
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

/** Shows `planText` and asks; refuses without a terminal. `verb`: 'Roll back'; `doing`: 'rolling back'; `noun`: 'rollback'. */
export async function confirmPlan(planText: string, words: { verb: string; doing: string; noun: string }, prompt: Prompt, deps: CliDeps): Promise<void> {
  if (!prompt.interactive) {
    throw new CfgtrailError('REFUSED', `not ${words.doing} without confirmation: run with --yes (or --dry-run to see the plan); nothing was changed`, {});
  }
  deps.stderr(planText);
  const answer = (await prompt.ask(`${words.verb}? [y/N] `)).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new CfgtrailError('REFUSED', `${words.noun} cancelled; nothing was changed`, {});
}

/**
 * Runs an apply with progress lines on stderr (phase timings with --verbose,
 * none with --json) and the interrupt handling of {@link watchInterrupts}.
 */
export async function withProgress<R>(f: { json?: boolean; verbose?: boolean }, deps: CliDeps, run: (onEvent: OnEvent<RollbackEvent>) => Promise<R>): Promise<R> {
  const interrupt = watchInterrupts(deps);
  try {
    return await run((e) => {
      interrupt.track(e);
      const line = f.json ? null : formatEvent(e, { verbose: Boolean(f.verbose) });
      if (line) deps.stderr(line);
    });
  } finally {
    interrupt.dispose();
  }
}

/** Exit code for an applied rollback: restart failures first, then verification. */
export function exitCodeForResult(r: Pick<RollbackResult, 'restarted' | 'verification'>): number {
  if (r.restarted.some((x) => !x.ok)) return ExitCode.RESTART_FAILED;
  if (r.verification && !r.verification.report.ok) return ExitCode.VERIFY_FAILED;
  return ExitCode.OK;
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
  // Before main's own handlers, which exit without a word.
  const dispose = exitOnSignal((signal) => `cfgtrail: ${interruptedLine(signal, stage, commit)}\n`, deps.stderr);
  return {
    track: (e) => {
      if (e.phase === 'lock' && e.step === 'done') stage = 'pending';
      if (e.phase === 'commit' && e.step === 'done') {
        stage = 'committed';
        commit = e.detail ?? '';
      }
    },
    dispose,
  };
}

function interruptedLine(signal: NodeJS.Signals, stage: 'planned' | 'pending' | 'committed', commit: string): string {
  const what = stoppedWord(signal);
  if (stage === 'planned') return `${what} before anything was changed`;
  if (stage === 'pending') {
    return `${what} while restoring files; the rollback is pending: run \`cfgtrail rollback --continue\` to finish it, or \`cfgtrail rollback --abort\` to put back the files it changed`;
  }
  return `${what} after the rollback commit ${commit} was recorded, while restarting or checking services: run \`cfgtrail rollback --continue\` to restart and verify them`;
}

/**
 * Applies a plan with progress on stderr (author resolved from --author first),
 * prints `report` of the result, and exits with the code the result calls for.
 * `hooks` run before the apply (it may refuse) and after the report.
 */
export async function applyAndReport<R extends Pick<RollbackResult, 'restarted' | 'verification'>>(
  f: { json?: boolean; verbose?: boolean; author?: string },
  deps: CliDeps,
  run: (author: ReturnType<typeof resolveAuthor>, onEvent: OnEvent<RollbackEvent>) => Promise<R>,
  report: (result: R) => string,
  hooks?: { before(author: Person): Promise<void>; after(author: Person, result: NoInfer<R>): Promise<void> },
): Promise<void> {
  const author = resolveAuthor(f.author, deps.env);
  // A pre-rollback hook refuses before the lock is taken and anything is written.
  await hooks?.before(author);
  const result = await withProgress(f, deps, (onEvent) => run(author, onEvent));
  deps.stdout(report(result));
  await hooks?.after(author, result);
  const code = exitCodeForResult(result);
  if (code !== ExitCode.OK) throw new ExitWith(code);
}

/**
 * The pre-rollback and post-rollback hooks of a rollback or revert. A
 * resumed rollback (`--continue`) was let through when it started: its
 * pre-rollback hook does not run again.
 */
export function rollbackHooks(store: Store, plan: RollbackPlan, action: 'rollback' | 'revert', deps: CliDeps) {
  const opts = hookOptions(deps);
  return {
    before: async (author: Person) => {
      if (!plan.resume) await runHook(store, 'pre-rollback', planDetails(plan, action, author), opts);
    },
    after: async (author: Person, r: Pick<RollbackResult, 'commit' | 'changeId' | 'restarted' | 'verification'>) => {
      await runHook(store, 'post-rollback', resultDetails(plan, action, author, r), opts);
    },
  };
}
