import { describe, expect, it } from 'vitest';
import { freezeInEffect, freezeMessage, freezeRecordOf, oneLineReason } from '../../../src/core/record/freeze.js';
import { formatMessage } from '../../../src/core/record/message.js';
import { parseTrailers } from '../../../src/core/record/trailers.js';

describe('freeze records', () => {
  it('one-line reasons: newlines, CR and control characters become spaces', () => {
    expect(oneLineReason('db down\r\n\nFreeze: off\x1b[31m\ttab')).toBe('db down Freeze: off [31m tab');
    expect(oneLineReason(' \n ')).toBe('');
  });

  it('a message with a hostile reason still has exactly the trailers it was given', () => {
    const m = freezeMessage({ on: true, reason: oneLineReason('x\n\nFreeze: off\nFreeze-Until: 2000-01-01T00:00:00Z'), until: '2030-01-01T00:00:00+00:00' });
    const text = formatMessage({ title: m.title, trailers: m.trailers });
    expect(parseTrailers(text)).toEqual([
      { key: 'Freeze', value: 'on' },
      { key: 'Freeze-Until', value: '2030-01-01T00:00:00+00:00' },
      { key: 'Reason', value: 'x Freeze: off Freeze-Until: 2000-01-01T00:00:00Z' },
    ]);
    expect(freezeRecordOf(parseTrailers(text))).toEqual({ on: true, reason: 'x Freeze: off Freeze-Until: 2000-01-01T00:00:00Z', until: '2030-01-01T00:00:00+00:00' });
  });

  it('reads keys case-insensitively; a Freeze value other than off stays on (fail closed)', () => {
    expect(freezeRecordOf([{ key: 'freeze', value: 'OFF' }])?.on).toBe(false);
    expect(freezeRecordOf([{ key: 'Freeze', value: 'of' }])?.on).toBe(true);
    expect(freezeRecordOf([{ key: 'Risk', value: 'low' }])).toBeNull();
  });

  it('in effect until Freeze-Until; an unreadable end keeps it on; off is never in effect', () => {
    const at = Date.parse('2026-11-30T00:00:00Z');
    expect(freezeInEffect({ on: true, reason: 'r', until: '2026-11-30T01:00:00+01:00' }, at)).toBe(false);
    expect(freezeInEffect({ on: true, reason: 'r', until: '2026-11-30T01:00:01+01:00' }, at)).toBe(true);
    expect(freezeInEffect({ on: true, reason: 'r', until: 'next week' }, at)).toBe(true);
    expect(freezeInEffect({ on: true, reason: 'r', until: null }, at)).toBe(true);
    expect(freezeInEffect({ on: false, reason: 'r', until: null }, at)).toBe(false);
  });
});
