/** AlertPorts over real HTTP and processes. */
import type { AlertPorts } from '../ops/alerts.js';
import { describeNetError } from './health-probe.js';
import { realClock } from './real-clock.js';
import { runProcess } from './run-process.js';

/**
 * Webhooks get a JSON POST (2xx is delivered), commands the event on stdin (exit 0 is delivered).
 * @example await realAlertPorts().post('https://hooks.example.com/T0/B0', '{"text":"hi"}', 5000)
 */
export function realAlertPorts(): AlertPorts {
  return {
    async post(url, json, timeoutMs) {
      try {
        const res = await fetch(url, { method: 'POST', body: json, headers: { 'content-type': 'application/json', connection: 'close' }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        return res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
      } catch (e) {
        return { ok: false, error: (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs}ms` : describeNetError(e) };
      }
    },
    async run(argv, input, timeoutMs) {
      const r = await runProcess(argv, { timeoutMs, input, maxOutput: 2_048 });
      if (r.exitCode === 0) return { ok: true };
      return { ok: false, error: r.error ?? (r.timedOut ? `no exit within ${timeoutMs}ms` : `exit ${r.exitCode ?? r.signal}`) };
    },
    clock: realClock,
  };
}
