/** Real ports and settings-derived inputs for CLI commands (the one place they are built). */
import { createHealthProbe } from '../adapters/health-probe.js';
import { realClock } from '../adapters/real-clock.js';
import { createServiceControl } from '../adapters/service-control.js';
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

/** Ports backed by real processes, sockets and timers. */
export function realPorts(): { control: ServiceControl; probe: HealthProbe; clock: Clock } {
  return { control: createServiceControl(), probe: createHealthProbe(), clock: realClock };
}

/**
 * The validated `services:` list of the store's settings.yaml.
 * @throws CfgtrailError BAD_SETTINGS naming the file, line and key
 */
export function loadServices(store: Store): ServiceConfig[] {
  return validateServices(store.settings.services, { file: store.settings.file, lineOf: store.settings.lineOf });
}
