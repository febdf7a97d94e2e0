/** MetricSource over real HTTP and processes: Prometheus's query API, a JSON endpoint, a command. */
import type { MetricSource } from '../ops/ports.js';
import type { MetricConfig } from '../ops/watch/config.js';
import type { Sample } from '../ops/watch/decide.js';
import { commandValue, jsonField, prometheusValue, type Parsed } from '../ops/watch/sample-parse.js';
import { getHttp } from './health-probe.js';
import { runProcess } from './run-process.js';

/** Largest answer read from a metric endpoint. */
const MAX_BODY = 1_048_576;

/**
 * Samples one metric per call; every failure is a sample with `value: null`.
 * @example await createMetricSource().sample(metric) // { metric: 'error_rate', value: 0.012 }
 */
export function createMetricSource(): MetricSource {
  return {
    async sample(metric: MetricConfig, options: { signal?: AbortSignal } = {}): Promise<Sample> {
      const parsed = await sampleOnce(metric, options.signal);
      return 'value' in parsed ? { metric: metric.name, value: parsed.value } : { metric: metric.name, value: null, error: parsed.error };
    },
  };
}

async function sampleOnce(metric: MetricConfig, signal?: AbortSignal): Promise<Parsed> {
  const src = metric.source;
  if (src.kind === 'command') {
    const run = await runProcess(src.argv, { timeoutMs: metric.timeoutMs, signal, maxOutput: 4_096 });
    if (run.error) return { error: run.error };
    if (run.timedOut) return { error: `no answer within ${metric.timeoutMs}ms` };
    if (run.exitCode !== 0) return { error: `exit ${run.exitCode ?? run.signal}${run.stderr.trim() ? `: ${run.stderr.trim().split('\n').at(-1)!.slice(0, 200)}` : ''}` };
    return commandValue(run.stdout);
  }
  const url = src.kind === 'prometheus' ? `${src.url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(src.query)}` : src.url;
  const got = await getHttp(url, metric.timeoutMs, signal, MAX_BODY);
  if ('error' in got) return got;
  // Prometheus answers 400/422 with a JSON error worth showing; any other endpoint must answer 2xx.
  if (src.kind === 'http' && (got.status < 200 || got.status > 299)) return { error: `HTTP ${got.status}` };
  let body: unknown;
  try {
    body = JSON.parse(got.body);
  } catch {
    return { error: `HTTP ${got.status}: the answer is not JSON` };
  }
  return src.kind === 'prometheus' ? prometheusValue(body) : jsonField(body, src.field);
}
