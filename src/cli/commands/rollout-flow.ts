/**
 * `rollback TARGET --instances …` and the rollout side of `rollback
 * --continue/--abort`: flags to a request, progress to the terminal (or JSON
 * lines), the report, and the exit code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import { MAX_TIMER_MS, parseDuration, TOO_LONG } from '../../core/record/duration.js';
import type { Store } from '../../core/store/open.js';
import { abortRollout } from '../../ops/rollout/abort.js';
import { loadRolloutConfig } from '../../ops/rollout/config.js';
import { loadInstances, type InstanceSource } from '../../ops/rollout/instances.js';
import { fillArgv, parseBatchSize, planBatches } from '../../ops/rollout/plan.js';
import { continueRollout, startRollout, type RolloutOutcome } from '../../ops/rollout/run.js';
import type { RolloutState } from '../../ops/rollout/state.js';
import type { RolloutPorts } from '../../ops/rollout/types.js';
import { formatRolloutEvent, formatRolloutReport, rolloutEventJson, rolloutJson } from '../format/rollout.js';
import { ExitWith, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { resolveAuthor } from '../identity.js';
import { createMetricSource, loadWatch, realPorts, realRunProgram as run } from '../wire.js';
import { confirmPlan, type Prompt } from './apply-flow.js';
import { exitOnSignal, stoppedWord } from '../signals.js';

export interface RolloutFlags {
  instances?: string;
  instancesCmd?: string;
  batchSize?: string;
  delay?: string;
  maxFailures?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  message?: string;
  author?: string;
}

/** The flags only a rollout takes, given without --instances/--instances-cmd, or both given. */
export function checkRolloutFlags(f: RolloutFlags & { previous?: boolean; lastGood?: boolean; file?: string[]; restart?: boolean; verify?: boolean }): boolean {
  const rollout = f.instances !== undefined || f.instancesCmd !== undefined;
  const only = [f.batchSize !== undefined && '--batch-size', f.delay !== undefined && '--delay', f.maxFailures !== undefined && '--max-failures'].filter(Boolean);
  if (!rollout) {
    if (only.length > 0) throw new CfgtrailError('BAD_INPUT', `${only.join(', ')} need --instances or --instances-cmd`);
    return false;
  }
  if (f.instances !== undefined && f.instancesCmd !== undefined) throw new CfgtrailError('BAD_INPUT', '--instances and --instances-cmd cannot be used together');
  const local = [f.previous && '--previous', f.lastGood && '--last-good', f.file?.length && '--file', f.restart === false && '--no-restart', f.verify === false && '--no-verify'].filter(Boolean);
  if (local.length > 0) throw new CfgtrailError('BAD_INPUT', `${local.join(', ')} apply to a local rollback, not to --instances (each instance's action says what it does)`);
  return true;
}

function requestNumbers(f: RolloutFlags): { size: ReturnType<typeof parseBatchSize>; delayMs: number; maxFailures: number } {
  const size = parseBatchSize(f.batchSize ?? '1');
  const delayMs = f.delay === undefined || f.delay.trim() === '0' ? 0 : parseDuration(f.delay);
  if (delayMs === null) throw new CfgtrailError('BAD_INPUT', `--delay must be a duration such as 30s or 2m, not '${f.delay}'`);
  if (delayMs > MAX_TIMER_MS) throw new CfgtrailError('BAD_INPUT', `--delay ${TOO_LONG}, not '${f.delay}'`);
  const maxFailures = f.maxFailures === undefined ? 0 : Number(f.maxFailures);
  if (!/^\d+$/.test(f.maxFailures ?? '0')) throw new CfgtrailError('BAD_INPUT', `--max-failures must be a whole number >= 0, not '${f.maxFailures}'`);
  return { size, delayMs, maxFailures };
}

/** A rollout's settings, batches and numbers from the flags, and the plan as text. */
export async function rolloutInputs(store: Store, target: string, f: RolloutFlags, workDir: string) {
  const config = loadRolloutConfig(store.settings);
  const { size, delayMs, maxFailures } = requestNumbers(f);
  const source: InstanceSource = f.instances !== undefined ? { file: resolve(workDir, f.instances) } : { command: f.instancesCmd as string };
  const batches = planBatches(await loadInstances(source, { run, readFile: (p) => readFileSync(p, 'utf8') }), size);
  return { config, batches, delayMs, maxFailures, planText: formatRolloutPlan(target, batches, config.action, delayMs, maxFailures) };
}

