import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_DIR, eachLineWith, eachNewestFirst, indexData, lineOf, readIndex, writeIndex } from '../../../src/core/audit/index-store.js';
import { tempDir } from '../../helpers/cli.js';

const line = (n: number, text: string) => `${String(n).padStart(40, '0')}\t${n}\t\tA <a@x>\t\t${text}\t{}\n`;

describe('the index file', () => {
  it('reads back as written, ASCII or not, with its bytes for literal search', () => {
    for (const text of [line(1, 'plain') + line(2, 'more'), line(1, 'Zoë') + line(2, 'Größe') + line(3, 'plain')]) {
      const gitdir = tempDir();
      writeIndex(gitdir, 'h', text, text.split('\n').length - 1);
      const data = readIndex(gitdir)!;
      expect(data.text).toBe(text);
      expect(data.bytes!.equals(Buffer.from(text))).toBe(true);
    }
  });

  it('head.json damaged in any member is caught by its own checksum; one without a checksum is checked by counting lines', () => {
    const gitdir = tempDir();
    const text = line(1, 'a') + line(2, 'b');
    writeIndex(gitdir, 'h', text, 2);
    const headPath = join(gitdir, INDEX_DIR, 'head.json');
    const good = JSON.parse(readFileSync(headPath, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of [['count', 3], ['head', 'other'], ['crc', 1]] as const) {
      writeFileSync(headPath, JSON.stringify({ ...good, [key]: value }));
      expect({ key, data: readIndex(gitdir) }).toEqual({ key, data: null });
    }
    const { sum: _sum, ...older } = good;
    writeFileSync(headPath, JSON.stringify(older));
    expect(readIndex(gitdir)?.text).toBe(text);
    writeFileSync(headPath, JSON.stringify({ ...older, count: 3 }));
    expect(readIndex(gitdir)).toBeNull();
  });

  it('eachLineWith visits exactly the lines holding the text, newest first, and stops when told', () => {
    const text = line(1, 'x needle') + line(2, 'none') + line(3, 'needle needle') + line(4, 'needlé') + line(5, 'end needle');
    const seen: string[] = [];
    eachLineWith(indexData({ bytes: Buffer.from(text) }, 'h', 5, 0), 'needle', (l) => {
      seen.push(l.split('\t')[5]!);
      return true;
    });
    expect(seen).toEqual(['end needle', 'needle needle', 'x needle']);
    const first: string[] = [];
    eachLineWith(indexData({ bytes: Buffer.from(text.slice(0, -1)) }, 'h', 5, 0), 'needle', (l) => {
      first.push(l);
      return false;
    });
    expect(first).toEqual([line(5, 'end needle').slice(0, -1)]);
  });

  it('lineOf finds a commit by its own line, not by a later line that names it, from bytes or text', () => {
    const oid = String(1).padStart(40, '0');
    // The newer line names the older commit in its message column, right before a tab.
    const text = line(1, 'first') + line(2, `Rollback\x1dRollback-To: ${oid}`);
    const gitdir = tempDir();
    writeIndex(gitdir, 'h', text, 2);
    const data = readIndex(gitdir)!;
    for (const index of [data, indexData({ text }, 'h', 2, 0)]) {
      expect(lineOf(index, oid)).toBe(line(1, 'first').slice(0, -1));
      expect(lineOf(index, String(3).padStart(40, '0'))).toBeNull();
    }
  });

  it('eachNewestFirst gives the same lines for an index read from disk as for one made from text, and stops when told', () => {
    const text = line(1, 'Zoë') + line(2, '') + line(3, 'Größe — ok');
    const gitdir = tempDir();
    writeIndex(gitdir, 'h', text, 3);
    const fromDisk = readIndex(gitdir)!;
    expect(fromDisk.bytes).toBeInstanceOf(Buffer);
    const all = (index: Parameters<typeof eachNewestFirst>[0], limit = Infinity) => {
      const out: string[] = [];
      eachNewestFirst(index, (l) => out.push(l) < limit);
      return out;
    };
    const expected = text.split('\n').slice(0, -1).reverse();
    expect(all(fromDisk)).toEqual(expected);
    expect(all(indexData({ text }, 'h', 3, 0))).toEqual(expected);
    expect(all(fromDisk, 2)).toEqual(expected.slice(0, 2));
  });
});
