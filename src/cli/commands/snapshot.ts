import type { Command } from 'commander';
import { CfgtrailError } from '../../core/errors.js';
import type { Trailer } from '../../core/types.js';
import { parseTrailerArg } from '../../core/record/trailers.js';
import { writeSnapshot } from '../../core/store/snapshot.js';
import { resolveAuthor } from '../identity.js';
import { parseGitDate } from '../git-date.js';
import { collect, storeFor, type CliDeps } from '../context.js';
import { refuseWhilePending, resolveDependsOn } from '../../ops/snapshot-guards.js';
import { refuseWhileFrozen } from '../../ops/freeze.js';
import { STATUS_LETTER } from '../format/diff.js';
import { assessmentTrailers } from '../record-flags.js';
import { quotePath } from '../../core/path-name.js';
import { RISKS } from '../../core/record/risk.js';

interface SnapshotFlags {
  message: string;
  body?: string;
  changeId?: string;
  risk?: string;
  component?: string[];
  requestedBy?: string;
  approvedBy?: string[];
  approvedAt?: string;
  tested?: string[];
  impact?: string;
  downtime?: string;
  dependsOn?: string[];
  ticket?: string;
  trailer?: string[];
  author?: string;
  allowEmpty?: boolean;
  strict?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Maps snapshot flags to the change-record trailers, in a fixed order. */
export function trailersFromFlags(f: SnapshotFlags): Trailer[] {
  const out: Trailer[] = [];
  if (f.risk !== undefined) {
    if (!RISKS.includes(f.risk)) throw new CfgtrailError('BAD_INPUT', `--risk must be one of ${RISKS.join(', ')}; got '${f.risk}'`);
    out.push({ key: 'Risk', value: f.risk });
  }
  for (const c of f.component ?? []) out.push({ key: 'Component', value: c });
  if (f.requestedBy) out.push({ key: 'Requested-By', value: f.requestedBy });
  for (const a of f.approvedBy ?? []) out.push({ key: 'Approved-By', value: a });
  out.push(...assessmentTrailers(f));
  for (const d of f.dependsOn ?? []) out.push({ key: 'Depends-On', value: d });
  if (f.ticket) out.push({ key: 'Ticket', value: f.ticket });
  for (const t of f.trailer ?? []) {
    const parsed = parseTrailerArg(t);
    if (parsed.key.toLowerCase() === 'change-id') throw new CfgtrailError('BAD_INPUT', 'use --change-id to set the Change-Id');
    out.push(parsed);
  }
  return out;
}

export function registerSnapshot(program: Command, deps: CliDeps): void {
  program
    .command('snapshot')
    .description('record the live config as a commit with a change record')
    .requiredOption('-m, --message <title>', 'one-line title of the change')
    .option('--body <text>', 'longer description')
    .option('--change-id <id>', 'Change-Id (generated when not given; must be unique in the store)')
    .option('--risk <level>', 'low, medium, high or critical')
    .option('--component <name>', 'affected component (repeatable)', collect)
    .option('--requested-by <who>', 'who asked for the change')
    .option('--approved-by <who>', 'who approved it (repeatable)', collect)
    .option('--approved-at <date>', 'when it was approved (any date git accepts; default: the approval is dated by the commit)')
    .option('--tested <record>', "testing done before the change, 'WHERE: RESULT' (repeatable)", collect)
    .option('--impact <text>', 'impact assessment: who or what is affected and how')
    .option('--downtime <duration>', 'expected downtime, e.g. 0s, 30s, 5m')
    .option('--depends-on <id>', 'Change-Id (or a unique prefix) this change needs (repeatable)', collect)
    .option('--ticket <ref>', 'ticket reference, e.g. OPS-1234')
    .option('--trailer <trailer>', "any other trailer, 'Key: value' (repeatable)", collect)
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .option('--allow-empty', 'record even when nothing changed')
    .option('--strict', 'refuse when a YAML/JSON file does not parse or a --depends-on id is not in the store')
    .option('--force', 'record even while an interrupted rollback is pending')
    .option('--json', 'print the result as JSON')
    .action(async (f: SnapshotFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const trailers = await resolveDependsOn(store, trailersFromFlags(f), Boolean(f.strict), deps.stderr);
      const author = resolveAuthor(f.author, deps.env);
      // Like git, GIT_AUTHOR_DATE sets the date (used when importing old history).
      const date = deps.env.GIT_AUTHOR_DATE ? parseGitDate(deps.env.GIT_AUTHOR_DATE) : null;
      const r = await writeSnapshot(store, {
        title: f.message,
        body: f.body,
        changeId: f.changeId,
        trailers,
        author,
        now: date ? () => date.ms : deps.now,
        tzOffset: date?.tzOffset,
        allowEmpty: f.allowEmpty,
        strict: f.strict,
        check: () => {
          refuseWhilePending(store, Boolean(f.force), deps.stderr);
          refuseWhileFrozen(store, 'not recording a snapshot', deps.now);
        },
      });
      for (const w of r.warnings) {
        deps.stderr(`warning: ${quotePath(w.file)}:${w.line}:${w.col}: ${w.message} (stored as is; diffs of this version are text diffs)\n`);
      }
      if (f.json) {
        deps.stdout(`${JSON.stringify({ commit: r.commit, changeId: r.changeId, files: r.files, warnings: r.warnings }, null, 2)}\n`);
        return;
      }
      if (!r.commit) {
        deps.stdout('nothing changed since the last snapshot (use --allow-empty to record one anyway)\n');
        return;
      }
      deps.stdout(`[${r.commit.slice(0, 7)}] ${f.message}\n Change-Id: ${r.changeId}\n`);
      for (const file of r.files) deps.stdout(` ${STATUS_LETTER[file.status]} ${quotePath(file.path)}\n`);
    });
}
