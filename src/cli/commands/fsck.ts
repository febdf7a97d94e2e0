import type { Command } from 'commander';
import { fsckStore, type FsckReport } from '../../core/store/fsck.js';
import { ExitWith, storeFor, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';

interface FsckFlags {
  json?: boolean;
  quiet?: boolean;
}

/** `error: KIND SUBJECT: message` lines, one per problem, then `warning: …` lines. */
export function formatProblems(r: FsckReport): string {
  const line = (word: string) => (p: FsckReport['problems'][number]) => `${word}: ${p.kind} ${p.subject}: ${p.message}\n`;
  return [...r.problems.map(line('error')), ...(r.warnings ?? []).map(line('warning'))].join('');
}

/** The last line: what was checked and the verdict. */
export function formatFsckSummary(r: FsckReport): string {
  const c = r.counts;
  const checked = `${c.loose + c.packed} objects (${c.loose} loose, ${c.packed} in ${c.packs} pack${c.packs === 1 ? '' : 's'}), ${c.refs} ref${c.refs === 1 ? '' : 's'}, ${c.commits} commit${c.commits === 1 ? '' : 's'}${c.indexed === null ? '' : `, index of ${c.indexed}`}`;
  if (r.ok) return `fsck: ok: ${checked}\n`;
  return `fsck: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: the store is damaged (checked ${checked})\n`;
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
