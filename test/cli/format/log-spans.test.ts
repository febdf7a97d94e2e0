import { describe, expect, it } from 'vitest';
import { formatLog } from '../../../src/cli/format/log.js';
import { formatLogSpans } from '../../../src/cli/format/log-spans.js';
import { entrySpansOf } from '../../../src/core/audit/entry-spans.js';
import type { AuditEntry } from '../../../src/core/types.js';
import { entry, tricky } from '../../helpers/log-entries.js';

const spansOf = (entries: AuditEntry[]) => entrySpansOf(entries.map((e) => JSON.stringify(e)));

describe('formatLogSpans prints what formatLog prints', () => {
  for (const oneline of [false, true]) {
    for (const color of [false, true]) {
      it(`${oneline ? '--oneline' : 'medium'}${color ? ', colour' : ''}`, () => {
        expect(formatLogSpans(spansOf(tricky), { oneline, color })).toBe(formatLog(tricky, { oneline, color }));
        for (const e of tricky) expect(formatLogSpans(spansOf([e]), { oneline, color })).toBe(formatLog([e], { oneline, color }));
      });
    }
  }

  it('with notes', () => {
    const notes = new Map([[entry().commit, 'verification: passed\nsecond line  \n'], ['a'.repeat(40), '   ']]);
    const some = [entry(), entry({ commit: 'a'.repeat(40) }), entry({ commit: 'b'.repeat(40), title: 'x\ny' })];
    expect(formatLogSpans(spansOf(some), { notes })).toBe(formatLog(some, { notes }));
  });

  it('an entry in another member order is parsed and printed the same', () => {
    const e = entry();
    const { title, ...rest } = e;
    const reordered = JSON.stringify({ title, ...rest });
    const found = entrySpansOf([reordered, JSON.stringify(e)]);
    expect(formatLogSpans(found)).toBe(formatLog([e, e]));
    expect(formatLogSpans(found, { oneline: true })).toBe(formatLog([e, e], { oneline: true }));
    expect(found.commits()).toEqual([e.commit, e.commit]);
  });

  it('prints nothing for no entries', () => {
    expect(formatLogSpans(entrySpansOf([]))).toBe('');
    expect(formatLogSpans(entrySpansOf([]), { oneline: true })).toBe('');
  });
});
