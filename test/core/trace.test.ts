import { afterEach, describe, expect, it } from 'vitest';
import { annotateSpan, setTracer, withSpan, type SpanOutcome, type Tracer } from '../../src/core/trace.js';

afterEach(() => setTracer(null));

describe('withSpan without a tracer', () => {
  it('returns what fn returns, sync or async, and passes throws through', async () => {
    expect(withSpan('a', { k: 1 }, () => 42)).toBe(42);
    await expect(withSpan('a', {}, async () => 'x')).resolves.toBe('x');
    expect(() => withSpan('a', {}, () => { throw new Error('boom'); })).toThrow('boom');
    annotateSpan({ k: 'v' }); // nothing to annotate: no throw
  });
});

describe('withSpan with a tracer installed', () => {
  it('hands the name, attributes, function and outcome to the tracer, and annotations too', async () => {
    const calls: { name: string; attributes: Record<string, unknown>; outcome?: SpanOutcome }[] = [];
    const notes: Record<string, unknown>[] = [];
    const recorder: Tracer = {
      span: (name, attributes, fn, outcome) => {
        const r = fn();
        const done = (x: unknown) => {
          calls.push({ name, attributes, ...(outcome ? { outcome: outcome(x as never) } : {}) });
          return x;
        };
        return (r instanceof Promise ? r.then(done) : done(r)) as typeof r;
      },
      annotate: (a) => void notes.push(a),
    };
    setTracer(recorder);
    const n = await withSpan('verify', { 'config.service.name': 'app' }, async () => ({ ok: false }), (r) => (r.ok ? {} : { error: { type: 'VERIFY_FAILED' } }));
    expect(n).toEqual({ ok: false });
    annotateSpan({ 'config.commit': 'abc' });
    expect(calls).toEqual([{ name: 'verify', attributes: { 'config.service.name': 'app' }, outcome: { error: { type: 'VERIFY_FAILED' } } }]);
    expect(notes).toEqual([{ 'config.commit': 'abc' }]);
  });
});
