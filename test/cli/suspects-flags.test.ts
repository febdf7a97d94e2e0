import { describe, expect, it } from 'vitest';
import { windowSeconds } from '../../src/cli/commands/suspects.js';

describe('suspects --window', () => {
  it('reads --window as settings durations or days', () => {
    expect(windowSeconds('2h')).toBe(7200);
    expect(windowSeconds('90m')).toBe(5400);
    expect(windowSeconds('1.5d')).toBe(129600);
    for (const bad of ['0s', 'soon', '-1h', '']) expect(() => windowSeconds(bad)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
