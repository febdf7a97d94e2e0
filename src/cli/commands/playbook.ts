import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import { rootRelativePath } from '../../core/store/user-path.js';
import { blockingChecks } from '../../ops/playbook/checklist.js';
import { preparePlaybook, type PreparedPlaybook } from '../../ops/playbook/prepare.js';
import { playbookHistory } from '../../ops/playbook/record.js';
import { runPlaybook } from '../../ops/playbook/run.js';
import type { IncidentRecord, PlaybookKind } from '../../ops/playbook/types.js';
import type { AlertEvent } from '../../ops/alerts.js';
import { pendingRollback } from '../../ops/rollback/pending.js';
import { formatChecklist, formatPlaybookHistory, formatSteps, incidentJson, incidentMarkdown } from '../format/incident.js';
import { formatPlan } from '../format/rollback.js';
import { reportDir, writeReport } from '../report-dir.js';
import { collect, ExitWith, storeFor, workDir, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { resolveAuthor } from '../identity.js';
import { loadServices, loadWatch, realPorts, sendStoreAlert } from '../wire.js';
import { canChown, confirmPlan, rollbackHooks, terminalPrompt, withProgress, type Prompt } from './apply-flow.js';
import { checkRolloutFlags, rolloutInputs, withRolloutProgress, type RolloutFlags } from './rollout-flow.js';
import { gradualTarget, runGradual } from '../../ops/playbook/gradual.js';

const KINDS: readonly PlaybookKind[] = ['emergency', 'selective', 'gradual'];

interface PlaybookFlags extends RolloutFlags {
  service?: string[];
  file?: string[];
  force?: boolean;
  report?: string;
  history?: boolean;
  dryRun?: boolean;
}

export function registerPlaybook(program: Command, deps: CliDeps, prompt: Prompt = terminalPrompt): void {
  program
    .command('playbook')
    .description('run a recovery procedure: emergency, selective or gradual rollback to the last good revision, with a checklist and an incident record')
    .argument('[kind]', 'emergency | selective | gradual')
    .option('--service <name>', 'selective: roll back this service\'s files and restart only it (repeatable)', collect)
    .option('--file <path>', 'selective: roll back this file or directory (repeatable)', collect)
    .option('--dry-run', 'evaluate the checklist, print it and the plan, and change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'go on although a checklist item failed (recorded)')
    .option('--report <dir>', 'write the incident record <id>.md and <id>.json here (default: STORE/incidents)')
    .option('--history', 'list past playbook runs')
    .option('--json', 'print the incident record as JSON (with --history: the list)')
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .option('--instances <file>', 'gradual: the instances (one name a line), rolled back through rollout.action')
    .option('--instances-cmd <command>', 'gradual: the instance names are this command\'s output lines')
    .option('--batch-size <n|n%>', 'gradual: instances per batch (default 1)')
    .option('--delay <duration>', 'gradual: wait between batches, e.g. 30s')
    .option('--max-failures <n>', 'gradual: failed instances tolerated before the rollout stops (default 0)')
    .action(async (kind: string | undefined, f: PlaybookFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      if (f.history) {
        const h = playbookHistory(store);
        return deps.stdout(f.json ? `${JSON.stringify(h, null, 2)}\n` : formatPlaybookHistory(h));
      }
      if (!KINDS.includes(kind as PlaybookKind)) throw new CfgtrailError('BAD_INPUT', `playbook: say which one: ${KINDS.join(', ')}${kind === undefined ? '' : ` (not '${kind}')`}`);
      const gradual = checkRolloutFlags(f);
      if (gradual !== (kind === 'gradual')) throw new CfgtrailError('BAD_INPUT', gradual ? '--instances/--instances-cmd belong to \'playbook gradual\'' : "'playbook gradual' needs --instances FILE or --instances-cmd CMD (and rollout settings)");
      const cwd = workDir(cmd, deps);
      const author = resolveAuthor(f.author, deps.env);
      const p = preparePlaybook(store, {
        kind: kind as PlaybookKind, services: loadServices(store), only: f.service ?? [],
        files: (f.file ?? []).map((x) => rootRelativePath(x, { cwd, root: store.root, what: '--file' })),
        alerts: loadWatch(store).alerts, force: Boolean(f.force), chown: canChown(), author, now: deps.now, diffs: Boolean(f.dryRun || !f.yes),
      });
      const checklistText = formatChecklist(p.record.checklist);
      const blocking = blockingChecks(p.record.checklist);
      if (blocking.length > 0) {
        (f.dryRun ? deps.stdout : deps.stderr)(checklistText);
        throw new CfgtrailError('REFUSED', `playbook ${kind} refused: ${blocking.map((b) => b.name).join(', ')} failed (listed above); nothing was changed; --force runs it anyway`, { failed: blocking.map((b) => b.name) });
      }
      const fleet = gradual ? await rolloutInputs(store, gradualTarget(p), f, cwd) : null;
      const planText = `${checklistText}${formatSteps(p.record)}${fleet ? fleet.planText : formatPlan(p.plan, { color: false })}`;
      if (f.dryRun) return deps.stdout(planText);
      const dir = reportDir(f.report ? resolve(cwd, f.report) : join(store.gitdir, 'incidents'));
      if (!f.yes) await confirmPlan(planText, { verb: `Run the ${kind} playbook`, doing: `running the ${kind} playbook`, noun: 'playbook' }, prompt, deps);
      else deps.stderr(checklistText);
      const notify = (e: AlertEvent) => sendStoreAlert(store, e);
      const record = await withIncidentRecord(store, p, dir, () => (fleet
        ? withRolloutProgress(store, f, deps, (ports) => runGradual(store, p, fleet.config, fleet, { ...ports, notify }))
        : withProgress(f, deps, (onEvent) => runPlaybook(store, p, { ...realPorts(), onEvent, notify, hooks: playbookHooks(store, p, deps) }))), deps);
      const files = writeIncident(dir, record);
      // A rollout off a terminal prints JSON lines: the record is the last one (`phase: incident`).
      if (fleet && (f.json || !deps.isTTY)) deps.stdout(`${JSON.stringify({ phase: 'incident', files, incident: JSON.parse(incidentJson(record)) as unknown })}\n`);
      else deps.stdout(f.json ? incidentJson(record) : `${record.recordCommit?.slice(0, 7) ?? ''} playbook ${record.kind} ${record.id}: ${record.outcome}${record.freezeCommit ? '; changes stay frozen until `cfgtrail unfreeze`' : ''}\nincident record: ${files.join(', ')}\n`);
      const code = { recovered: ExitCode.OK, 'restart-failed': ExitCode.RESTART_FAILED, 'verify-failed': ExitCode.VERIFY_FAILED, 'rollout-failed': ExitCode.ROLLOUT_FAILED, interrupted: ExitCode.INTERRUPTED, failed: ExitCode.INTERNAL }[record.outcome];
      if (code !== ExitCode.OK) throw new ExitWith(code);
    });
}

/**
 * Runs the playbook; if the process exits before it is done (Ctrl-C,
 * SIGTERM: the rollback's own handler exits at once), the incident record is
 * written as it stands, saying it was interrupted and what to run next.
 */
async function withIncidentRecord(store: Store, p: PreparedPlaybook, dir: string, run: () => Promise<IncidentRecord>, deps: CliDeps): Promise<IncidentRecord> {
  const endRecord = (outcome: 'interrupted' | 'failed', detail: string): string[] => {
    const r = p.record;
    r.outcome = outcome;
    r.endedAt = new Date().toISOString();
    r.timeline.push({ at: r.endedAt, step: outcome, detail });
    r.next = [
      ...(pendingRollback(store) || (r.rollbackCommit && r.verification.length === 0) ? ['cfgtrail rollback --continue'] : []),
      ...(r.freezeCommit ? ['cfgtrail unfreeze (once the incident is over)'] : []),
    ];
    return writeIncident(dir, r);
  };
  const onExit = () => {
    try {
      endRecord('interrupted', 'the run was stopped before it finished');
    } catch {
      // exiting already: the rollback's own line said what to run
    }
  };
  process.once('exit', onExit);
  try {
    return await run();
  } catch (e) {
    // A step failed (its one line follows): the record says so, and what is still in effect (a freeze).
    try {
      const files = endRecord('failed', e instanceof Error ? e.message : String(e));
      deps.stderr(`playbook ${p.record.kind} ${p.record.id} failed; incident record: ${files.join(', ')}${p.record.freezeCommit ? '; changes stay frozen until `cfgtrail unfreeze`' : ''}\n`);
    } catch {
      // the record could not be written either: the error below is the news
    }
    throw e;
  } finally {
    process.off('exit', onExit);
  }
}

/** The rollback's pre-rollback and post-rollback hooks, told the playbook's plan and author. */
function playbookHooks(store: Store, p: PreparedPlaybook, deps: CliDeps) {
  const h = rollbackHooks(store, p.plan, 'rollback', deps);
  return { before: () => h.before(p.request.author), after: (r: Parameters<typeof h.after>[1]) => h.after(p.request.author, r) };
}

function writeIncident(dir: string, r: IncidentRecord): string[] {
  return writeReport(dir, r.id, { md: incidentMarkdown(r), json: incidentJson(r) });
}
