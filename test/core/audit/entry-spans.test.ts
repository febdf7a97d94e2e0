import { describe, expect, it } from 'vitest';
import { entrySpansOf, queryEntrySpans, type EntrySpans } from '../../../src/core/audit/entry-spans.js';
import { indexData, recordLine } from '../../../src/core/audit/index-store.js';
import { queryIndex } from '../../../src/core/audit/query.js';
import type { AuditFilter, IndexRecord } from '../../../src/core/types.js';

function record(i: number, over: Partial<IndexRecord> = {}): IndexRecord {
  return {
    commit: i.toString(16).padStart(40, '0'),
    parents: i > 0 ? [(i - 1).toString(16).padStart(40, '0')] : [],
    changeId: `I${i}`,
    title: `Change ${i}\t{"commit":"x"}`,
    body: i % 3 === 0 ? 'multi\nline' : '',
    author: { name: i % 2 ? 'Dana' : 'Ravi ✓', email: 'x@example.com' },
    date: '2026-11-26T15:19:07+01:00',
    trailers: [{ key: 'Risk', value: i % 4 === 0 ? 'high' : 'low' }],
    files: [{ path: `f${i}.yaml`, status: 'modified' }],
    timestamp: 1_700_000_000 + i,
    fields: [`f${i}.yaml\tdatabase.pool.max`],
    ...over,
  };
}

const texts = (f: EntrySpans) => {
  const out: string[] = [];
  for (let i = 0; i < f.spans.length; i += 2) out.push(f.text.slice(f.spans[i], f.spans[i + 1]));
  return out;
};

describe('queryEntrySpans', () => {
  const lines = Array.from({ length: 1500 }, (_, i) => recordLine(record(i)));
  lines.splice(700, 0, 'damaged line without columns\n', `${'f'.repeat(39)}\tshort oid\t\t\t\t\t{}\n`);
  const data = indexData({ bytes: Buffer.from(lines.join('')) }, null, lines.length, 0);
  const filters: AuditFilter[] = [{}, { limit: 0 }, { limit: 3 }, { limit: 1000 }, { limit: 1001 }, { limit: 5000 }, { author: /Dana/ }, { risk: 'high', limit: 2 }, { since: 1_700_000_100 }];

  it('finds the entries queryIndex finds, newest first', () => {
    for (const f of filters) expect(texts(queryEntrySpans(data, f))).toEqual(queryIndex(data, f).json);
  });

  it('lists the commits of the entries', () => {
    const found = queryEntrySpans(data, {});
    expect(found.commits()).toEqual(queryIndex(data, {}).json.map((j) => (JSON.parse(j) as { commit: string }).commit));
  });

  it('reads an index without a final newline', () => {
    const one = indexData({ text: recordLine(record(1)).trimEnd() }, null, 1, 0);
    expect(texts(queryEntrySpans(one, {}))).toEqual(queryIndex(one, {}).json);
  });

  it('keeps given entry texts as they are', () => {
    const given = ['{"a":1}', '{"b":"✓"}', ''];
    expect(texts(entrySpansOf(given))).toEqual(given);
  });
});
