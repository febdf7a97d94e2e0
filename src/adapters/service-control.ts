/** ServiceControl over real tools: supervisorctl, systemctl, kubectl, docker, signals and commands. */
import { readFile } from 'node:fs/promises';
import type { Clock, RestartResult, ServiceControl } from '../ops/ports.js';
import type { RestartSpec, ServiceConfig } from '../ops/services-config.js';
import { realClock } from './real-clock.js';
import { type RunResult, runProcess } from './run-process.js';
import { hasState, judgeState, lastLine, type StatefulSpec, type StateJudgement, stateCommand } from './service-state.js';

/** Program names or paths of the tools used; tests point them elsewhere. */
export interface Binaries { supervisorctl: string; systemctl: string; kubectl: string; docker: string }

const DEFAULT_BINARIES: Binaries = { supervisorctl: 'supervisorctl', systemctl: 'systemctl', kubectl: 'kubectl', docker: 'docker' };

/**
 * The argv of each step of a restart, in order (kubernetes has two: restart, then wait for the rollout).
 * Not for `signal`, which sends a signal without running a program.
 * @example restartSteps({ kind: 'systemd', unit: 'nginx.service', action: 'reload' }, 30_000) // [['systemctl', 'reload', 'nginx.service']]
 */
export function restartSteps(spec: Exclude<RestartSpec, { kind: 'signal' }>, timeoutMs: number, bin: Binaries = DEFAULT_BINARIES): string[][] {
  switch (spec.kind) {
    case 'supervisor': return [[bin.supervisorctl, ...spec.ctlArgs, 'restart', spec.program]];
    case 'systemd': return [[bin.systemctl, spec.action, spec.unit]];
    case 'docker': return [[bin.docker, 'restart', spec.container]];
    case 'command': return [spec.argv];
    case 'kubernetes': {
      const target = `deployment/${spec.deployment}`;
      const ns = spec.namespace ? ['-n', spec.namespace] : [];
      return [
        [bin.kubectl, 'rollout', 'restart', target, ...ns],
        [bin.kubectl, 'rollout', 'status', target, ...ns, `--timeout=${Math.ceil(timeoutMs / 1000)}s`],
      ];
    }
  }
}

/** How often a state that may still change (STARTING, activating) is asked again. */
const STATE_POLL_MS = 250;
/**
 * How long a supervisor program must stay RUNNING before its restart counts.
 * supervisord calls a program RUNNING once it survived `startsecs` (default 1 s);
 * one that dies right after that would otherwise pass. Bounded by the service timeout.
 */
const SUPERVISOR_SETTLE_MS = 1_000;

/**
 * Real restarts. Each step runs with the service timeout; failures come back as `ok: false` results.
 * For supervisor, systemd and docker the restart is then judged by the state the manager reports
 * (RUNNING, active, running), polled while it is still starting, within the same timeout.
 * @example await createServiceControl().restart(service)
 */
export function createServiceControl(options: { binaries?: Partial<Binaries>; clock?: Clock; settleMs?: number } = {}): ServiceControl {
  const bin = { ...DEFAULT_BINARIES, ...options.binaries };
  const clock = options.clock ?? realClock;
  const settleMs = options.settleMs ?? SUPERVISOR_SETTLE_MS;
  return {
    async restart(service: ServiceConfig, opts: { signal?: AbortSignal } = {}): Promise<RestartResult> {
      const spec = service.restart;
      if (spec.kind === 'signal') return signalProcess(spec.pidfile, spec.signal);
      const started = clock.now();
      const left = () => service.timeoutMs - (clock.now() - started);
      let last: RestartResult | undefined;
      for (const argv of restartSteps(spec, service.timeoutMs, bin)) {
        // kubectl enforces its own --timeout; the extra margin lets it say so itself.
        const budget = left() + (spec.kind === 'kubernetes' ? 5_000 : 0);
        const run = await runProcess(argv, { timeoutMs: Math.max(100, budget), signal: opts.signal });
        last = toResult(run, clock.now() - started);
        if (!last.ok) break;
      }
      const result = last as RestartResult;
      if (!hasState(spec)) return result;
      if (result.ok) return judgeRestart(result, spec, { bin, clock, left, signal: opts.signal, started, settleMs: spec.kind === 'supervisor' ? settleMs : 0 });
      // A failed supervisorctl restart says "ERROR (spawn error)"; the state says why (FATAL, BACKOFF).
      if (spec.kind === 'supervisor' && result.exitCode !== null) {
        const now = await askState(spec, bin, 5_000, opts.signal);
        // Without a state (unknown program, no socket) the restart's own words already say it.
        if (now.state) return { ...result, message: `${result.message}; ${now.message}`, state: now.state };
      }
      return result;
    },
  };
}

interface JudgeContext { bin: Binaries; clock: Clock; left: () => number; signal?: AbortSignal; started: number; settleMs: number }

