/** Waiting for the failure a drill caused to be detected: every health check polled until one fails. */
import { checkLabel } from '../health.js';
import type { Clock, HealthProbe } from '../ports.js';
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