/** `rollback TARGET --instances FILE | --instances-cmd CMD …`. */
export async function rolloutCommand(store: Store, target: string | undefined, f: RolloutFlags, workDir: string, deps: CliDeps, prompt: Prompt): Promise<void> {
  if (target === undefined) throw new CfgtrailError('BAD_INPUT', '--instances needs a TARGET (a Change-Id or tag is the portable name: commit ids differ between hosts)');
  const { config, batches, delayMs, maxFailures, planText } = await rolloutInputs(store, target, f, workDir);
  if (f.dryRun) return deps.stdout(planText);
  if (!f.yes) await confirmPlan(planText, { verb: 'Start the rollout', doing: 'starting a rollout', noun: 'rollout' }, prompt, deps);
  const outcome = await withRolloutProgress(store, f, deps, (ports) => startRollout(store, config, { target, batches, delayMs, maxFailures, reason: f.message ?? null }, ports));
  report(outcome, f, deps);
}

/** `rollback --continue` / `--abort` when a rollout is pending. */
export async function resumeRollout(store: Store, pending: RolloutState, how: 'continue' | 'abort', f: RolloutFlags, deps: CliDeps): Promise<void> {
  const config = loadRolloutConfig(store.settings);
  const outcome = await withRolloutProgress(store, f, deps, (ports) => (how === 'continue' ? continueRollout : abortRollout)(store, config, pending, ports));
  report(outcome, f, deps);
}

function report(outcome: RolloutOutcome, f: RolloutFlags, deps: CliDeps): void {
  const s = outcome.state;
  deps.stdout(f.json || !deps.isTTY ? rolloutJson(s) : formatRolloutReport(s));
  const clean = (s.status === 'completed' && s.instances.every((i) => i.state === 'healthy')) || s.status === 'aborted';
  if (!clean) throw new ExitWith(ExitCode.ROLLOUT_FAILED);
}

/** The batches and the first instance's argv, for --dry-run and the confirmation. */
function formatRolloutPlan(target: string, batches: string[][], action: string[], delayMs: number, maxFailures: number): string {
  const first = batches[0]?.[0] ?? '';
  return [
    `Roll back ${batches.flat().length} instances to ${target} in ${batches.length} batch${batches.length === 1 ? '' : 'es'}${delayMs ? `, ${delayMs / 1000} s apart` : ''}; stop after ${maxFailures + 1} failed instance${maxFailures ? 's' : ''}:`,
    ...batches.map((b, i) => `  batch ${i + 1}: ${b.join(', ')}`),
    `each instance runs (no shell): ${JSON.stringify(fillArgv(action, { instance: first, target }))}  (for ${first})`,
    '',
  ].join('\n');
}

/**
 * Ports with progress: lines on stderr on a terminal, JSON lines on stdout
 * otherwise (or with --json). Ctrl-C or SIGTERM says where the rollout
 * stands and how to resume it, then exits 130 / 143 (the state file is
 * already current).
 */
export async function withRolloutProgress<R>(store: Store, f: RolloutFlags, deps: CliDeps, go: (ports: RolloutPorts) => Promise<R>): Promise<R> {
  const started = deps.now();
  const states = new Map<string, string>();
  let batches = 0;
  let total = 0;
  let where = 'before it started';
  const dispose = exitOnSignal((signal) => `cfgtrail: rollout ${stoppedWord(signal)} ${where}: run \`cfgtrail rollback --continue\` to resume it, \`cfgtrail rollback --abort\` to roll the changed instances forward, \`cfgtrail rollout status\` to see where each instance is\n`, deps.stderr);
  const json = Boolean(f.json) || !deps.isTTY;
  const ports: RolloutPorts = {
    ...realPorts(), run, author: resolveAuthor(f.author, deps.env), now: deps.now, ...metricRules(store),
    onEvent: (e) => {
      if (e.phase === 'start') [batches, total] = [e.batches, e.instances];
      if (e.phase === 'batch') where = `in batch ${e.batch}/${e.batches}`;
      if (e.phase === 'instance') states.set(e.instance, e.state);
      const done = [...states.values()].filter((v) => ['healthy', 'failed', 'forwarded', 'forward-failed'].includes(v)).length;
      const elapsed = deps.now() - started;
      if (json) return deps.stdout(rolloutEventJson(e, elapsed));
      const line = formatRolloutEvent(e, { done, total }, elapsed, batches);
      if (line) deps.stderr(line);
    },
  };
  try {
    return await go(ports);
  } finally {
    dispose();
  }
}

/** watch's metrics, when settings have some: the rollout's gate judges them too after each batch. */
function metricRules(store: Store): Pick<RolloutPorts, 'metrics'> {
  const w = loadWatch(store);
  return w.metrics.length === 0 ? {} : { metrics: { source: createMetricSource(), rules: w.metrics, noData: w.noData } };
}
