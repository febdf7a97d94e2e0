/** Waiting for the failure a drill caused to be detected: every health check polled until one fails, or watch's metric rules. */
import { checkLabel } from '../health.js';
import type { Clock, HealthProbe, MetricSource } from '../ports.js';
import type { MetricConfig } from '../watch/config.js';
import { sampleVerdict } from '../watch/decide.js';
import type { ServiceConfig } from '../services-config.js';
import type { DrillSample } from './types.js';

/** Between rounds of probes: detection is measured to this resolution (plus the probes' own time). */
export const POLL_MS = 250;

export interface DetectOptions {
  probe: HealthProbe;
  clock: Clock;
  timeoutMs: number;
  /** ms since the drill started. */
  t: () => number;
  onSample: (s: DrillSample) => void;
  signal?: AbortSignal;
}

/**
 * Polls each service's checks, one attempt each (no retries: the first
 * failing probe is the detection), until one fails, `timeoutMs` passes or
 * `signal` aborts.
 * @returns the failing check's sample, or null
 */
export async function waitForFailure(services: ServiceConfig[], o: DetectOptions): Promise<DrillSample | null> {
  const deadline = o.clock.now() + o.timeoutMs;
  for (;;) {
    for (const s of services) {
      for (const check of s.health) {
        const v = await o.probe.check(check, { signal: o.signal });
        if (o.signal?.aborted) return null;
        const sample: DrillSample = { t: o.t(), service: s.name, check: checkLabel(check), ok: v.ok, latencyMs: v.durationMs, message: v.message };
        o.onSample(sample);
        if (!v.ok) return sample;
      }
    }
    if (o.clock.now() >= deadline) return null;
    await o.clock.sleep(Math.min(POLL_MS, Math.max(0, deadline - o.clock.now())), o.signal);
    if (o.signal?.aborted) return null;
  }
}

/** One probe of every check after recovery, for the timeline. */
export async function sampleAll(services: ServiceConfig[], o: Pick<DetectOptions, 'probe' | 't' | 'onSample'>): Promise<void> {
  for (const s of services) {
    for (const check of s.health) {
      const v = await o.probe.check(check);
      o.onSample({ t: o.t(), service: s.name, check: checkLabel(check), ok: v.ok, latencyMs: v.durationMs, message: v.message });
    }
  }
}

export interface MetricDetectOptions extends Omit<DetectOptions, 'probe'> {
  source: MetricSource;
  metrics: MetricConfig[];
  /** Bad samples in a row that make a detection (`watch.breaches`). */
  breaches: number;
  /** Whether a missing sample counts as bad (`watch.no_data`). */
  noData: 'ignore' | 'breach';
  /** Between two rounds of samples (`watch.interval`). */
  intervalMs: number;
}

/**
 * Samples every metric each `intervalMs` until one is past its threshold for
 * `breaches` samples in a row (watch's rule: one spike is not a detection;
 * a missing sample counts as `watch.no_data` says), `timeoutMs` passes or
 * `signal` aborts. Each sample is one DrillSample (`service` is the metric).
 * @returns the sample that completed the streak, or null
 */
export async function waitForBreach(o: MetricDetectOptions): Promise<DrillSample | null> {
  const deadline = o.clock.now() + o.timeoutMs;
  const streak = new Map<string, number>();
  for (;;) {
    for (const metric of o.metrics) {
      const started = o.clock.now();
      const s = await o.source.sample(metric, o.signal ? { signal: o.signal } : {});
      if (o.signal?.aborted) return null;
      const v = sampleVerdict(s.value, metric, o.noData, streak.get(metric.name) ?? 0);
      streak.set(metric.name, v.streak);
      const what = s.value === null ? `no data (${s.error ?? 'no value'})` : v.breach ?? `${s.value}`;
      const message = v.verdict === 'breach' ? `${what} (${v.streak} of ${o.breaches} in a row)` : what;
      const sample: DrillSample = { t: o.t(), service: metric.name, check: `metric ${metric.name}`, ok: v.verdict !== 'breach', latencyMs: o.clock.now() - started, message };
      o.onSample(sample);
      if (v.verdict === 'breach' && v.streak >= o.breaches) return sample;
    }
    if (o.clock.now() >= deadline) return null;
    await o.clock.sleep(Math.min(o.intervalMs, Math.max(0, deadline - o.clock.now())), o.signal);
    if (o.signal?.aborted) return null;
  }
}
