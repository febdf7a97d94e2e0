import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fastYamlAccepts, readFastYamlDocument, splitYamlDocuments } from '../../../src/core/diff/fast-yaml.js';
import { readChunkedDocument } from '../../../src/core/diff/chunked-yaml.js';
import { parseConfig } from '../../../src/core/diff/parse-config.js';
import { diffFile } from '../../../src/core/diff/diff-file.js';
import { CORPUS } from '../../helpers/corpus.js';
import { createRng, pick, type Rng } from '../record/message-gen.js';

/** The reference: the yaml package with the core schema, as parseConfig asks; null when it reports an error. */
function byYaml(text: string): unknown[] | null {
  const docs = parseAllDocuments(text, { merge: true, schema: 'core' });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return null;
  try {
    return docs.map((d) => d.toJS({ maxAliasCount: 10_000 }));
  } catch {
    return null;
  }
}

/** The fast readers (whole documents, and cut into pieces at every size) either decline or agree with the yaml package. */
function check(text: string): { accepted: number; failure: string | null } {
  const docs = splitYamlDocuments(text);
  if (docs === undefined) return { accepted: 0, failure: null };
  const theirs = byYaml(text);
  let accepted = 0;
  const readers: [string, (doc: string) => unknown][] = [
    ['whole', (doc) => readFastYamlDocument(doc)],
    // as parseConfig calls it: the whole text checked once, then cut into pieces of any size
    ['pieces', (doc) => (fastYamlAccepts(text) ? readChunkedDocument(doc, new Map(), 0) : undefined)],
    ['groups', (doc) => (fastYamlAccepts(text) ? readChunkedDocument(doc, new Map(), 96) : undefined)],
  ];
  for (const [name, read] of readers) {
    const ours = docs.map(read);
    if (ours.some((d) => d === undefined)) continue;
    accepted++;
    if (theirs === null || !isDeepStrictEqual(ours, theirs)) {
      return { accepted, failure: `${name} reader differs on ${JSON.stringify(text)}:\nours ${JSON.stringify(ours)}\nyaml ${JSON.stringify(theirs)}` };
    }
  }
  return { accepted, failure: null };
}

const KEYS = ['a', 'b', 'name', 'x.y/z', 'k-1', '_', 'port', 'null', 'True', '1', '0x1', '1.0', 'on', 'yes', '1e2', '"a b"', "'s'", '"q: x"', 'é'];
const SCALARS = [
  '', '1', '-1', '+1', '0', '-0', '007', '0o17', '0o8', '0b101', '0x1F', '0xG', '1_000', '1.5', '.5', '5.', '1e3', '1E-2', '+1.5e+3', '.inf', '-.Inf', '.NaN', 'nan',
  'true', 'True', 'tRue', 'false', 'yes', 'no', 'on', 'off', 'y', 'null', 'Null', '~', 'x', 'two words', 'a#b', 'a #b', 'a:b', '12:30', '2026-01-01', '2026-01-01T10:00:00Z',
  "'q'", "'it''s'", "''", '"d"', '"a #b"', '"\\n\\t\\u00e9"', '"\\x41"', '[]', '{}', '[1, two, 0x10]', '{a: 1, b: [x, y]}', '{cpu: 250m, memory: 512Mi}', '[a, {b: c}]',
  '|\n  line 1\n  line 2', '>-\n  folded\n  text', '|+\n  keep\n', 'é', 'x  ', 'x # c', '"multi\n  line"', 'plain\n  continued',
];

