/** Restarting the services whose config files changed. */
import { CfgtrailError } from '../core/errors.js';
import type { OnEvent, RestartResult, ServiceControl, ServiceEvent } from './ports.js';
import type { ServiceConfig } from './services-config.js';
import { withSpan } from '../core/trace.js';
import { restartOutcome } from './span-outcomes.js';

/** Per-service outcome of {@link restartServices}. */
export interface RestartReport {
  ok: boolean;
  results: { service: string; result: RestartResult }[];
}

/**
 * Restarts services one at a time, in the given order, and reports each.
 * It goes on after a failure: every restored config should reach its service.
 *
 * @example const report = await restartServices(services, { control: createServiceControl() })
 */
export async function restartServices(
  services: ServiceConfig[],
  options: { control: ServiceControl; onEvent?: OnEvent<ServiceEvent>; signal?: AbortSignal },
): Promise<RestartReport> {
  const { control, onEvent = () => {}, signal } = options;
  const results: RestartReport['results'] = [];
  for (const service of services) {
    onEvent({ phase: 'restart-start', service: service.name, kind: service.restart.kind });
    const result = await withSpan('restart', { 'config.service.name': service.name, 'config.restart.kind': service.restart.kind }, () => restartOne(control, service, signal), restartOutcome);
    onEvent({ phase: 'restart-done', service: service.name, result });
    results.push({ service: service.name, result });
  }
  return { ok: results.every((r) => r.result.ok), results };
}

async function restartOne(control: ServiceControl, service: ServiceConfig, signal?: AbortSignal): Promise<RestartResult> {
  const started = Date.now();
  try {
    return await control.restart(service, { signal });
  } catch (e) {
    // Adapters report failures as results; a throw is unexpected, but one
    // service's surprise must not stop the others from being restarted.
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, command: [], stdout: '', stderr: '', exitCode: null, durationMs: Date.now() - started, message };
  }
}

/** RESTART_FAILED with the command, its exit code and stderr, as a person needs them to act. */
export function restartError(service: string, r: RestartResult): CfgtrailError {
  const stderr = r.stderr.trim();
  const exit = r.exitCode === null ? 'did not exit normally' : `exit code ${r.exitCode}`;
  const text = `restart of ${service} failed: ${r.message}\n  command: ${r.command.join(' ') || '(none)'} (${exit})${stderr ? `\n  stderr: ${stderr.split('\n').join('\n          ')}` : ''}`;
  return new CfgtrailError('RESTART_FAILED', text, { service, result: r });
}
