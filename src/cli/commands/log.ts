import type { Command } from 'commander';
import { CfgtrailError } from '../../core/errors.js';
import type { AuditFilter } from '../../core/types.js';
import { parseDateSpec } from '../../core/audit/dates.js';
import { makeRegex } from '../../core/audit/filter.js';
import { parseTrailerArg } from '../../core/record/trailers.js';
import { queryHistory } from '../../core/audit/query.js';
import { damageWarning, syncIndexForRead } from '../../core/audit/index-sync.js';
import { formatLog } from '../format/log.js';
import { formatNoteSummary, notesFor } from '../../core/repo/notes.js';
import { collect, storeFor, useColor, type CliDeps } from '../context.js';

export interface LogFlags {
  oneline?: boolean;
  json?: boolean;
  maxCount?: string;
  since?: string;
  until?: string;
  author?: string;
  grep?: string;
  changeId?: string;
  trailer?: string[];
  risk?: string;
  component?: string;
  file?: string;
  field?: string;
  regexpIgnoreCase?: boolean;
}

/** Maps `log` flags to an audit filter (tested as a table). */
export function filterFromFlags(f: LogFlags, now: number): AuditFilter {
  const filter: AuditFilter = {};
  if (f.maxCount !== undefined) {
    const n = Number(f.maxCount);
    if (!Number.isInteger(n) || n < 0) throw new CfgtrailError('BAD_INPUT', `-n needs a whole number, got '${f.maxCount}'`);
    filter.limit = n;
  }
  if (f.since) filter.since = parseDateSpec(f.since, now);
  if (f.until) filter.until = parseDateSpec(f.until, now);
  if (f.author) filter.author = makeRegex(f.author, '--author', f.regexpIgnoreCase);
  if (f.grep) filter.grep = makeRegex(f.grep, '--grep', f.regexpIgnoreCase);
  if (f.changeId) filter.changeId = f.changeId;
  // Split at the first ':' or '=' as snapshot does: 'Config: pool=40' is key Config.
  if (f.trailer?.length) filter.trailers = f.trailer.map((t) => parseTrailerArg(t));
  if (f.risk) filter.risk = f.risk;
  if (f.component) filter.component = f.component;
  if (f.file) filter.file = f.file.replace(/^\.\//, '').replace(/\/$/, '');
  if (f.field) filter.field = f.field;
  return filter;
}

export function registerLog(program: Command, deps: CliDeps): void {
  program
    .command('log')
    .description('audit history, newest first; all filters combine (AND)')
    .option('--oneline', 'one line per change')
    .option('--json', 'JSON array of change records')
    .option('-n, --max-count <n>', 'at most n changes')
    .option('--since <date>', "changes at or after a date: 2026-11-20, '3 days ago', 2.weeks.ago")
    .option('--until <date>', 'changes at or before a date')
    .option('--author <regex>', "author 'Name <email>' matches")
    .option('--grep <regex>', 'title or body matches')
    .option('-i, --regexp-ignore-case', 'case-insensitive --author and --grep')
    .option('--change-id <id>', 'the change with this Change-Id')
    .option('--trailer <key=value>', 'has this trailer (repeatable)', collect)
    .option('--risk <level>', 'Risk trailer')
    .option('--component <name>', 'Component trailer')
    .option('--file <path>', 'changed this file (or a file under this directory)')
    .option('--field <path>', 'changed this field, e.g. database.pool.max or config.yaml:database.pool.max')
    .action(async (f: LogFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const filter = filterFromFlags(f, deps.now());
      const index = await syncIndexForRead(store);
      const damage = damageWarning(store, index);
      if (damage) deps.stderr(`${damage}\n`);
      const result = queryHistory(store, filter, index);
      if (f.json) {
        deps.stdout(result.json.length === 0 ? '[]\n' : `[\n${result.json.join(',\n')}\n]\n`);
        return;
      }
      const entries = result.entries();
      const notes = notesFor(store, entries.map((e) => e.commit));
      const summaries = new Map([...notes].map(([c, n]) => [c, formatNoteSummary(n)]));
      deps.stdout(formatLog(entries, { oneline: f.oneline, color: useColor(cmd, deps), notes: summaries }));
    });
}
