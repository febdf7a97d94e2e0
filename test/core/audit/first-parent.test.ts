import { describe, expect, it } from 'vitest';
import { eachFirstParent } from '../../../src/core/audit/first-parent.js';
import { indexData, recordLine, type IndexData } from '../../../src/core/audit/index-store.js';
import type { IndexRecord } from '../../../src/core/types.js';

const oid = (n: number) => n.toString(16).padStart(40, '0');

function record(n: number, parents: number[], title: string, trailers: IndexRecord['trailers'] = []): IndexRecord {
  return {
    commit: oid(n),
    parents: parents.map(oid),
    changeId: `I${String(n).padStart(16, '0')}`,
    title,
    body: `body of ${title}, with a "quote" and ,"files": in it`,
    author: { name: 'Ann', email: 'ann@example.com' },
    date: '2026-01-01T00:00:00+00:00',
    trailers,
    files: [{ path: `f${n}.yaml`, status: 'modified' }],
    timestamp: n,
    fields: [`f${n}.yaml\tkey`],
  };
}

/** 1 <- 2 <- 4 (merge of 3, whose parent is 1) <- 5; line 3 sits between them in the file, off the first-parent line. */
const LINES = [
  recordLine(record(1, [], 'root')),
  recordLine(record(2, [1], 'Größe 2')),
  recordLine(record(3, [1], 'side branch')),
  recordLine(record(4, [2, 3], 'merge', [{ key: 'Depends-On', value: 'I0000000000000002' }])),
  // a line in another member order (written by hand, not by recordLine): read by parsing the whole entry
  `${oid(5)}\t5\t\tAnn <a@x>\t\tfive\t${JSON.stringify({ title: 'five', parents: [oid(4)], commit: oid(5), changeId: null, trailers: [] })}\n`,
];

function walk(index: IndexData, head: string) {
  const seen: { oid: string; title: unknown; changeId: unknown; trailers: string }[] = [];
  eachFirstParent(index, head, (e) => {
    seen.push({ oid: e.oid, title: e.member('title', 'body'), changeId: e.member('changeId', 'title'), trailers: e.memberText('trailers', 'files') });
    return true;
  });
  return seen;
}

describe('eachFirstParent', () => {
  const text = LINES.join('');
  const fromBytes = indexData({ bytes: Buffer.from(text) }, oid(5), 5, 0);
  const fromText = indexData({ text }, oid(5), 5, 0);

  it('walks the first parents from head to the root, decoding only the members asked for', () => {
    for (const index of [fromBytes, fromText]) {
      const seen = walk(index, oid(5));
      expect(seen.map((s) => s.oid)).toEqual([oid(5), oid(4), oid(2), oid(1)]);
      expect(seen.map((s) => s.title)).toEqual(['five', 'merge', 'Größe 2', 'root']);
      expect(seen[0]!.changeId).toBeNull();
      expect(JSON.parse(seen[1]!.trailers)).toEqual([{ key: 'Depends-On', value: 'I0000000000000002' }]);
    }
  });

  it('starts at any commit and stops when told', () => {
    const seen: string[] = [];
    eachFirstParent(fromBytes, oid(3), (e) => {
      seen.push(e.oid);
      return true;
    });
    expect(seen).toEqual([oid(3), oid(1)]);
    const first: string[] = [];
    eachFirstParent(fromBytes, oid(4), (e) => {
      first.push(e.oid);
      return false;
    });
    expect(first).toEqual([oid(4)]);
  });

  it('is not misled by a title or author that looks like the start of an entry', () => {
    const fake = `{"commit":"${oid(9)}","parents":[],"changeId":null,"title":"x","body":"y"}`;
    const lines = [
      recordLine(record(1, [], 'root')),
      recordLine({ ...record(2, [1], '{"commit":"deadbeef"} pasted JSON'), author: { name: '{"commit":"x', email: 'a@b' } }),
      recordLine(record(3, [2], fake)),
      recordLine(record(4, [3], 'top')),
    ].join('');
    const seen = walk(indexData({ text: lines }, oid(4), 4, 0), oid(4));
    expect(seen.map((e) => e.oid)).toEqual([oid(4), oid(3), oid(2), oid(1)]);
    expect(seen.map((e) => e.title)).toEqual(['top', fake, '{"commit":"deadbeef"} pasted JSON', 'root']);
  });

  it('visits nothing for an empty history or a head the index does not hold', () => {
    let calls = 0;
    eachFirstParent(fromBytes, null, () => ++calls > 0);
    eachFirstParent(fromBytes, oid(99), () => ++calls > 0);
    eachFirstParent(indexData({ text: '' }, null, 0, 0), oid(1), () => ++calls > 0);
    expect(calls).toBe(0);
  });
});
