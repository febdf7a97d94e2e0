import type { Command } from 'commander';
import { writeSnapshot } from '../../core/store/snapshot.js';
import { resolveAuthor } from '../identity.js';
import { parseGitDate } from '../git-date.js';
import { storeFor, type CliDeps } from '../context.js';
import { refuseWhilePending, resolveDependsOn } from '../../ops/snapshot-guards.js';
import { refuseWhileFrozen } from '../../ops/freeze.js';
import { refusePolicyBreaks } from '../../ops/check/run-checks.js';
import { preSnapshotHook, recordedDetails } from '../../ops/action-hooks.js';
import { runHook } from '../../ops/hooks.js';
import { hookOptions } from '../wire.js';
import { STATUS_LETTER } from '../format/diff.js';
import { addRecordOptions, trailersFromFlags, type ChangeRecordFlags } from '../record-flags.js';
import { quotePath } from '../../core/path-name.js';
import { withSpan } from '../../core/trace.js';
import { snapshotOutcome } from '../../ops/span-outcomes.js';

interface SnapshotFlags extends ChangeRecordFlags {
  message: string;
  allowEmpty?: boolean;
  strict?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Maps snapshot flags to the change-record trailers, in a fixed order (see record-flags.ts). */
export { trailersFromFlags } from '../record-flags.js';

export function registerSnapshot(program: Command, deps: CliDeps): void {
  const cmd = program
    .command('snapshot')
    .description('record the live config as a commit with a change record')
    .requiredOption('-m, --message <title>', 'one-line title of the change');
  addRecordOptions(cmd)
    .option('--allow-empty', 'record even when nothing changed')
    .option('--strict', 'refuse when a YAML/JSON file does not parse or a --depends-on id is not in the store')
    .option('--force', 'record even while an interrupted rollback is pending')
    .option('--json', 'print the result as JSON')
    .action(async (f: SnapshotFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const trailers = await resolveDependsOn(store, trailersFromFlags(f), Boolean(f.strict), deps.stderr);
      const author = resolveAuthor(f.author, deps.env);
      refuseWhileFrozen(store, 'not recording a snapshot', deps.now);
      await refusePolicyBreaks(store, { title: f.message, trailers, author });
      const hooks = hookOptions(deps);
      const changeId = await preSnapshotHook(store, { title: f.message, changeId: f.changeId, author, trailers }, hooks);
      // Like git, GIT_AUTHOR_DATE sets the date (used when importing old history).
      const date = deps.env.GIT_AUTHOR_DATE ? parseGitDate(deps.env.GIT_AUTHOR_DATE) : null;
      const r = await withSpan('snapshot', {}, () => writeSnapshot(store, {
        title: f.message,
        body: f.body,
        changeId,
        trailers,
        author,
        now: date ? () => date.ms : deps.now,
        tzOffset: date?.tzOffset,
        allowEmpty: f.allowEmpty,
        strict: f.strict,
        check: async () => {
          refuseWhilePending(store, Boolean(f.force), deps.stderr);
          refuseWhileFrozen(store, 'not recording a snapshot', deps.now, { persist: true });
          // Judged again holding the lock, after the pre-snapshot hook: what it (or anyone) edited since counts too.
          await refusePolicyBreaks(store, { title: f.message, trailers, author });
        },
      }), snapshotOutcome);
      if (r.commit) await runHook(store, 'post-snapshot', recordedDetails({ title: f.message, changeId: r.changeId!, author, trailers }, r.commit, r.files), hooks);
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
