/** What a progressive rollback needs from the outside world, and what it reports. */
import type { ActingPorts, MetricSource, OnEvent } from '../ports.js';
import type { MetricConfig } from '../watch/config.js';
import type { InstanceState, RolloutStatus } from './state.js';

/** What running one program saw (adapters/run-process gives this shape). */
export interface ProgramOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it did not start (missing binary). */
  error?: string;
}

/** Runs an argv (never a shell) within a time bound; a failure is data, never a throw. */
export type RunProgram = (argv: string[], options: { timeoutMs: number }) => Promise<ProgramOutcome>;

/** Progress of a rollout, for front ends to render. */
export type RolloutEvent =
  | { phase: 'start'; id: string; target: string; batches: number; instances: number; resumed: boolean; abort: boolean }
  | { phase: 'batch'; batch: number; batches: number; instances: string[] }
  | { phase: 'instance'; batch: number; instance: string; state: InstanceState | 'checking' | 'forwarding'; message: string }
  | { phase: 'gate'; batch: number; ok: boolean; failed: string[] }
  | { phase: 'wait'; batch: number; delayMs: number }
  | { phase: 'end'; id: string; status: RolloutStatus; record: string };

export interface RolloutPorts extends ActingPorts {
  run: RunProgram;
  /** watch's metric rules, judged once after each batch's health gate (none: the health gate alone). */
  metrics?: { source: MetricSource; rules: MetricConfig[]; noData: 'ignore' | 'breach' };
  onEvent?: OnEvent<RolloutEvent>;
}
