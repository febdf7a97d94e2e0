import type { Command } from 'commander';
import { showRev } from '../../core/audit/show-rev.js';
import { formatFileDiffs } from '../format/diff.js';
import { diffsToJson } from '../format/diff-json.js';
import { formatShowHeader } from '../format/log.js';
import { formatExport, formatExportJson } from '../format/export.js';
import { changeRecords } from '../../core/audit/change-records.js';
import { readVerificationNote } from '../../core/audit/verification-notes.js';
import { formatNoteSummary } from '../../core/record/verification-note.js';
import { type CliDeps } from '../context.js';
import { hostOption, queryStoreFor } from '../host-store.js';
import { dependencyGraph } from '../../core/audit/dependency-graph.js';
import { formatDirectDeps } from '../format/deps.js';
import { diffTextOptions, FULL_HELP } from '../diff-text.js';

export function registerShow(program: Command, deps: CliDeps): void {
  program
    .command('show')
    .description('a change record and its field diff (REV: commit, prefix, HEAD~N, Change-Id or tag)')
    .argument('[rev]', 'revision', 'HEAD')
    .option('--json', 'print as JSON')
    .option('--show-secrets', 'print values of secret-looking keys')
    .option('--full', FULL_HELP)
    .addOption(hostOption())
    .action(async (rev: string, f: { json?: boolean; showSecrets?: boolean; full?: boolean; host?: string }, cmd: Command) => {
      const store = await queryStoreFor(cmd, deps, f.host);
      const { entry, diffs } = await showRev(store, rev, Boolean(f.showSecrets), deps.stderr);
      const verification = readVerificationNote(store, entry.commit);
      const graph = entry.changeId === null ? null : await dependencyGraph(store, entry.commit);
      if (f.json) {
        const byId = new Map(graph?.nodes.map((n) => [n.changeId, n]));
        const dependencies = { dependsOn: graph?.dependsOn.map((id) => byId.get(id)) ?? [], dependents: graph?.dependents.map((id) => byId.get(id)) ?? [] };
        deps.stdout(`${JSON.stringify({ ...entry, diff: diffsToJson(diffs), verification, dependencies }, null, 2)}\n`);
        return;
      }
      const text = diffTextOptions(cmd, deps, f.full);
      const note = verification ? formatNoteSummary(verification) : undefined;
      const depLines = graph ? formatDirectDeps(graph) : '';
      const depBlock = depLines === '' ? '' : `\n${depLines}`;
      deps.stdout(`${formatShowHeader(entry, { color: text.color, note })}${depBlock}\n${formatFileDiffs(diffs, text)}\n`);
      text.hint();
    });
}

export function registerExport(program: Command, deps: CliDeps): void {
  program
    .command('export')
    .description('print change records as YAML in the usual change-log shape (REV, or REV1..REV2 for a release, oldest first)')
    .argument('[rev]', 'revision, or a range A..B', 'HEAD')
    .option('--json', 'print the same records as JSON')
    .option('--show-secrets', 'print values of secret-looking keys')
    .addOption(hostOption())
    .action(async (rev: string, f: { json?: boolean; showSecrets?: boolean; host?: string }, cmd: Command) => {
      const records = await changeRecords(await queryStoreFor(cmd, deps, f.host), rev, { showSecrets: Boolean(f.showSecrets), warn: deps.stderr });
      const out = rev.includes('..') ? records : records[0]!;
      deps.stdout(f.json ? formatExportJson(out) : formatExport(out));
    });
}
