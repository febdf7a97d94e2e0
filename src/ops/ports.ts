/**
 * Ports: what ops needs from the outside world. Adapters in src/adapters
 * implement them with real processes, sockets and timers; unit tests inject fakes.
 */
import type { Person } from '../core/types.js';
import type { HealthCheck, ServiceConfig } from './services-config.js';
import type { MetricConfig } from './watch/config.js';
import type { Sample } from './watch/decide.js';

/** Outcome of one restart. A failure is data (`ok: false`), never a throw. */
export interface RestartResult {
  ok: boolean;
  /** The argv that ran last (for kubernetes: the `rollout status` step once the restart step passed). */
  command: string[];
  stdout: string;
  stderr: string;
  /** null when the process never ran (missing binary) or was killed. */
  exitCode: number | null;
  durationMs: number;
  /** One line a person can act on, e.g. `supervisorctl not found (ENOENT)`. */
  message: string;
  /** The service manager's word for the state after the restart (`RUNNING`, `active`, `running`), when it was asked. */
  state?: string;
}

/** Restarts (or reloads) one service the way its config says. */
export interface ServiceControl {
  restart(service: ServiceConfig, options?: { signal?: AbortSignal }): Promise<RestartResult>;
}

/** The answer of one health check attempt (or of a pure verdict function). */
export interface Verdict {
  ok: boolean;
  message: string;
  durationMs: number;
}

/** Runs one health check attempt once. Failures are verdicts, never throws. */
export interface HealthProbe {
  check(check: HealthCheck, options?: { signal?: AbortSignal }): Promise<Verdict>;
}

/** Time, injectable so retry and backoff logic can be tested without waiting. */
export interface Clock {
  /** Milliseconds, monotonic enough for measuring durations. */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Progress of restart and verification, for front ends to render. */
export type ServiceEvent =
  | { phase: 'restart-start'; service: string; kind: string }
  | { phase: 'restart-done'; service: string; result: RestartResult }
  | { phase: 'verify-start'; service: string; checks: number }
  | { phase: 'check-attempt'; service: string; check: string; attempt: number; verdict: Verdict }
  | { phase: 'check-wait'; service: string; check: string; attempt: number; delayMs: number }
  /**
   * `checks`: how many health checks the service has (0: nothing was verified).
   * `restartOk`: false when its restart just failed (set when the restart is known, e.g. by verifyAndRecord).
   */
  | { phase: 'verify-done'; service: string; ok: boolean; checks: number; restartOk?: boolean };

/** Event listener; library code reports through it and never prints. */
export type OnEvent<E = ServiceEvent> = (event: E) => void;

/** Takes one sample of a watched metric. A failure is a sample with `value: null` and `error`, never a throw. */
export interface MetricSource {
  sample(metric: MetricConfig, options?: { signal?: AbortSignal }): Promise<Sample>;
}

/** What a use case that checks health and records what it did needs (rollouts, drills). */
export interface ActingPorts {
  probe: HealthProbe;
  clock: Clock;
  /** Who the record commits name. */
  author: Person;
  /** ms since the epoch for commit dates. @default Date.now */
  now?: () => number;
}
