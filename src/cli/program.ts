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
import { registerVerifyCommands } from './commands/verify.js';

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
  for (const register of [registerInit, registerSnapshot, registerDiff, registerStatus, registerLog, registerShow, registerExport, registerGc, registerFsck, registerVerifyCommands]) {
    register(program, deps);
  }
  registerRollback(program, deps);
  registerRevert(program, deps);
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
