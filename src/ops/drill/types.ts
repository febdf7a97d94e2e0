/** Data shapes of a drill: the plan, its progress events and its measured result. */
import type { ActingPorts, MetricSource, OnEvent, ServiceControl } from '../ports.js';
import type { MetricConfig } from '../watch/config.js';
import type { ServiceConfig } from '../services-config.js';

/** Everything a drill will do, computed without changing anything. */
export interface DrillPlan {
  id: string;
  /** The file the bad change goes into, relative to the config root. */
  file: string;
  /** `set pool_max=5000` or `patch bad.diff`. */
  change: string;
  /** The live file's text now, and with the bad change. */
  before: string;
  after: string;
  /** HEAD when planned. */
  head: string;
  /** Live files differ from HEAD: snapshotted first, so the drill restores exactly what was live. */
  drift: boolean;
  /** The services using the file: restarted, and their health checks detect the failure. */
  services: ServiceConfig[];
  /**
   * `health`: the first failing health check detects the failure. `watch`: the
   * first metric of `watch:` past its threshold for `breaches` samples in a row,
   * sampled every `intervalMs`, as `cfgtrail watch` would judge it.
   */
  detect: 'health' | { metrics: MetricConfig[]; breaches: number; intervalMs: number; noData: 'ignore' | 'breach' };
  /** How long detection may take before the drill gives up waiting. */
  timeoutMs: number;
  targets: { maxDetectMs: number; maxRecoverMs: number };
}

export type DrillPhase = 'snapshot' | 'apply' | 'restart' | 'detect' | 'rollback' | 'restore' | 'record';

/** One health probe seen while waiting for detection (or after recovery). */
export interface DrillSample {
  /** ms since the drill started. */
  t: number;
  service: string;
  check: string;
  ok: boolean;
  /** How long the probe took. */
  latencyMs: number;
  message: string;
}

export type DrillEvent =
  | { phase: DrillPhase; step: 'start' | 'done'; t: number; detail?: string }
  | { phase: 'sample'; step: 'event'; t: number; sample: DrillSample };

/** What a drill measured. Times are ms since the drill started. */
export interface DrillResult {
  id: string;
  plan: Omit<DrillPlan, 'before' | 'after' | 'services'> & { services: string[] };
  startedAt: string;
  /** `passed`: detected and recovered within the targets; `failed`: missed a target, not detected, or not recovered; `interrupted`: stopped by Ctrl-C (restored). */
  outcome: 'passed' | 'failed' | 'interrupted';
  phases: { phase: DrillPhase; start: number; end: number; detail?: string }[];
  /** When the bad change was live (file written and committed). */
  changeAt: number | null;
  detectedAt: number | null;
  /** How it was detected: the first failing check, or a failed restart. */
  detectedBy: string | null;
  recoveredAt: number | null;
  detectMs: number | null;
  recoverMs: number | null;
  verdicts: { detect: boolean; recover: boolean };
  samples: DrillSample[];
  commits: { original: string; drill: string | null; rollback: string | null; record: string | null };
  /** The live files are the original ones again (by blob ids), and the services were restarted. */
  restored: boolean;
  /** One line for each thing that went wrong. */
  problems: string[];
}

export interface DrillPorts extends ActingPorts {
  control: ServiceControl;
  /** Samples `watch:` metrics for `--detect watch`. */
  metrics?: MetricSource;
  onEvent?: OnEvent<DrillEvent>;
  /** Ctrl-C: stop waiting, restore, report `interrupted`. */
  signal?: AbortSignal;
}
