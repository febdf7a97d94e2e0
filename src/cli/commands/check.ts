import type { Command } from 'commander';
import { isCfgtrailError } from '../../core/errors.js';
import { escapeControls } from '../../core/path-name.js';
import { formatTrailers } from '../../core/record/trailers.js';
import { runChecks, type CheckReport, type StagedRecord } from '../../ops/check/run-checks.js';
import { resolveAuthor } from '../identity.js';
import { addRecordOptions, trailersFromFlags, type ChangeRecordFlags } from '../record-flags.js';
import { ExitWith, storeFor, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';

interface CheckFlags extends ChangeRecordFlags {
  staged?: boolean;
  json?: boolean;
}

/**
 * The change `snapshot` would record with these flags, for `--staged`.
 * @throws CfgtrailError BAD_INPUT for a bad flag value, or -m without --staged and the reverse
 */
export function stagedFromFlags(f: CheckFlags, env: NodeJS.ProcessEnv): StagedRecord | undefined {
  if (!f.staged) {
    if (f.message !== undefined) throw badUsage('-m describes a staged change: add --staged');
    return undefined;
  }
  if (f.message === undefined) throw badUsage('--staged needs -m TITLE, as snapshot does');
  const trailers = trailersFromFlags(f);
  formatTrailers(trailers); // throws for a value snapshot would refuse to write (a blank --ticket)
  return { title: f.message, trailers, author: resolveAuthor(f.author, env), ...(f.changeId !== undefined ? { changeId: f.changeId } : {}) };
}

function badUsage(message: string): ExitWith {
  return new UsageError(message);
}

/** A usage or settings problem: one line, exit 2 (check's contract for scripts). */
class UsageError extends ExitWith {
  constructor(readonly line: string) {
    super(ExitCode.USAGE);
  }
}

/** `pass  parse              2 YAML/JSON files` lines. */
export function formatChecks(r: CheckReport): string {
  return r.lines.map((l) => `${l.status.padEnd(4)}  ${l.name.padEnd(17)} ${escapeControls(l.detail)}\n`).join('');
}

export function registerCheck(program: Command, deps: CliDeps): void {
  const cmd = program
    .command('check')
    .description('gate a deploy: files parse, settings valid, not frozen, policy kept, drift (exit 0 pass, 1 fail, 2 usage/settings, 15 frozen)')
    .option('--staged', 'check the change snapshot would record with the same flags, before it is recorded')
    .option('-m, --message <title>', 'with --staged: the title snapshot would get');
  addRecordOptions(cmd)
    .option('--json', 'print { ok, frozen, checks: [{ name, status, detail }] }')
    .action(async (f: CheckFlags, cmd: Command) => {
      let report: CheckReport;
      try {
        const staged = stagedFromFlags(f, deps.env);
        const store = storeFor(cmd, deps);
        report = await runChecks(store, { ...(staged ? { staged } : {}), now: deps.now });
      } catch (e) {
        const line = e instanceof UsageError ? e.line : isCfgtrailError(e, 'BAD_SETTINGS') || isCfgtrailError(e, 'BAD_INPUT') ? e.message : null;
        if (line === null) throw e;
        deps.stderr(`cfgtrail: check: ${escapeControls(line)}\n`);
        throw new ExitWith(ExitCode.USAGE);
      }
      deps.stdout(f.json ? `${JSON.stringify({ ok: report.ok, frozen: report.frozen, checks: report.lines }, null, 2)}\n` : formatChecks(report));
      if (report.frozen) throw new ExitWith(ExitCode.FROZEN);
      if (!report.ok) throw new ExitWith(ExitCode.DIFFERENCES);
    });
}
