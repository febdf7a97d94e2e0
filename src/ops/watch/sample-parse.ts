/**
 * Turning what a metric source answered into one number, pure. Anything that
 * is not exactly one finite number is "no data" with a reason a person can act on.
 */

/** A number, or why there is none. */
export type Parsed = { value: number } | { error: string };

/**
 * The value of a Prometheus HTTP API `/api/v1/query` answer. An instant vector
 * must hold exactly one series: zero series (the query matched nothing) and
 * several (aggregate with `sum(...)` or `max(...)`) are no data, never a guess.
 * NaN (e.g. `0/0` with no traffic) is no data as well.
 * @example prometheusValue({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.12'] }] } }) // { value: 0.12 }
 */
export function prometheusValue(body: unknown): Parsed {
  const o = body as { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } } | null;
  if (!o || typeof o !== 'object') return { error: 'Prometheus answered something that is not a JSON object' };
  if (o.status !== 'success') return { error: `Prometheus: ${typeof o.error === 'string' ? o.error : 'query failed'}` };
  const { resultType, result } = o.data ?? {};
  if (resultType === 'scalar') return numberOf((result as unknown[] | undefined)?.[1], 'the scalar');
  if (resultType !== 'vector' || !Array.isArray(result)) return { error: `query must return an instant vector or a scalar, not ${String(resultType)}` };
  if (result.length === 0) return { error: 'query returned no series' };
  if (result.length > 1) return { error: `query returned ${result.length} series; aggregate it to one (e.g. sum(...) or max(...))` };
  return numberOf((result[0] as { value?: unknown[] }).value?.[1], 'the sample');
}

/**
 * The number at a dotted `field` of a JSON value: `stats.p95`, `backends.0.errors`
 * (a numeric step indexes a list). A numeric string counts ("12.5").
 * @example jsonField({ stats: { p95: 812 } }, 'stats.p95') // { value: 812 }
 */
export function jsonField(body: unknown, field: string): Parsed {
  let node: unknown = body;
  for (const step of field.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(step)) node = node[Number(step)];
    else if (node && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, step)) node = (node as Record<string, unknown>)[step];
    else return { error: `no field '${field}' in the answer` };
  }
  return numberOf(node, `field '${field}'`);
}

/**
 * The number a command printed: its output, trimmed, must be one number
 * (a trailing unit or a second line is refused rather than guessed at).
 * @example commandValue('42\n') // { value: 42 }
 */
export function commandValue(stdout: string): Parsed {
  const text = stdout.trim();
  if (text === '') return { error: 'the command printed nothing' };
  return numberOf(text, `output ${JSON.stringify(text.slice(0, 40))}`);
}

function numberOf(x: unknown, what: string): Parsed {
  const n = typeof x === 'number' ? x : typeof x === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^\s*[-+]?Inf\s*$/.test(x) ? Number(x.replace('Inf', 'Infinity')) : NaN;
  if (Number.isNaN(n)) return { error: `${what} is not a number${typeof x === 'string' && /nan/i.test(x) ? ' (NaN: no traffic?)' : ''}` };
  return { value: n };
}
