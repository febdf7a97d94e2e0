import type { Command } from 'commander';
import { createBrowser, type Browser } from '../../ops/browse.js';
import { loadServices, realPorts } from '../wire.js';
import { resolveAuthor } from '../identity.js';
import { canChown, rollbackHooks, withProgress } from './apply-flow.js';
import type { OnEvent } from '../../ops/ports.js';
import type { RollbackEvent, RollbackResult } from '../../ops/rollback/types.js';
import type { Store } from '../../core/store/open.js';
import type { Person } from '../../core/types.js';
import { ExitWith, storeFor, useColor, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadTui } from '../tui-load.js';

/** The terminal the TUI draws on; `main` passes the process's own. */
export interface TuiTerminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const processTerminal = (): TuiTerminal => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

export function registerTui(program: Command, deps: CliDeps, terminal: () => TuiTerminal = processTerminal): void {
  program
    .command('tui')
    .description('browse history interactively: change records, field diffs, drift; roll back or revert from there')
    .argument('[filter...]', "start with this filter, as the / prompt takes it: text, author:, risk:, component:, file:, field:, since:, until:")
    .option('--author <who>', "'Name <email>' recorded for a rollback or revert (default: git identity, then user@host)")
    .action(async (words: string[], f: { author?: string }, cmd: Command) => {
      const term = terminal();
      if (!term.stdout.isTTY || !term.stdin.isTTY) {
        deps.stderr(`cfgtrail: tui: ${term.stdout.isTTY ? 'stdin' : 'stdout'} is not a terminal; for history in a pipe or a file use 'cfgtrail log' (or 'cfgtrail log --json')\n`);
        throw new ExitWith(ExitCode.USAGE);
      }
      // A value with spaces stays one word, as the prompt reads quotes. A bad filter
      // is refused by browser.list below, before the screen changes.
      const filter = words.map((w) => (/\s/.test(w) ? `"${w.replaceAll('"', '')}"` : w)).join(' ');
      const store = storeFor(cmd, deps);
      const author = resolveAuthor(f.author, deps.env);
      const browser = sayingInterrupts(deps, withHooks(store, author, deps, createBrowser(store, { services: loadServices(store), ...realPorts(), author, now: deps.now, chown: canChown() })));
      // The query runs while the TUI's bundle loads.
      const [{ renderTui }, list] = await Promise.all([loadTui(), browser.list(filter)]);
      await renderTui({ browser, list, color: useColor(cmd, { ...deps, isTTY: true }), filter }, term);
    });
}

/**
 * The pre-rollback and post-rollback hooks around a rollback or revert made
 * from the TUI, as the commands run them: a refusing hook is the action's
 * error on the screen. A post hook's warning is written once the main screen
 * is back (on the alternate screen it would vanish).
 */
function withHooks(store: Store, author: Person, deps: CliDeps, browser: Browser): Browser {
  const later = { ...deps, stderr: (text: string) => void process.once('exit', () => deps.stderr(text)) };
  const hooked = <P, R extends Pick<RollbackResult, 'commit' | 'changeId' | 'restarted' | 'verification'>>(apply: (plan: P, onEvent: OnEvent<RollbackEvent>) => Promise<R>, hooksOf: (plan: P) => ReturnType<typeof rollbackHooks>) =>
    async (plan: P, onEvent: OnEvent<RollbackEvent>): Promise<R> => {
      const hooks = hooksOf(plan);
      await hooks.before(author);
      const result = await apply(plan, onEvent);
      await hooks.after(author, result);
      return result;
    };
  return {
    ...browser,
    applyRollback: hooked(browser.applyRollback, (plan) => rollbackHooks(store, plan, 'rollback', later)),
    applyRevert: hooked(browser.applyRevert, (plan) => rollbackHooks(store, plan.rollback, 'revert', later)),
  };
}

/**
 * Ctrl-C or SIGTERM from outside while a rollback or revert runs: as on the
 * command line, one line says what state it left and what to run next
 * (exit 130 / 143). It is written as the process exits, after the TUI's own
 * exit handler (registered when it started) has put the main screen back:
 * on the alternate screen it would vanish with it.
 */
function sayingInterrupts(deps: CliDeps, browser: Browser): Browser {
  const onMainScreen = { ...deps, stderr: (text: string) => void process.once('exit', () => deps.stderr(text)) };
  const guarded = <P, R>(apply: (plan: P, onEvent: OnEvent<RollbackEvent>) => Promise<R>) => (plan: P, onEvent: OnEvent<RollbackEvent>) =>
    withProgress({ json: true }, onMainScreen, (track) => apply(plan, (e) => {
      track(e);
      onEvent(e);
    }));
  return { ...browser, applyRollback: guarded(browser.applyRollback), applyRevert: guarded(browser.applyRevert) };
}
