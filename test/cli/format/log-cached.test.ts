import { describe, expect, it } from 'vitest';
import { formatLog } from '../../../src/cli/format/log.js';
import { joinLogTexts, logTextOptions, renderLogEntries } from '../../../src/cli/format/log-cached.js';
import { entrySpansOf } from '../../../src/core/audit/entry-spans.js';
import { logTextsOf } from '../../../src/core/audit/log-text-cache.js';
import type { AuditEntry } from '../../../src/core/types.js';
import { entry, tricky } from '../../helpers/log-entries.js';

// Each entry its own commit, so notes land on exactly one.
const entries: AuditEntry[] = tricky.map((e, i) => ({ ...e, commit: (i + 1).toString(16).padStart(40, 'c') }));
const notes = new Map([
  [entries[0]!.commit, 'verification: passed\nsecond line  \n'],
  [entries[3]!.commit, '   '], // blank: no Notes block, as formatLog
  [entries[4]!.commit, 'Notes in a title-less entry'],
  [entries[entries.length - 1]!.commit, 'last'],
]);

/** What the cache would hold for `list` (newest first) in this format. */
function cached(list: AuditEntry[], oneline: boolean, color: boolean) {
  const found = entrySpansOf(list.map((e) => JSON.stringify(e)));
  return logTextsOf(renderLogEntries(found, { oneline, color }), logTextOptions({ oneline, color }).separator);
}

describe('log text from the rendered-entry cache prints what formatLog prints', () => {
  for (const oneline of [false, true]) {
    for (const color of [false, true]) {
      it(`${oneline ? '--oneline' : 'medium'}${color ? ', colour' : ''}, with notes and every -n`, () => {
        const t = cached(entries, oneline, color);
        const noteOf = oneline ? undefined : (c: string) => notes.get(c);
        for (const limit of [undefined, 0, 1, 2, 5, entries.length - 1, entries.length, entries.length + 10]) {
          const want = formatLog(entries.slice(0, limit ?? Infinity), { oneline, color, notes: oneline ? undefined : notes });
          expect({ limit, text: joinLogTexts(t, { limit, noteOf }).toString('utf8') }).toEqual({ limit, text: want });
        }
        expect(joinLogTexts(t, {}).toString('utf8')).toBe(formatLog(entries, { oneline, color }));
      });
    }
  }

  it('a note is put under the message even when the message holds the mark text or the entry is parsed the slow way', () => {
    const odd = [entry({ commit: 'd'.repeat(40), body: 'Notes:\n    \u0000cfgtrail-note\u0000' }), entry({ commit: 'e'.repeat(40), files: [{ path: 'x', status: 'renamed' as 'added' }] })];
    const withNotes = new Map(odd.map((e) => [e.commit, `note of ${e.commit.slice(0, 1)}`]));
    expect(joinLogTexts(cached(odd, false, false), { noteOf: (c) => withNotes.get(c) }).toString()).toBe(formatLog(odd, { notes: withNotes }));
  });

  it('the cache key follows the format and the rendering', () => {
    const keys = [false, true].flatMap((oneline) => [false, true].map((color) => logTextOptions({ oneline, color })));
    expect(new Set(keys.map((k) => k.kind)).size).toBe(4);
    expect(new Set(keys.map((k) => k.key)).size).toBe(4);
    expect(logTextOptions({ oneline: true, color: false }).key).toBe(logTextOptions({ oneline: true, color: false }).key);
  });
});
