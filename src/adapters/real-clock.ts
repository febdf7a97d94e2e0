/** The real Clock: wall time and timers. */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../ops/ports.js';

/**
 * `sleep` resolves early (without throwing) when `signal` aborts, so a
 * cancelled wait ends the polling loop through its normal checks.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await delay(ms, undefined, { signal });
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
    }
  },
};
