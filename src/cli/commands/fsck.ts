import type { Command } from 'commander';
import { fsckStore } from '../../core/store/fsck.js';
import { formatFsckSummary, formatProblems } from '../format/fsck.js';
import { ExitWith, storeFor, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';

interface FsckFlags {
  json?: boolean;
  quiet?: boolean;
}

export function registerFsck(program: Command, deps: CliDeps): void {
  program
    .command('fsck')
    .description('check every object, pack and ref of the store and the audit index (exit 7 when damaged)')
    .option('--json', 'print the report as JSON')
    .option('-q, --quiet', 'print only problems (for cron)')
    .action(async (f: FsckFlags, cmd: Command) => {
      const report = fsckStore(storeFor(cmd, deps));
      if (f.json) deps.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else {
        deps.stdout(formatProblems(report));
        if (!f.quiet) deps.stdout(formatFsckSummary(report));
      }
      if (!report.ok) throw new ExitWith(ExitCode.STORE_CORRUPT);
    });
}
