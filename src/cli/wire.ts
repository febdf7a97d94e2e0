/** Real ports and settings-derived inputs for CLI commands (the one place they are built). */
import { CfgtrailError } from '../core/errors.js';
import { createHealthProbe } from '../adapters/health-probe.js';
import { realClock } from '../adapters/real-clock.js';
import { createServiceControl } from '../adapters/service-control.js';
import { runProcess } from '../adapters/run-process.js';
import type { RunProgram } from '../ops/rollout/types.js';
import type { Store } from '../core/store/open.js';
import type { Clock, HealthProbe, ServiceControl } from '../ops/ports.js';
import { validateServices, type ServiceConfig } from '../ops/services-config.js';
import { createHookRunner } from '../adapters/hook-process.js';
import type { HookOptions } from '../ops/hooks.js';
import type { CliDeps } from './context.js';

/** Hooks run as real processes in the command's environment; their warnings and hints go to stderr. */
export function hookOptions(deps: CliDeps): HookOptions {
  return { runner: createHookRunner(), env: deps.env, warn: deps.stderr };
}
import { validateWatch, type WatchConfig } from '../ops/watch/config.js';
import { realAlertPorts } from '../adapters/alert-delivery.js';
import { sendAlert, type AlertDelivery, type AlertEvent } from '../ops/alerts.js';
export { realAlertPorts };
export { createMetricSource } from '../adapters/metric-source.js';
export { listenForAlerts, type Listener } from '../adapters/alert-listener.js';

/** Ports backed by real processes, sockets and timers. */
export function realPorts(): { control: ServiceControl; probe: HealthProbe; clock: Clock } {
  return { control: createServiceControl(), probe: createHealthProbe(), clock: realClock };
}

/** Running an instance's action or `--instances-cmd`: a real process from an argv, bounded in time. */
export const realRunProgram: RunProgram = (argv, o) => runProcess(argv, { timeoutMs: o.timeoutMs });

/**
 * The validated `services:` list of the store's settings.yaml.
 * @throws CfgtrailError BAD_SETTINGS naming the file, line and key
 */
export function loadServices(store: Store): ServiceConfig[] {
  return validateServices(store.settings.services, { file: store.settings.file, lineOf: store.settings.lineOf });
}

/**
 * The validated `watch:` section of the store's settings.yaml (defaults when absent).
 * @throws CfgtrailError BAD_SETTINGS naming the file, line and key
 */
export function loadWatch(store: Store): WatchConfig {
  const { file, lineOf } = store.settings;
  return validateWatch(store.settings.watch, { file, lineOf }, loadServices(store).map((s) => s.name));
}

/**
 * Sends `event` to the store's `watch.alerts` targets with real HTTP and
 * processes, in the background: await the promise only once the command's
 * own work is done (it settles after the retries, never rejects).
 *
 * With `warn`, the event has happened already (a freeze recorded, a verify
 * report printed): a mistake in the `watch:` settings is a warning line
 * there and no alert, not a failure of the command. Without it, that
 * mistake throws (BAD_SETTINGS), as before a command has done anything.
 * @example await sendStoreAlert(store, { kind: 'freeze', summary: 'changes frozen by ann: incident 42' }, deps.stderr)
 */
export async function sendStoreAlert(store: Store, event: AlertEvent, warn?: (line: string) => void): Promise<AlertDelivery[]> {
  let targets: ReturnType<typeof loadWatch>['alerts'];
  try {
    targets = loadWatch(store).alerts;
  } catch (e) {
    if (!warn || !(e instanceof CfgtrailError)) throw e;
    warn(`warning: ${event.kind} done, but no alert was sent: ${e.message}\n`);
    return [];
  }
  return sendAlert(store, event, realAlertPorts(), { targets });
}