/**
 * Asks for the state until it is up or not up; a state still starting at the timeout is a failure.
 * Up counts only if it is still up `settleMs` later (within the timeout): a program may die right after it started.
 */
async function judgeRestart(result: RestartResult, spec: StatefulSpec, ctx: JudgeContext): Promise<RestartResult> {
  const name = result.command.join(' ');
  const ask = () => askState(spec, ctx.bin, Math.max(1_000, ctx.left()), ctx.signal);
  const done = (j: StateJudgement, ok: boolean, message: string): RestartResult =>
    ({ ...result, ok, durationMs: ctx.clock.now() - ctx.started, message, ...(j.state ? { state: j.state } : {}) });
  let j = await ask();
  let known: StateJudgement | undefined;
  let settled = ctx.settleMs <= 0;
  for (;;) {
    if (j.outcome === 'ok' && !settled && ctx.left() > 0 && !ctx.signal?.aborted) {
      settled = true;
      const wait = Math.min(ctx.settleMs, ctx.left());
      await ctx.clock.sleep(wait, ctx.signal);
      if (ctx.signal?.aborted) return done(j, false, `${name}: aborted while ${j.message}`);
      const again = await ask();
      if (again.outcome !== 'ok') {
        return done(again.state ? again : j, false, `${name}: ${j.message}, but ${again.state ? `${wait}ms later ${again.message}` : `then ${again.message}`}`);
      }
      j = again;
    }
    if (j.outcome === 'ok') return done(j, true, `${name}: ok, ${j.message}`);
    if (j.state) known = j;
    // An abort also kills the status command: report the last state seen, not its empty answer.
    if (ctx.signal?.aborted) return known ? done(known, false, `${name}: aborted while ${known.message}`) : done(j, false, `${name}: aborted before the state was known`);
    if (j.outcome === 'failed') return done(j, false, `${name}: exit 0, but ${j.message}`);
    if (ctx.left() <= 0) return done(j, false, `${name}: ${j.message} still after the service timeout (${ctx.clock.now() - ctx.started}ms)`);
    await ctx.clock.sleep(Math.min(STATE_POLL_MS, ctx.left()), ctx.signal);
    j = await ask();
  }
}

async function askState(spec: StatefulSpec, bin: Binaries, timeoutMs: number, signal?: AbortSignal): Promise<StateJudgement> {
  const argv = stateCommand(spec, bin);
  const run = await runProcess(argv, { timeoutMs, signal });
  if (run.error !== undefined) return { outcome: 'failed', state: '', message: `cannot ask for the state: ${run.error}` };
  if (run.timedOut || run.aborted) return { outcome: 'failed', state: '', message: `${argv.join(' ')}: ${run.timedOut ? 'timed out' : 'aborted'}` };
  return judgeState(spec, run);
}

function toResult(run: RunResult, durationMs: number): RestartResult {
  const name = run.argv.join(' ');
  const base = { command: run.argv, stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode, durationMs };
  const detail = lastLine(run.stderr) || lastLine(run.stdout);
  const suffix = detail ? `: ${detail}` : '';
  if (run.error !== undefined) return { ...base, ok: false, message: run.error };
  if (run.aborted) return { ...base, ok: false, message: `${name}: aborted` };
  if (run.timedOut) return { ...base, ok: false, message: `${name}: timed out after ${durationMs}ms` };
  if (run.exitCode !== 0) return { ...base, ok: false, message: `${name}: exit ${run.exitCode ?? run.signal}${suffix}` };
  // Exit 0 is only the command's word; supervisor, systemd and docker are then judged by their state.
  return { ...base, ok: true, message: `${name}: ok` };
}

/** Sends `signal` to the pid in `pidfile` (the service reloads its config on it). */
export async function signalProcess(pidfile: string, signal: NodeJS.Signals): Promise<RestartResult> {
  const started = Date.now();
  const fail = (message: string, pid?: number): RestartResult => ({
    ok: false, command: ['kill', `-${signal}`, pid === undefined ? `$(cat ${pidfile})` : String(pid)],
    stdout: '', stderr: '', exitCode: null, durationMs: Date.now() - started, message,
  });
  let text: string;
  try {
    text = await readFile(pidfile, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `pidfile ${pidfile} not found (ENOENT)` : `cannot read pidfile ${pidfile}: ${(e as Error).message}`);
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return fail(`pidfile ${pidfile} does not hold a process id: '${text.trim().slice(0, 40)}'`);
  try {
    process.kill(pid, signal);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return fail(`no process with pid ${pid} (from ${pidfile}): the service is not running`, pid);
    if (code === 'EPERM') return fail(`not permitted to send ${signal} to pid ${pid} (from ${pidfile})`, pid);
    return fail(`kill -${signal} ${pid}: ${(e as Error).message}`, pid);
  }
  return {
    ok: true, command: ['kill', `-${signal}`, String(pid)], stdout: '', stderr: '', exitCode: 0,
    durationMs: Date.now() - started, message: `sent ${signal} to pid ${pid}`,
  };
}
