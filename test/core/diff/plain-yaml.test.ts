import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parsePlainYaml } from '../../../src/core/diff/plain-yaml.js';
import { CORPUS } from '../../helpers/corpus.js';
import { createRng, pick, type Rng } from '../record/message-gen.js';

/** What the yaml package makes of `text` (core schema, as parseConfig asks), or null when it reports an error. */
function byYaml(text: string): unknown[] | null {
  const docs = parseAllDocuments(text, { merge: true, schema: 'core' });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return null;
  return docs.map((d) => d.toJS());
}

/** The fast path either declines or agrees with the yaml package (Object.is for -0 and NaN). */
function agrees(text: string): { accepted: boolean; ok: boolean } {
  const ours = parsePlainYaml(text);
  if (ours === undefined) return { accepted: false, ok: true };
  const theirs = byYaml(text);
  return { accepted: true, ok: theirs !== null && isDeepStrictEqual(ours, theirs) };
}

describe('parsePlainYaml', () => {
  it('reads nested maps, sequences and the core schema scalars', () => {
    const text = [
      '# service settings',
      'name: api # trailing comment',
      'replicas: 3',
      'ratio: .5',
      'big: 1e3',
      'octal: 0o17',
      'hex: 0x1F',
      'leading_zero: 0755',
      'neg_zero: -0',
      'inf: -.inf',
      'nan: .NaN',
      'yes_is_a_string: yes',
      'on: true',
      'empty:',
      'tilde: ~',
      "quoted: 'it''s # not a comment'",
      'dq: "a: b"',
      'hash: a#b',
      'url: http://127.0.0.1:8080/health',
      'list: []',
      'map: {}',
      'database:',
      '  pool:',
      '    max: 20',
      'args:',
      '- --fast',
      '- -1',
      'containers:',
      '  - name: web',
      '    ports:',
      '      - 80',
      '  -   name: sidecar',
      '  - - nested',
      '    - seq',
      '  -',
      '    deep: true',
      '',
    ].join('\n');
    const docs = parsePlainYaml(text);
    expect(docs).toEqual(byYaml(text));
    const doc = docs![0] as Record<string, unknown>;
    expect(doc.octal).toBe(15);
    expect(doc.leading_zero).toBe(755);
    expect(Object.is(doc.neg_zero, -0)).toBe(true);
    expect(doc.yes_is_a_string).toBe('yes');
    expect(doc.quoted).toBe("it's # not a comment");
    expect(doc.containers).toEqual([{ name: 'web', ports: [80] }, { name: 'sidecar' }, ['nested', 'seq'], { deep: true }]);
  });

  it('reads a stream of documents split by ---', () => {
    const text = '---\nkind: A\n---\nkind: B\n';
    expect(parsePlainYaml(text)).toEqual([{ kind: 'A' }, { kind: 'B' }]);
    expect(parsePlainYaml(text)).toEqual(byYaml(text));
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a:\n  <<: {}\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a flow collection', 'a: [1, 2]\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['an escape in double quotes', 'a: "tab\\t"\n'],
    ['a quoted key', '"a b": 1\n'],
    ['a key with a space', 'a b: 1\n'],
    ['a key the core schema reads as a number', '1: one\n'],
    ['a key the core schema reads as a bool', 'true: yes\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['a tab', 'a:\t1\n'],
    ['a CR', 'a: 1\r\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['an empty document', 'a: 1\n---\n'],
    ['comments only', '# nothing\n'],
    ['a value that is a map entry', 'a: b: c\n'],
    ['a sequence among map entries', 'a: 1\n- b\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a key with a space before the colon', 'a : 1\n'],
    ['a sequence as a value on the same line', 'a: - b\n'],
    ['a scalar alone on the line below its key', 'a:\n  b\nc: 1\n'],
    ['a scalar below its key after a comment (yaml: an error)', 'a:\n##\n  ##\n  en\n\nb: true\n'],
    ['a scalar below its dash, continued by a less indented dash (yaml: one scalar)', '-\n a\n-\n'],
    ['a document that is one scalar', 'just text\n'],
  ])('leaves %s to the yaml package', (_what, text) => {
    expect(parsePlainYaml(text)).toBeUndefined();
  });

  it('agrees with the yaml package on every corpus file and every top-level block of it', () => {
    let accepted = 0;
    let checked = 0;
    let files = 0;
    for (const chart of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = join(CORPUS, chart.name);
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
        const text = readFileSync(join(dir, name), 'utf8');
        files++;
        // whole files are mostly outside the subset (block scalars, flow lists); their blocks often are not
        for (const part of [text, ...topLevelBlocks(text)]) {
          const r = agrees(part);
          checked++;
          if (r.accepted) accepted++;
          if (!r.ok) expect.fail(`${chart.name}/${name}: differs from yaml on:\n${part}`);
        }
      }
    }
    // slice or full corpus: dozens of top-level blocks per file, and a good share of them in the subset
    expect(files).toBeGreaterThan(1);
    expect(checked).toBeGreaterThan(files * 10);
    expect(accepted).toBeGreaterThan(checked / 5);
  });

  it('agrees with the yaml package on generated documents', () => {
    const rand = createRng(20261126);
    let accepted = 0;
    const N = 20_000;
    for (let n = 0; n < N; n++) {
      const text = generate(rand);
      const r = agrees(text);
      if (r.accepted) accepted++;
      if (!r.ok) expect.fail(`differs from yaml on:\n${JSON.stringify(text)}\nours: ${JSON.stringify(parsePlainYaml(text))}`);
    }
    expect(accepted).toBeGreaterThan(N / 5);
  });

  it('agrees with the yaml package on corpus blocks with one character changed', () => {
    const rand = createRng(7);
    const blocks = readdirSync(join(CORPUS, 'prometheus'))
      .filter((f) => f.endsWith('.yaml'))
      .slice(-20)
      .flatMap((f) => topLevelBlocks(readFileSync(join(CORPUS, 'prometheus', f), 'utf8')))
      .filter((b) => b.length < 4000 && parsePlainYaml(b) !== undefined);
    const edits = [' ', '  ', ':', ': ', '#', ' #', '-', '- ', "'", '"', '\n', '\n  ', '0', '.', '~', '[]', '{', '&', '*'];
    let accepted = 0;
    const N = 10_000;
    for (let n = 0; n < N; n++) {
      const b = pick(rand, blocks);
      const at = Math.floor(rand() * b.length);
      const cut = rand() < 0.3 ? 1 : 0;
      const text = b.slice(0, at) + pick(rand, edits) + b.slice(at + cut);
      const r = agrees(text);
      if (r.accepted) accepted++;
      if (!r.ok) expect.fail(`differs from yaml on:\n${JSON.stringify(text)}`);
    }
    expect(blocks.length).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(N / 5);
  });
});

/** Each run of lines from one column-0 key to the next. */
function topLevelBlocks(text: string): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (const line of text.split('\n')) {
    if (/^[A-Za-z_]/.test(line) && cur.length > 0) {
      out.push(`${cur.join('\n')}\n`);
      cur = [];
    }
    cur.push(line);
  }
  if (cur.length > 0) out.push(`${cur.join('\n')}\n`);
  return out;
}


