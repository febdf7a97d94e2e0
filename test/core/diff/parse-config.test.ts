import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ParsedConfig } from '../../../src/core/diff/parse-config.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/diff/${name}`, import.meta.url));
const buf = (text: string): Buffer => Buffer.from(text, 'utf8');
const docsOf = (p: ParsedConfig | null): unknown[] => {
  if (p === null || !p.ok) throw new Error(`expected a parse, got ${JSON.stringify(p)}`);
  return p.docs;
};

/** 150 jobs that each merge a shared `defaults` map, as CI configs do. */
function mergeHeavyYaml(jobs: number): string {
  const lines = ['defaults: &defaults', '  image: node:20', '  retries: 2', 'jobs:'];
  for (let i = 0; i < jobs; i += 1) lines.push(`  job${i}:`, '    <<: *defaults', `    script: run ${i}`);
  return lines.join('\n');
}

describe('parseConfig', () => {
  it('returns null for files that are not YAML or JSON', () => {
    expect(parseConfig('nginx.conf', buf('a: 1'))).toBeNull();
    expect(parseConfig('app.YML', buf('a: 1'))).not.toBeNull();
  });

  it('parses every document of a multi-document file', () => {
    const docs = docsOf(parseConfig('multi.yaml', fixture('multi-doc.yaml')));
    expect(docs).toHaveLength(2);
    expect(docs[1]).toMatchObject({ kind: 'Service', spec: { ports: [{ port: 80 }] } });
  });

  it('resolves 150 merge keys (more than yaml allows by default)', () => {
    const [doc] = docsOf(parseConfig('ci.yaml', buf(mergeHeavyYaml(150)))) as [{ jobs: Record<string, unknown> }];
    expect(Object.keys(doc.jobs)).toHaveLength(150);
    expect(doc.jobs['job149']).toEqual({ image: 'node:20', retries: 2, script: 'run 149' });
  });

  it('rejects a billion-laughs file quickly as ok:false, without throwing', () => {
    const start = performance.now();
    const parsed = parseConfig('bomb.yaml', fixture('billion-laughs.yaml'));
    expect(performance.now() - start).toBeLessThan(2000);
    expect(parsed).toMatchObject({ ok: false, error: { message: expect.stringMatching(/alias/i) } });
    if (parsed?.ok === false) expect(parsed.error.line).toBeGreaterThanOrEqual(1);
  });

  it('reports duplicate keys with a 1-based line and column', () => {
    expect(parseConfig('dup.yaml', fixture('duplicate-key.yaml'))).toEqual({
      ok: false,
      error: { message: expect.stringMatching(/unique/) as unknown, line: 4, col: 3 },
    });
  });

  it('reports YAML syntax errors with their position', () => {
    const parsed = parseConfig('bad.yaml', buf('a: 1\nb: [1, 2\nc: 3\n'));
    expect(parsed?.ok).toBe(false);
    if (parsed?.ok === false) expect(parsed.error.line).toBeGreaterThan(1);
  });

  it('reports JSON errors with line and column, also where V8 gives no position', () => {
    // broken.json has a trailing comma before "}" on line 3
    const trailing = parseConfig('broken.json', fixture('broken.json'));
    const text = fixture('broken.json').toString('utf8');
    const line3 = text.split('\n')[2] ?? '';
    expect(trailing).toMatchObject({ ok: false, error: { line: 3, col: line3.indexOf('}') + 1 } });
    expect(parseConfig('t.json', buf('{\n  "a": }'))).toMatchObject({ ok: false, error: { line: 2, col: 8 } });
    expect(parseConfig('t.json', buf('{"a": 1'))).toMatchObject({ ok: false, error: { line: 1, col: 8 } });
    const msg = parseConfig('t.json', buf('{"a": }'));
    if (msg?.ok === false) expect(msg.error.message).not.toMatch(/is not valid JSON|position/);
  });

  it('reads !!binary as its size and base64, in either schema and in every tag spelling', () => {
    const hello = '<binary 5 bytes: SGVsbG8=>';
    for (const schema of ['core', 'yaml-1.1'] as const) {
      const text = 'a: !!binary SGVsbG8=\nb: !<tag:yaml.org,2002:binary> SGVsbG8=\nc: [!!binary "AA=="]\nd: !!binary |\n  SGVs\n  bG8=\n';
      expect(docsOf(parseConfig('b.yaml', Buffer.from(text), { schema }))).toEqual([{ a: hello, b: hello, c: ['<binary 1 byte: AA==>'], d: hello }]);
    }
    // 1,234 bytes: the size has a thousands separator; the base64 is whole
    const big = Buffer.alloc(1234, 7).toString('base64');
    const [tree] = docsOf(parseConfig('b.yaml', Buffer.from(`k: !!binary ${big}\n`))) as [{ k: string }];
    expect(tree.k).toBe(`<binary 1,234 bytes: ${big}>`);
    // hostile: bytes that are not base64, an empty value, a collection tagged binary (yaml warns, keeps the list)
    expect(docsOf(parseConfig('b.yaml', Buffer.from('a: !!binary "@@@"\nb: !!binary\nc: !!binary [1, 2]\n')))).toEqual([
      { a: '<binary 0 bytes: >', b: '<binary 0 bytes: >', c: [1, 2] },
    ]);
    // a key or value that merely says "binary" is left alone
    expect(docsOf(parseConfig('b.yaml', Buffer.from('binary: "!!binary x"\n')))).toEqual([{ binary: '!!binary x' }]);
  });

  it('tolerates a byte order mark', () => {
    expect(docsOf(parseConfig('b.json', buf('\ufeff{"a": 1}')))).toEqual([{ a: 1 }]);
    expect(docsOf(parseConfig('b.yaml', buf('\ufeffa: 1\n')))).toEqual([{ a: 1 }]);
  });

  it('reads yes/no and 0755 by the chosen schema', () => {
    const text = buf('enabled: yes\nmode: 0755\n');
    expect(docsOf(parseConfig('k.yaml', text))).toEqual([{ enabled: 'yes', mode: 755 }]);
    expect(docsOf(parseConfig('k.yaml', text, { schema: 'yaml-1.1' }))).toEqual([{ enabled: true, mode: 493 }]);
  });

  it('keeps __proto__ as an own key', () => {
    const [doc] = docsOf(parseConfig('p.yaml', buf('__proto__:\n  polluted: 1\n'))) as [object];
    expect(Object.keys(doc)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
