import { Option, type Command } from 'commander';
import { CfgtrailError } from '../../core/errors.js';
import type { AuditEntry } from '../../core/types.js';
import { filterFromFlags, type LogFlags } from '../../core/audit/log-filter.js';
import { formatLog } from '../format/log.js';
import { formatFieldLog } from '../format/field-log.js';
import { fieldSteps } from '../../core/audit/field-history.js';
import { formatLogSpans } from '../format/log-spans.js';
import { isUnfiltered, queryEntrySpans } from '../../core/audit/entry-spans.js';
import { noteLookup, notesFor } from '../../core/audit/verification-notes.js';
import { formatNoteSummary, type VerificationNote } from '../../core/record/verification-note.js';
import { logHistoryJson, logScope, logTexts } from '../../core/audit/log-history.js';
import { joinLogTexts, logTextOptions } from '../format/log-cached.js';
import { rootRelativeField, rootRelativePath } from '../../core/store/user-path.js';
import { collect, pathsAfterDashDash, useColor, workDir, writeBytes, type CliDeps } from '../context.js';
import { allHostsOption, allHostStoresFor, hostOption, queryStoreFor } from '../host-store.js';
import { fleetFieldSteps, fleetLog, fleetNotes } from '../../core/audit/fleet-log.js';
import { formatFleetLog } from '../format/fleet-log.js';

export function registerLog(program: Command, deps: CliDeps): void {
  program
    .command('log')
    .description('audit history, newest first; all filters combine (AND)')
    .argument('[revs...]', "only changes in this history: REV (it and older), A..B (in B's, not in A's), ^A; REV is a commit, Change-Id (or its prefix), tag or HEAD~N")
    .addOption(new Option('--oneline', 'one line per change').conflicts('json'))
    .option('--json', 'JSON array of change records')
    .option('-n, --max-count <n>', 'at most n changes')
    .option('--since <date>', "changes at or after a date: 2026-11-20, '3 days ago', 2.weeks.ago")
    .option('--until <date>', 'changes at or before a date')
    .option('--author <regex>', "author 'Name <email>' matches")
    .option('--grep <regex>', 'title, body or a trailer line (Key: value) matches')
    .option('-i, --regexp-ignore-case', 'case-insensitive --author and --grep')
    .option('--change-id <id>', 'the change with this Change-Id (or a unique prefix, as --oneline prints it)')
    .option('--trailer <key=value>', 'has this trailer (repeatable)', collect)
    .option('--risk <level>', 'Risk trailer: low, medium, high or critical')
    .option('--component <name>', 'Component trailer')
    .option('--file <path>', 'changed this file (or a file under this directory); relative to the current directory, :/path from the config root')
    .option('--field <path>', 'changed this field, e.g. database.pool.max or config.yaml:database.pool.max (the file as --file reads it)')
    .option('-p, --patch', "with --field: each change's value of the field, before and after")
    .addOption(hostOption())
    .addOption(allHostsOption('the changes'))
    .action(async (revs: string[], f: LogFlags & HostFlags, cmd: Command) => {
      if (f.patch && f.field === undefined) throw new CfgtrailError('BAD_INPUT', '-p prints the values of one field: give --field PATH', { flag: '-p' });
      // `log -- PATH` as in git: the path is a --file filter.
      const paths = pathsAfterDashDash(deps);
      revs = revs.slice(0, revs.length - paths.length);
      if (paths.length > 1 || (paths.length === 1 && f.file !== undefined)) throw new CfgtrailError('BAD_INPUT', 'log takes one path (after -- or as --file)');
      if (paths.length === 1) f = { ...f, file: paths[0] };
      if (f.allHosts) return logAllHosts(revs, f, cmd, deps);
      const store = await queryStoreFor(cmd, deps, f.host);
      const filter = filterFromFlags(f, deps.now());
      if (filter.file !== undefined) filter.file = rootRelativePath(f.file!, { cwd: workDir(cmd, deps), root: store.root, what: '--file' });
      if (filter.field !== undefined) filter.field = rootRelativeField(filter.field, { cwd: workDir(cmd, deps), root: store.root, what: '--field' });
      const oneline = f.oneline ?? false;
      if (!f.json && revs.length === 0 && isUnfiltered(filter)) {
        // The everyday text log: each entry's text as rendered before (format/log-cached.ts).
        const texts = await logTexts(store, logTextOptions({ oneline, color: useColor(cmd, deps) }), deps.stderr);
        if (texts !== null) {
          const lookup = oneline ? null : noteLookup(store); // --oneline shows no notes
          const noteOf = lookup ? (c: string) => summaryOf(lookup(c)) : undefined;
          writeBytes(deps, joinLogTexts(texts, { limit: filter.limit, noteOf }));
          return;
        }
      }
      const scope = await logScope(store, filter, revs, deps.stderr);
      if (f.patch) {
        const entries = logHistoryJson(store, scope).map((j) => JSON.parse(j) as AuditEntry);
        deps.stdout(formatFieldLog(entries, fieldSteps(store, filter.field!, entries), { json: f.json, oneline: f.oneline, color: useColor(cmd, deps) }));
        return;
      }
      if (!f.json && !scope.only) {
        // The text formats read the entries' JSON text in place (format/log-spans.ts).
        const found = queryEntrySpans(scope.index, scope.filter);
        const notes = oneline ? new Map() : notesFor(store, found.commits()); // --oneline shows no notes
        deps.stdout(formatLogSpans(found, { oneline, color: useColor(cmd, deps), notes: summariesOf(notes) }));
        return;
      }
      const json = logHistoryJson(store, scope);
      if (f.json) {
        deps.stdout(json.length === 0 ? '[]\n' : `[\n${json.join(',\n')}\n]\n`);
        return;
      }
      const entries = json.map((j) => JSON.parse(j) as AuditEntry);
      const notes = notesFor(store, entries.map((e) => e.commit));
      deps.stdout(formatLog(entries, { oneline, color: useColor(cmd, deps), notes: summariesOf(notes) }));
    });
}