/** A random document of maps, sequences, flow collections, block scalars and tricky scalars. */
function generate(rand: Rng): string {
  const key = (): string => pick(rand, rand() < 0.8 ? KEYS.slice(0, 7) : KEYS);
  const lines: string[] = [];
  const scalar = (pad: string) => pick(rand, SCALARS).replace(/\n/g, `\n${pad}`);
  const block = (ind: number, depth: number): void => {
    const pad = ' '.repeat(ind);
    const seq = rand() < 0.4;
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const head = seq ? `${pad}-` : `${pad}${key()}:`;
      if (rand() < 0.08) lines.push(`${' '.repeat(Math.floor(rand() * (ind + 2)))}# comment`);
      if (rand() < 0.05) lines.push('');
      if (depth < 3 && rand() < 0.35) {
        if (seq && rand() < 0.5) {
          lines.push(`${head} ${key()}: ${scalar(`${pad}    `)}`);
          if (rand() < 0.6) {
            lines.push(`${pad}  ${key()}:`);
            block(ind + 2 + (rand() < 0.5 ? 2 : 0), depth + 1);
          }
        } else {
          lines.push(head);
          block(seq || rand() < 0.7 ? ind + 2 : ind, depth + 1);
        }
      } else {
        lines.push(`${head} ${scalar(`${pad}  `)}`);
      }
    }
  };
  const docs = rand() < 0.2 ? 2 : 1;
  for (let d = 0; d < docs; d++) {
    if (d > 0 || rand() < 0.1) lines.push('---');
    if (rand() < 0.1) lines.push('# header');
    block(0, 0);
  }
  return `${lines.join('\n')}\n`;
}

describe('fast YAML readers (js-yaml with the core schema, whole and in pieces)', () => {
  it('agree with the yaml package on generated documents, or decline', () => {
    const rand = createRng(Number(process.env.SEED ?? 20261129));
    let accepted = 0;
    const N = Number(process.env.N ?? 5000);
    for (let n = 0; n < N; n++) {
      const r = check(generate(rand));
      accepted += r.accepted;
      if (r.failure) expect.fail(r.failure);
    }
    expect(accepted).toBeGreaterThan(N / 2);
  });

  it('agree with the yaml package on every corpus file and fixture', () => {
    let accepted = 0;
    let files = 0;
    const texts: string[] = [];
    for (const chart of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = join(CORPUS, chart.name);
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) texts.push(readFileSync(join(dir, name), 'utf8'));
    }
    const fixtures = join(import.meta.dirname, '../../../fixtures');
    for (const e of readdirSync(fixtures, { recursive: true, withFileTypes: true })) {
      if (e.isFile() && /\.ya?ml$/.test(e.name)) texts.push(readFileSync(join(e.parentPath, e.name), 'utf8'));
    }
    for (const text of texts) {
      files++;
      const r = check(text);
      accepted += r.accepted;
      if (r.failure) expect.fail(r.failure.slice(0, 2000));
    }
    expect(files).toBeGreaterThan(5);
    expect(accepted).toBeGreaterThan(files / 2);
  });

  it('decline what the two libraries could read differently', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '<<: {a: 1}\n', '%YAML 1.2\n---\na: 1\n', '? a\n: b\n', '__proto__: 1\n', 'a:\t1\n', 'null: 1\n', '- true: x\n']) {
      expect(readFastYamlDocument(text), text).toBeUndefined();
    }
    expect(splitYamlDocuments('a: 1\n---\n# only a comment\n')).toBeUndefined();
  });

  it('a large file: the second version shares every unchanged piece and the diff finds the one change', () => {
    const item = (i: number, port: number) => `- name: svc-${i}\n  resources: {cpu: 250m, replicas: ${i % 5}}\n  env:\n  - name: PORT\n    value: "${port}"\n`;
    const text = (changed: number) => `services:\n${Array.from({ length: 3000 }, (_, i) => item(i, i === changed ? 9090 : 8080)).join('')}`;
    const memo = new Map<string, unknown>();
    const a = parseConfig('s.yaml', Buffer.from(text(-1)), { memo });
    const b = parseConfig('s.yaml', Buffer.from(text(1500)), { memo });
    expect(a).toEqual({ ok: true, docs: byYaml(text(-1)) });
    expect(b).toEqual({ ok: true, docs: byYaml(text(1500)) });
    const listA = ((a as { docs: { services: unknown[] }[] }).docs[0]!).services;
    const listB = ((b as { docs: { services: unknown[] }[] }).docs[0]!).services;
    expect(listA[0]).toBe(listB[0]); // the same object: not read twice, skipped by the diff
    expect(listA[1500]).not.toBe(listB[1500]);
    const d = diffFile('s.yaml', Buffer.from(text(-1)), Buffer.from(text(1500)));
    expect(d.changes.map((c) => [c.pathText, c.from, c.to])).toEqual([['services[name=svc-1500].env[name=PORT].value', '8080', '9090']]);
  });
});
