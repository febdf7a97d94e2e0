import { describe, expect, it } from 'vitest';
import { commandValue, jsonField, prometheusValue } from '../../../src/ops/watch/sample-parse.js';

const vector = (...values: string[]) => ({ status: 'success', data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1764417600.1, v] })) } });

describe('prometheusValue', () => {
  it('one series: its number; a scalar too', () => {
    expect(prometheusValue(vector('0.12'))).toEqual({ value: 0.12 });
    expect(prometheusValue({ status: 'success', data: { resultType: 'scalar', result: [1, '3'] } })).toEqual({ value: 3 });
    expect(prometheusValue(vector('+Inf'))).toEqual({ value: Infinity });
  });
  it('zero or several series, NaN, errors and other shapes are no data with a reason', () => {
    expect(prometheusValue(vector())).toEqual({ error: 'query returned no series' });
    expect(prometheusValue(vector('1', '2'))).toEqual({ error: 'query returned 2 series; aggregate it to one (e.g. sum(...) or max(...))' });
    expect(prometheusValue(vector('NaN'))).toEqual({ error: 'the sample is not a number (NaN: no traffic?)' });
    expect(prometheusValue({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' })).toEqual({ error: 'Prometheus: parse error at char 5' });
    expect(prometheusValue({ status: 'success', data: { resultType: 'matrix', result: [] } })).toMatchObject({ error: expect.stringContaining('instant vector') });
    for (const junk of [null, 7, 'x', [], { status: 'success' }, { status: 'success', data: { resultType: 'vector', result: [{}] } }]) expect(prometheusValue(junk)).toHaveProperty('error');
  });
});

describe('jsonField', () => {
  it('dotted paths through maps and lists; numeric strings count', () => {
    expect(jsonField({ stats: { p95: 812 } }, 'stats.p95')).toEqual({ value: 812 });
    expect(jsonField({ backends: [{ errors: 1 }, { errors: '2.5' }] }, 'backends.1.errors')).toEqual({ value: 2.5 });
  });
  it('missing fields, non-numbers and prototype keys are no data', () => {
    expect(jsonField({ a: 1 }, 'b')).toEqual({ error: "no field 'b' in the answer" });
    expect(jsonField({ a: 'fast' }, 'a')).toEqual({ error: "field 'a' is not a number" });
    expect(jsonField({ a: true }, 'a')).toHaveProperty('error');
    expect(jsonField({}, '__proto__.polluted')).toHaveProperty('error');
    expect(jsonField({}, 'constructor')).toHaveProperty('error');
  });
});

describe('commandValue', () => {
  it('one number, surrounding space allowed', () => {
    expect(commandValue('42\n')).toEqual({ value: 42 });
    expect(commandValue('  -1.5e3 ')).toEqual({ value: -1500 });
  });
  it('nothing, units, several lines are refused', () => {
    expect(commandValue('')).toEqual({ error: 'the command printed nothing' });
    expect(commandValue('42ms')).toHaveProperty('error');
    expect(commandValue('1\n2')).toHaveProperty('error');
  });
});
