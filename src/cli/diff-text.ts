/** How `diff` and `show` print field diffs as text: the shared `--full` option and value cutting. */
import type { Command } from 'commander';
import { type FormatDiffOptions, TERMINAL_VALUE_WIDTH } from './format/diff.js';
import { useColor, type CliDeps } from './context.js';

/** The `--full` option of `diff` and `show`. */
export const FULL_HELP = `print long values whole (only a terminal cuts them, at ${TERMINAL_VALUE_WIDTH} characters; pipes and files never)`;

/**
 * Text diff options for a command's output: values are cut only on a terminal
 * without `--full`, and then one hint on stderr says how to see them whole.
 */
export function diffTextOptions(cmd: Command, deps: CliDeps, full: boolean | undefined): FormatDiffOptions & { hint: () => void } {
  let cut = false;
  const cutting = deps.isTTY && full !== true;
  return {
    color: useColor(cmd, deps),
    ...(cutting ? { maxValueWidth: TERMINAL_VALUE_WIDTH, onCut: () => void (cut = true) } : {}),
    hint: () => {
      if (cut) deps.stderr(`hint: long values were cut at ${TERMINAL_VALUE_WIDTH} characters; 'cfgtrail ${cmd.name()} --full' (or --json, or a pipe) prints them whole\n`);
    },
  };
}