interface HostFlags {
  host?: string;
  allHosts?: boolean;
}

/** `log --all-hosts`: the fleet's changes merged newest first, each labelled with its host. */
async function logAllHosts(revs: string[], f: LogFlags, cmd: Command, deps: CliDeps): Promise<void> {
  if (revs.length > 0) throw new CfgtrailError('BAD_INPUT', '--all-hosts takes no revision (commit ids and HEAD~N differ between hosts): use --host NAME REV', { flag: '--all-hosts' });
  const views = await allHostStoresFor(cmd, deps);
  const filter = filterFromFlags(f, deps.now());
  const paths = { cwd: workDir(cmd, deps), root: views[0]!.root };
  if (filter.file !== undefined) filter.file = rootRelativePath(f.file!, { ...paths, what: '--file' });
  if (filter.field !== undefined) filter.field = rootRelativeField(filter.field, { ...paths, what: '--field' });
  const entries = await fleetLog(views, filter, deps.stderr);
  const steps = f.patch ? fleetFieldSteps(entries, filter.field!) : undefined;
  // -p prints no notes, as `log --field -p` does
  const notes = !f.oneline && !f.json && !f.patch ? summariesOf(fleetNotes(entries)) : undefined;
  deps.stdout(formatFleetLog(entries, { oneline: f.oneline, json: f.json, color: useColor(cmd, deps), notes, steps }));
}

/** Verification notes as the one-line summaries the text log shows. */
function summariesOf<K>(notes: Map<K, VerificationNote>): Map<K, string> {
  return new Map([...notes].map(([c, n]) => [c, formatNoteSummary(n)]));
}

function summaryOf(note: VerificationNote | null): string | undefined {
  return note ? formatNoteSummary(note) : undefined;
}
