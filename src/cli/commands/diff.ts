import type { Command } from 'commander';
import { diffRevs } from '../../core/audit/diff-revs.js';
import { STATUS_LETTER, formatFileDiffs, formatLinkChange } from '../format/diff.js';
import { diffTextOptions, FULL_HELP } from '../diff-text.js';
import { writeDiffJson } from '../format/diff-json.js';
import { ExitWith, pathsAfterDashDash, storeFor, workDir, type CliDeps } from '../context.js';
import { rootRelativePath } from '../../core/store/user-path.js';
import { ExitCode } from '../exit-codes.js';
import { describePending, pendingRollback } from '../../ops/rollback/pending.js';
import { pendingOperations } from '../../ops/pending-operations.js';
import { driftStatus, type DriftFile } from '../../ops/drift-status.js';
import { escapeControls, quotePath } from '../../core/path-name.js';

interface DiffFlags {
  json?: boolean;
  showSecrets?: boolean;
  exitCode?: boolean;
  full?: boolean;
}

export function registerDiff(program: Command, deps: CliDeps): void {
  program
    .command('diff')
    .description('field-level diff: live vs last snapshot, live vs REV, or REV vs REV')
    .argument('[revs...]', 'zero, one or two revisions, then `-- PATH...` (relative to the current directory; :/PATH from the config root)')
    .option('--json', 'print the stable JSON rows')
    .option('--show-secrets', 'print values of secret-looking keys')
    .option('--exit-code', 'exit 1 when there are differences')
    .option('--full', FULL_HELP)
    .action(async (operands: string[], f: DiffFlags, cmd: Command) => {
      const paths = pathsAfterDashDash(deps);
      const revs = operands.slice(0, operands.length - paths.length);
      if (revs.length > 2) {
        deps.stderr("cfgtrail: diff: takes at most two revisions (put paths after --; see 'cfgtrail diff --help')\n");
        throw new ExitWith(ExitCode.USAGE);
      }
      const store = storeFor(cmd, deps);
      // Paths as git reads them: from the current directory (or -C), `:/path` from the root.
      const scope = paths.map((p) => rootRelativePath(p, { cwd: workDir(cmd, deps), root: store.root, what: 'path' }));
      const pending = pendingRollback(store);
      if (pending) deps.stderr(`warning: ${describePending(pending)}\n`);
      const diffs = await diffRevs(store, revs, scope.includes('') ? [] : scope, Boolean(f.showSecrets));
      if (f.json) writeDiffJson(diffs, deps.stdout);
      else {
        const text = diffTextOptions(cmd, deps, f.full);
        deps.stdout(diffs.length === 0 ? '' : `${formatFileDiffs(diffs, text)}\n`);
        text.hint();
      }
      if (f.exitCode && diffs.length > 0) throw new ExitWith(ExitCode.DIFFERENCES);
    });
}

export function registerStatus(program: Command, deps: CliDeps): void {
  program
    .command('status')
    .description('summarise drift: what changed in the live files since the last snapshot')
    .option('--json', 'print the summary as JSON')
    .option('--exit-code', 'exit 1 when there is drift')
    .action(async (f: { json?: boolean; exitCode?: boolean }, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const { head, diffs, files, pending, freeze } = await driftStatus(store, deps.now);
      const operations = pendingOperations(store);
      if (!f.json) for (const line of operations) deps.stdout(`${line}.
`);
      if (freeze && !f.json) deps.stdout(`Changes are frozen since ${freeze.since} by ${escapeControls(freeze.by)}${freeze.until ? ` until ${escapeControls(freeze.until)}` : ''}: ${escapeControls(freeze.reason)}
`);
      if (f.json) {
        const rollback = pending && { target: pending.journal.target, stage: pending.stage, running: pending.running, commit: pending.journal.commit, message: describePending(pending) };
        deps.stdout(`${JSON.stringify({ head, clean: diffs.length === 0, files, pendingRollback: rollback ?? null, pendingOperations: operations, freeze }, null, 2)}
`);
      } else if (pending) {
        // Like git status during a rebase: the interrupted operation comes first.
        deps.stdout(`Rollback in progress: ${describePending(pending)}.\n`);
        if (diffs.length > 0) deps.stdout(`live files differ from ${head!.slice(0, 7)}:\n`);
        for (const x of files) deps.stdout(`  ${STATUS_LETTER[x.status]} ${quotePath(x.path)}\n`);
      } else if (!head) {
        deps.stdout(`no snapshot yet: ${files.length} file(s) would be recorded by 'cfgtrail snapshot'\n`);
      } else if (diffs.length === 0) {
        deps.stdout(`clean: live config matches ${head.slice(0, 7)}\n`);
      } else {
        deps.stdout(`drift since ${head.slice(0, 7)} (run 'cfgtrail diff' for details):\n`);
        for (const x of files) {
          const what = statusDetail(x);
          deps.stdout(`  ${STATUS_LETTER[x.status]} ${quotePath(x.path)}  (${what})\n`);
        }
      }
      if (f.exitCode && diffs.length > 0) throw new ExitWith(ExitCode.DIFFERENCES);
    });
}

/** What `status` says about one file: `2 fields`, `mode 0644 → 0640`, `link v1 → v2`, `text`… */
function statusDetail(x: DriftFile): string {
  if (x.status === 'mode' && x.mode) return `mode ${x.mode.from} → ${x.mode.to}`;
  if (x.link) return `link ${formatLinkChange(x)}`;
  if (x.formattingOnly) return 'formatting only';
  return x.format === 'tree' && x.fields > 0 ? `${x.fields} field${x.fields === 1 ? '' : 's'}` : x.format;
}
