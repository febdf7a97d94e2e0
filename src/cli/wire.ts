/** Real ports and settings-derived inputs for CLI commands (the one place they are built). */
import { createHealthProbe } from '../adapters/health-probe.js';
import { realClock } from '../adapters/real-clock.js';
import { createServiceControl } from '../adapters/service-control.js';
import { runProcess } from '../adapters/run-process.js';
import type { RunProgram } from '../ops/rollout/types.js';
import type { Store } from '../core/store/open.js';
import type { Clock, HealthProbe, ServiceControl } from '../ops/ports.js';
import { validateServices, type ServiceConfig } from '../ops/services-config.js';

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