const PLAIN_KEYS = ['a', 'b', 'name', 'x.y/z', 'k-1', '_', 'port'];
const KEYS = [...PLAIN_KEYS, 'null', 'True', '1', '0x1', 'Null', 'on', 'yes', '1e2', 'a b', '"q"', "'s'", '<<', '__proto__', '?', 'a#b', 'é'];
const SCALARS = [
  '', '1', '-1', '+1', '0', '-0', '007', '0o17', '0o8', '0x1F', '0xG', '1.5', '.5', '5.', '1e3', '1E-2', '.inf', '-.Inf', '.NaN', '.nan', 'nan',
  'true', 'True', 'TRUE', 'tRue', 'false', 'yes', 'no', 'on', 'null', 'Null', 'NULL', '~', 'x', 'two words', 'a#b', 'a #b', '#c', 'a: b', 'a:b', 'a:',
  "'q'", "'it''s'", "''", "'''", '"d"', '"a #b"', '"\\n"', '"x" y', '[]', '{}', '[1]', '{a: 1}', '[] #c', '-', '- x', '--x', '&a x', '*a', '!t x', '|', '>',
  '%p', '@p', '`p', 'é', '\u00a0x', 'x\u00a0', 'x  ', 'x # c', ' x', '1_000', '12:30', '2026-01-01', '<<', '?', '? x', ': x', ',x', 'x,y', 'x]',
];

/** A small random document: maps, sequences and scalars picked from tricky tokens, with some random indentation. */
function generate(rand: Rng): string {
  const key = (): string => pick(rand, rand() < 0.8 ? PLAIN_KEYS : KEYS);
  const lines: string[] = [];
  const block = (ind: number, depth: number): void => {
    const pad = ' '.repeat(Math.max(0, ind + (rand() < 0.05 ? pick(rand, [-1, 1]) : 0)));
    const seq = rand() < 0.35;
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      const head = seq ? `${pad}-` : `${pad}${key()}:`;
      if (rand() < 0.05) lines.push(`${pad}# comment`);
      if (depth < 3 && rand() < 0.3) {
        if (seq && rand() < 0.5) {
          // content on the item's own line: `- key: v` or `- - v`
          const inner = rand() < 0.5 ? `${key()}: ${pick(rand, SCALARS)}` : `- ${pick(rand, SCALARS)}`;
          lines.push(`${head} ${inner}`);
          if (rand() < 0.5) lines.push(`${pad}  ${inner.startsWith('-') ? '- ' : `${key()}: `}${pick(rand, SCALARS)}`);
        } else {
          lines.push(rand() < 0.1 ? `${head} # c` : head);
          if (rand() < 0.15) lines.push(`${' '.repeat(Math.floor(rand() * (ind + 4)))}#`);
          if (rand() < 0.15) lines.push(`${' '.repeat(ind + 1 + Math.floor(rand() * 2))}${pick(rand, SCALARS)}`); // a scalar on its own line
          else block(seq || rand() < 0.8 ? ind + 2 : ind, depth + 1);
        }
      } else {
        lines.push(`${head}${rand() < 0.9 ? ' ' : ''}${pick(rand, SCALARS)}`);
      }
    }
  };
  if (rand() < 0.1) lines.push('---');
  block(0, 0);
  if (rand() < 0.1) {
    lines.push('---');
    block(0, 0);
  }
  return `${lines.join('\n')}\n`;
}
