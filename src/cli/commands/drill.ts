import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { formatDuration, MAX_TIMER_MS, parseDuration, TOO_LONG } from '../../core/record/duration.js';
import { rootRelativePath } from '../../core/store/user-path.js';
import { drillHistory } from '../../ops/drill/history.js';
import { planDrill } from '../../ops/drill/plan.js';
import { restoreDrill, runDrill } from '../../ops/drill/run.js';
import { readDrillState } from '../../ops/drill/state.js';
import { describeOwner, ownerAlive } from '../../core/store/owner.js';
import type { Store } from '../../core/store/open.js';
import type { DrillEvent, DrillPlan } from '../../ops/drill/types.js';
import { refuseWhileFrozen } from '../../ops/freeze.js';
import { pendingRollback } from '../../ops/rollback/pending.js';
import { drillReportHtml } from '../format/drill-html.js';
import { drillReportJson, drillReportMarkdown, formatDrillHistory } from '../format/drill-report.js';
import { reportDir, writeReport } from '../report-dir.js';
import { ExitWith, storeFor, workDir, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { resolveAuthor } from '../identity.js';
import { createMetricSource, loadServices, loadWatch, realPorts } from '../wire.js';
import { confirmPlan, terminalPrompt, type Prompt } from './apply-flow.js';
import { exitCodeOf, stoppedWord, withAbortOnSignal } from '../signals.js';

interface DrillFlags {
  set?: string;
  file?: string;
  patch?: string;
  detect: string;
  timeout: string;
  report?: string;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
  history?: boolean;
  restore?: boolean;
  json?: boolean;
  author?: string;
}

export function registerDrill(program: Command, deps: CliDeps, prompt: Prompt = terminalPrompt): void {
  program
    .command('drill')
    .description('rehearse recovery: apply a deliberately bad change, measure detection and recovery, always restore')
    .option('--set <key=value>', 'the bad change: set this field, e.g. database.pool.max=1000')
    .option('--file <path>', 'the file --set edits (default: the only tracked YAML file)')
    .option('--patch <file>', 'the bad change as a unified diff of one file')
    .option('--detect <how>', "how the failure is detected: health (the services' checks) or watch (watch:'s metric rules)", 'health')
    .option('--timeout <duration>', 'how long to wait for detection', '5m')
    .option('--report <dir>', 'write <id>.md, <id>.json and <id>.html here (default: STORE/drills)')
    .option('--dry-run', 'print the plan and change nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'run although a freeze is in effect')
    .option('--history', 'list past drills with their times')
    .option('--restore', 'after a drill was killed: roll back to the state before it and restart its services')
    .option('--json', 'print the JSON report (with --history: the list)')
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .action(async (f: DrillFlags, cmd: Command) => {
      const store = storeFor(cmd, deps);
      if (f.history) {
        const h = drillHistory(store);
        return deps.stdout(f.json ? `${JSON.stringify(h, null, 2)}\n` : formatDrillHistory(h));
      }
      if (f.restore) return restore(store, f, deps);
      if (f.detect !== 'health' && f.detect !== 'watch') throw new CfgtrailError('BAD_INPUT', `--detect must be health or watch, not '${f.detect}'`);
      const detect = f.detect === 'watch' ? watchDetection(store) : 'health';
      const timeoutMs = parseDuration(f.timeout);
      if (!timeoutMs) throw new CfgtrailError('BAD_INPUT', `--timeout must be a duration such as 30s or 5m, not '${f.timeout}'`);
      if (timeoutMs > MAX_TIMER_MS) throw new CfgtrailError('BAD_INPUT', `--timeout ${TOO_LONG}, not '${f.timeout}'`);
      // A drill makes a bad change on purpose: not during a freeze, unless --force.
      if (!f.force) refuseWhileFrozen(store, 'not running a drill (--force runs it anyway)', deps.now);
      if (pendingRollback(store)) throw new CfgtrailError('REFUSED', 'a rollback is pending: finish it (`cfgtrail rollback --continue` or `--abort`) before a drill');
      const cwd = workDir(cmd, deps);
      const plan = planDrill(store, {
        ...(f.set !== undefined ? { set: f.set } : {}),
        ...(f.file !== undefined ? { file: rootRelativePath(f.file, { cwd, root: store.root, what: '--file' }) } : {}),
        ...(f.patch !== undefined ? { patch: { source: f.patch, read: () => readPatch(resolve(cwd, f.patch!)) } } : {}),
        timeoutMs, services: loadServices(store), detect,
      });
      if (f.dryRun) return deps.stdout(formatDrillPlan(plan));
      const dir = reportDir(f.report ? resolve(cwd, f.report) : join(store.gitdir, 'drills'));
      if (!f.yes) await confirmPlan(formatDrillPlan(plan), { verb: 'Run the drill', doing: 'running a drill', noun: 'drill' }, prompt, deps);
      let interruptedBy: NodeJS.Signals = 'SIGINT';
      // Stop waiting and restore the original state (the drill's own finish); a second signal exits
      // at once (a rollback under way stays resumable by its journal).
      const result = await withAbortOnSignal((signal) => {
        interruptedBy = signal;
        deps.stderr(`cfgtrail: drill ${stoppedWord(signal)}: restoring the original state (Ctrl-C again stops at once: then roll back to the commit before the drill by hand)\n`);
      }, (signal) => runDrill(store, plan, { ...realPorts(), metrics: createMetricSource(), author: resolveAuthor(f.author, deps.env), now: deps.now, signal, onEvent: (e) => progress(e, deps) }));
      const files = writeReport(dir, result.id, { md: drillReportMarkdown(result), json: drillReportJson(result), html: drillReportHtml(result) });
      deps.stdout(f.json ? drillReportJson(result) : `${summary(result)}report: ${files.join(', ')}\n`);
      if (result.outcome === 'interrupted') throw new ExitWith(exitCodeOf(interruptedBy));
      if (!result.restored) throw new ExitWith(ExitCode.VERIFY_FAILED);
      if (result.outcome !== 'passed') throw new ExitWith(ExitCode.DIFFERENCES);
    });
}

async function restore(store: Store, f: DrillFlags, deps: CliDeps): Promise<void> {
  const s = readDrillState(store.gitdir);
  if (!s) throw new CfgtrailError('NOTHING_TO_DO', 'no interrupted drill: nothing to restore');
  if (ownerAlive(s.owner)) throw new CfgtrailError('REFUSED', `drill ${s.id} is still running (${describeOwner(s.owner)}); it restores the original state itself`);
  const r = await restoreDrill(store, s, loadServices(store), { ...realPorts(), author: resolveAuthor(f.author, deps.env), now: deps.now });
  deps.stdout(`drill ${s.id}: ${r.restored ? 'original state restored' : 'original state NOT restored'} (${r.rollback ? `rollback ${r.rollback.slice(0, 7)}` : 'the files already were the original; services restarted'}), recorded as ${r.record.slice(0, 7)}\n`);
  if (!r.restored) throw new ExitWith(ExitCode.VERIFY_FAILED);
}

function readPatch(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CfgtrailError('UNREADABLE_FILE', `--patch ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
}

function formatDrillPlan(p: DrillPlan): string {
  const checks = p.services.flatMap((s) => s.health.map((c) => `${s.name}: ${c.kind === 'http' ? c.url : c.kind === 'tcp' ? `${c.host}:${c.port}` : c.argv.join(' ')}`));
  return [
    `Drill ${p.id}: ${p.change} in ${p.file}`,
    ...(p.drift ? ['  0. snapshot the live files (they differ from the last snapshot)'] : []),
    `  1. record the bad change as a commit with 'Drill: ${p.id}' and write ${p.file}`,
    `  2. restart ${p.services.map((s) => s.name).join(', ')}`,
    `  3. wait up to ${formatDuration(p.timeoutMs)} for a health check to fail: ${checks.join('; ')}`,
    `  4. roll back to ${p.head.slice(0, 7)}, restart, verify; restore the original files whatever happens`,
    `  targets: detect within ${formatDuration(p.targets.maxDetectMs)}, recover within ${formatDuration(p.targets.maxRecoverMs)}`,
    '',
  ].join('\n');
}

function progress(e: DrillEvent, deps: CliDeps): void {
  if (e.phase === 'sample') {
    if (!e.sample.ok) deps.stderr(`  ${formatDuration(e.t)}  ${e.sample.service}: ${e.sample.message}\n`);
    return;
  }
  deps.stderr(`${formatDuration(e.t)}  ${e.phase} ${e.step === 'start' ? '…' : `done${e.detail ? `: ${e.detail}` : ''}`}\n`);
}

function summary(r: Awaited<ReturnType<typeof runDrill>>): string {
  const t = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
  return `drill ${r.id}: ${r.outcome}; time to detect ${t(r.detectMs)}, time to recover ${t(r.recoverMs)}; original state ${r.restored ? 'restored' : 'NOT restored'}\n`
    + r.problems.map((p) => `  problem: ${p}\n`).join('');
}

/** `--detect watch`: the metrics of `watch:`, judged by its `breaches` and `interval`. */
function watchDetection(store: Store): DrillPlan['detect'] {
  const w = loadWatch(store);
  if (w.metrics.length === 0) throw new CfgtrailError('REFUSED', "--detect watch needs metrics under 'watch:' in settings.yaml (see 'cfgtrail watch'); or use --detect health");
  return { metrics: w.metrics, breaches: w.breaches, intervalMs: w.intervalMs, noData: w.noData };
}
