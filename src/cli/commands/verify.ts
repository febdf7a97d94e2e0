import type { Command } from 'commander';
import { syncIndex } from '../../core/audit/index-sync.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { resolveRev } from '../../core/audit/revs.js';
import { assertVerified } from '../../ops/health.js';
import { formatVerifyReport } from '../format/verify.js';
import { restartError, restartServices } from '../../ops/restart.js';
import { markGood, verifyAndRecord } from '../../ops/verification.js';
import { resolveAuthor } from '../identity.js';
import { collect, storeFor, type CliDeps } from '../context.js';
import { runHook } from '../../ops/hooks.js';
import { hookOptions, loadServices, realPorts, sendStoreAlert } from '../wire.js';
import { pickServices } from '../../ops/pick-services.js';

interface VerifyFlags {
  service?: string[];
  json?: boolean;
  record: boolean;
}

export function registerVerify(program: Command, deps: CliDeps): void {
  program
    .command('verify')
    .description("run the services' health checks now (no restart) and record the result on HEAD")
    .option('--service <name>', 'only this service (repeatable)', collect)
    .option('--json', 'print the report as JSON')
    .option('--no-record', 'do not record the result as a note on HEAD')
    .action(async (f: VerifyFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const services = pickServices(loadServices(store), f.service);
      if (services.length === 0) {
        deps.stdout('no services configured in settings.yaml\n');
        return;
      }
      const head = f.record ? readStoreHead(store.gitdir) : null;
      const { probe, clock } = realPorts();
      const author = resolveAuthor(undefined, deps.env);
      const { report, note } = await verifyAndRecord(store, head, { services, probe, clock, restart: false, kind: 'manual', author, now: deps.now });
      if (f.json) deps.stdout(`${JSON.stringify({ commit: head, recorded: head !== null, result: note.result, report }, null, 2)}\n`);
      else {
        deps.stdout(formatVerifyReport(report));
        if (head) deps.stdout(`verification ${note.result}; recorded on ${head.slice(0, 7)} (git notes --ref=cfgtrail show ${head.slice(0, 7)})\n`);
        else if (f.record) deps.stdout(`verification ${note.result}; not recorded: the store has no snapshot yet\n`);
      }
      await runHook(store, 'post-verify', { commit: head, recorded: head !== null, result: note.result, services: services.map((s) => s.name) }, hookOptions(deps));
      if (!report.ok) await sendStoreAlert(store, { kind: 'verify-failed', summary: `verify failed for ${report.failed.join(', ')}${head ? ` on ${head.slice(0, 7)}` : ''}`, commit: head, details: { failed: report.failed } }, deps.stderr);
      assertVerified(report);
    });
}

export function registerRestart(program: Command, deps: CliDeps): void {
  program
    .command('restart')
    .description('restart one service from settings.yaml the way it is configured')
    .argument('<service>', 'service name')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, f: { json?: boolean }, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const [service] = pickServices(loadServices(store), [name]);
      const report = await restartServices([service!], { control: realPorts().control });
      const r = report.results[0]!.result;
      if (f.json) deps.stdout(`${JSON.stringify({ service: name, ...r }, null, 2)}\n`);
      if (!r.ok) throw restartError(name, r);
      if (!f.json) deps.stdout(`✓ restarted ${name} in ${r.durationMs} ms (${r.command.join(' ')})\n`);
    });
}

export function registerMarkGood(program: Command, deps: CliDeps): void {
  program
    .command('mark-good')
    .description('record by hand that a revision is known good (rollback targets it)')
    .argument('[rev]', 'revision', 'HEAD')
    .option('-m, --message <why>', 'why it is good')
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .action(async (rev: string, f: { message?: string; author?: string }, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const commit = resolveRev(store, syncIndex(store, { persist: false }), rev);
      const note = await markGood(store, commit, { author: resolveAuthor(f.author, deps.env), now: deps.now, message: f.message });
      deps.stdout(`marked ${commit.slice(0, 7)} good (by ${note.by})\n`);
    });
}
