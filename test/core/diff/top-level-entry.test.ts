import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { topLevelEntry } from '../../../src/core/diff/top-level-entry.js';
import { parseConfig } from '../../../src/core/diff/parse-config.js';
import { CORPUS } from '../../helpers/corpus.js';

const parse = (text: string) => {
  const p = parseConfig('values.yaml', Buffer.from(text), { fastMinBytes: 0 });
  return p?.ok ? p.docs : null;
};

describe('topLevelEntry', () => {
  it('cuts one top-level entry out of a plain block map', () => {
    const text = '# head\na: 1\nb:\n  c: 2\n  # inner\n\n  d: [1, 2]\ne: |\n  text\n  more\n';
    expect(topLevelEntry(text, 'b')).toEqual({ text: 'b:\n  c: 2\n  # inner\n\n  d: [1, 2]\n' });
    expect(topLevelEntry(text, 'e')).toEqual({ text: 'e: |\n  text\n  more\n' });
    expect(topLevelEntry(text, 'zz')).toEqual({ text: null });
  });

  it('declines every text whose left margin holds more than plain keys', () => {
    for (const text of [
      '- a\n- b\n', // a list
      '"a": 1\nb: 2\n', // a quoted key
      '%YAML 1.2\n---\na: 1\n', // a directive
      'a: 1\n---\na: 2\n', // two documents
      'a: 1\na: 2\n', // a duplicate key
      '{a: 1}\n', // flow
      '? a\n: 1\n', // complex key
      'a: 1\n\tb: 2\n', // a tab
      'a: "multi\nline"\n', // a scalar running onto the margin
    ]) {
      expect([text, topLevelEntry(text, 'a')]).toEqual([text, null]);
    }
    expect(topLevelEntry('a b: 1\n', 'a b')).toBeNull();
  });

  it('reads, for every top-level key of every corpus version, the value the whole file has', () => {
    let keys = 0;
    let files = 0;
    let unread = 0;
    for (const chart of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const name of readdirSync(join(CORPUS, chart.name)).filter((n) => n.endsWith('.yaml'))) {
        const text = readFileSync(join(CORPUS, chart.name, name), 'utf8');
        const whole = parse(text)![0] as Record<string, unknown>;
        files++;
        for (const key of Object.keys(whole)) {
          const entry = topLevelEntry(text, key);
          if (entry === null) continue; // declined: the caller reads the file whole
          const alone = parse(entry.text!);
          // an entry that does not read alone (an alias to an anchor elsewhere) is read whole by the caller too
          if (alone === null) {
            unread++;
            continue;
          }
          expect(alone, `${chart.name}/${name}: ${key}`).toEqual([{ [key]: whole[key] }]);
          keys++;
        }
      }
    }
    console.log(`top-level-entry: ${keys} entries of ${files} corpus files equal the whole file's values (${unread} do not read alone)`);
    expect(keys).toBeGreaterThan(1000);
  });
});
