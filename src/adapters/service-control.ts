/** ServiceControl over real tools: supervisorctl, systemctl, kubectl, docker, signals and commands. */
import { readFile } from 'node:fs/promises';
import type { RestartResult, ServiceControl } from '../ops/ports.js';
import type { RestartSpec, ServiceConfig } from '../ops/services-config.js';
import { type RunResult, runProcess } from './run-process.js';

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

/**
 * Real restarts. Each step runs with the service timeout; failures come back as `ok: false` results.
 * @example await createServiceControl().restart(service)
 */
export function createServiceControl(options: { binaries?: Partial<Binaries> } = {}): ServiceControl {
  const bin = { ...DEFAULT_BINARIES, ...options.binaries };
  return {
    async restart(service: ServiceConfig, opts: { signal?: AbortSignal } = {}): Promise<RestartResult> {
      const spec = service.restart;
      if (spec.kind === 'signal') return signalProcess(spec.pidfile, spec.signal);
      const started = Date.now();
      let last: RestartResult | undefined;
      for (const argv of restartSteps(spec, service.timeoutMs, bin)) {
        // kubectl enforces its own --timeout; the extra margin lets it say so itself.
        const budget = service.timeoutMs - (Date.now() - started) + (spec.kind === 'kubernetes' ? 5_000 : 0);
        const run = await runProcess(argv, { timeoutMs: Math.max(100, budget), signal: opts.signal });
        last = toResult(run, spec.kind, Date.now() - started);
        if (!last.ok) break;
      }
      return last as RestartResult;
    },
  };
}

function toResult(run: RunResult, kind: RestartSpec['kind'], durationMs: number): RestartResult {
  const name = run.argv.join(' ');
  const base = { command: run.argv, stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode, durationMs };
  const output = `${run.stdout}\n${run.stderr}`;
  const detail = lastLine(run.stderr) || lastLine(run.stdout);
  const suffix = detail ? `: ${detail}` : '';
  if (run.error !== undefined) return { ...base, ok: false, message: run.error };
  if (run.aborted) return { ...base, ok: false, message: `${name}: aborted` };
  if (run.timedOut) return { ...base, ok: false, message: `${name}: timed out after ${durationMs}ms` };
  if (run.exitCode !== 0) return { ...base, ok: false, message: `${name}: exit ${run.exitCode ?? run.signal}${suffix}` };
  // Older supervisorctl versions exit 0 even when the program failed to start.
  if (kind === 'supervisor' && /\b(ERROR|FATAL)\b/.test(output)) {
    return { ...base, ok: false, message: `${name}: ${lastLine(output.match(/^.*\b(?:ERROR|FATAL)\b.*$/m)?.[0] ?? '')}` };
  }
  return { ...base, ok: true, message: `${name}: ok` };
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
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
