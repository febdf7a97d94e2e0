import { Command } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import type { CliDeps } from './context.js';
import { registerInit } from './commands/init.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerDiff, registerStatus } from './commands/diff.js';
import { registerLog } from './commands/log.js';
import { registerShow, registerExport } from './commands/show.js';
import { registerGc } from './commands/gc.js';
import { registerFsck } from './commands/fsck.js';
import { registerRollback } from './commands/rollback.js';
import { registerRevert } from './commands/revert.js';
import { registerMarkGood, registerRestart, registerVerify } from './commands/verify.js';
import { registerBlame, registerHistory } from './commands/blame.js';
import { registerDeps } from './commands/deps.js';
import { registerSuspects } from './commands/suspects.js';
import { registerHosts } from './commands/hosts.js';
import { registerFreeze, registerUnfreeze } from './commands/freeze.js';
import { registerCheck } from './commands/check.js';
import { registerWatch } from './commands/watch.js';
import { registerTui } from './commands/tui.js';
import { registerRollout } from './commands/rollout.js';
import { registerDrill } from './commands/drill.js';
import { registerPlaybook } from './commands/playbook.js';
import { registerFetch, registerPull, registerPush, registerRemote } from './commands/remote.js';

type Register = (program: Command, deps: CliDeps) => void;

/**
 * Every command, in the order `--help` lists them. `tls`: the command may open
 * a TLS connection (https health checks) or start the operator's processes
 * (restarts), which inherit the environment. The launcher starts the others
 * without NODE_EXTRA_CA_CERTS: scripts/build.mjs writes their names into
 * bin/cfgtrail.js from this table (see {@link commandsWithoutTls}).
 */
const COMMANDS: readonly { register: Register; tls: boolean }[] = [
  { register: registerInit, tls: false },
  { register: registerSnapshot, tls: false },
  { register: registerDiff, tls: false },
  { register: registerStatus, tls: false },
  { register: registerLog, tls: false },
  { register: registerShow, tls: false },
  { register: registerExport, tls: false },
  { register: registerGc, tls: false },
  { register: registerFsck, tls: false },
  { register: registerVerify, tls: true },
  { register: registerRestart, tls: true },
  { register: registerMarkGood, tls: true },
  { register: registerRollback, tls: true },
  { register: registerRevert, tls: true },
  { register: registerBlame, tls: false },
  { register: registerHistory, tls: false },
  { register: registerDeps, tls: false },
  { register: registerSuspects, tls: false },
  { register: registerHosts, tls: false },
  { register: registerFreeze, tls: true },
  { register: registerUnfreeze, tls: true },
  { register: registerCheck, tls: false },
  { register: registerWatch, tls: true },
  { register: registerTui, tls: true },
  { register: registerRollout, tls: false },
  { register: registerDrill, tls: true },
  { register: registerPlaybook, tls: true },
  { register: registerRemote, tls: true },
  { register: registerPush, tls: true },
  { register: registerFetch, tls: true },
  { register: registerPull, tls: true },
];

/** Registers every command on `program`; returns each one's name and `tls` flag. */
function registerAll(program: Command, deps: CliDeps): { name: string; tls: boolean }[] {
  return COMMANDS.flatMap(({ register, tls }) => {
    const before = program.commands.length;
    register(program, deps);
    return program.commands.slice(before).map((cmd) => ({ name: cmd.name(), tls }));
  });
}

/**
 * The names of the commands that declare no TLS, in table order: the ones
 * bin/cfgtrail.js starts without NODE_EXTRA_CA_CERTS.
 *
 * @example commandsWithoutTls(deps) // ['init', 'snapshot', 'diff', …, 'fsck']
 */
export function commandsWithoutTls(deps: CliDeps): string[] {
  return registerAll(new Command(), deps)
    .filter((c) => !c.tls)
    .map((c) => c.name);
}

/**
 * Builds a fresh command tree (no global state), so tests can parse many
 * command lines in one process.
 */
export function createProgram(deps: CliDeps): Command {
  const program = new Command('cfgtrail')
    .description('Safe, traceable config changes: snapshots with change records, field-level diffs, rollback.')
    .option('-C <dir>', 'run as if started in <dir> (like git -C)')
    .version(pkg.version, '-V, --version')
    .option('--no-color', 'never colour the output')
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr })
    .exitOverride();
  registerAll(program, deps);
  // Subcommands made by program.command() inherit exitOverride/configureOutput;
  // each gets its own outputError so the hint names its --help.
  for (const cmd of [program, ...program.commands]) {
    cmd.configureOutput({ outputError: (text, write) => write(usageLine(text, cmd)) });
  }
  return program;
}

/**
 * Commander's error text (`error: …` and a `(Did you mean …?)` line) as one
 * `cfgtrail: …` line with a hint, like every other error.
 *
 * @example usageLine("error: unknown option '--fiel'\n(Did you mean --file?)\n", logCmd)
 * // "cfgtrail: log: unknown option '--fiel' (did you mean --file?; see 'cfgtrail log --help')\n"
 */
export function usageLine(text: string, cmd: Command): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const message = (lines[0] ?? 'usage error').replace(/^error:\s*/, '');
  const suggestion = lines.slice(1).join(' ').replace(/^\((.*)\)$/, '$1').replace(/^Did/, 'did');
  const name = cmd.parent ? `${cmd.name()}: ` : '';
  const help = `see 'cfgtrail ${cmd.parent ? `${cmd.name()} ` : ''}--help'`;
  return `cfgtrail: ${name}${message} (${suggestion ? `${suggestion}; ` : ''}${help})\n`;
}
