import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { formatFileDiffs, formatValue } from '../../../src/cli/format/diff.js';
import { formatBytes } from '../../../src/core/diff/large-file.js';
import { diffFile } from '../../../src/core/diff/diff-file.js';
import type { FieldChange, FileDiff } from '../../../src/core/types.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/diff/${name}`, import.meta.url));
const buf = (text: string): Buffer => Buffer.from(text, 'utf8');
const change = (over: Partial<FieldChange> & Pick<FieldChange, 'pathText' | 'kind'>): FieldChange => ({
  file: 'config.yaml',
  path: [],
  ...over,
});
const treeDiff = (changes: FieldChange[], over: Partial<FileDiff> = {}): FileDiff => ({
  file: 'config.yaml',
  status: 'modified',
  format: 'tree',
  changes,
  ...over,
});

describe('formatFileDiffs', () => {
  it('prints a header and one line per field change', () => {
    const out = formatFileDiffs([
      treeDiff([
        change({ pathText: 'database.pool.max', kind: 'changed', from: 20, to: 50 }),
        change({ pathText: 'feature.flags.beta', kind: 'added', to: true }),
        change({ pathText: 'legacy.mode', kind: 'removed', from: 'x' }),
        change({ pathText: 'port', kind: 'changed', from: '10', to: 10 }),
      ]),
    ]);
    expect(out).toBe(
      [
        'config.yaml (modified)',
        '  database.pool.max: 20 → 50',
        '+ feature.flags.beta: true',
        '- legacy.mode: x',
        '  port: "10" → 10',
      ].join('\n'),
    );
  });

  it('prints a real diff of the sample deployment', () => {
    const d = diffFile('deploy.yaml', fixture('deployment-v1.yaml'), fixture('deployment-v2.yaml'));
    expect(formatFileDiffs([d])).toBe(
      'deploy.yaml (modified)\n+ spec.template.spec.containers[name=migrate]: {name: migrate, image: web-migrate:7}',
    );
  });

  it('quotes exactly the strings YAML would read as something else', () => {
    const plain = ['x', 'nginx:1.25', 'hello world', 'a-b', 'http://h/p', '<redacted:ab12cd>'];
    const quoted = ['', '10', '1.5', 'true', 'yes', 'No', 'null', '~', ' x', 'a: b', 'a #c', '- x', '*x', '0x1F', '2024-01-01', 'a\nb', '1 → 2'];
    for (const s of plain) expect(formatValue(s)).toBe(s);
    for (const s of quoted) expect(formatValue(s)).toBe(JSON.stringify(s));
    // what is printed plain reads back as the same string; numbers read back as numbers
    for (const s of [...plain, ...quoted]) expect(parseDocument(`v: ${formatValue(s)}`).toJS()).toEqual({ v: s });
    expect(formatValue(10)).toBe('10');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(Number.NaN)).toBe('.nan');
  });

  it('prints subtrees in flow style, whole unless a width is given', () => {
    expect(formatValue({ a: 1, b: ['x', 'y, z'], c: {} })).toBe('{a: 1, b: [x, "y, z"], c: {}}');
    const items = { items: Array.from({ length: 50 }, (_, i) => `item${i}`) };
    expect(formatValue(items)).toBe(`{items: [${items.items.join(', ')}]}`);
    const long = formatValue(items, 80);
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });

  it('prints order changes, root changes and formatting-only files', () => {
    const reorder = { ...change({ pathText: 'spec.containers', kind: 'changed', from: ['a', 'b'], to: ['b', 'a'] }), reorder: true };
    expect(formatFileDiffs([treeDiff([reorder])])).toContain('⇆ spec.containers: order a, b → b, a');
    expect(formatFileDiffs([treeDiff([change({ pathText: '', kind: 'changed', from: 1, to: 2 })])])).toContain('  (root): 1 → 2');
    expect(formatFileDiffs([treeDiff([], { formattingOnly: true })])).toBe(
      'config.yaml (modified)\n  (formatting only: no field changed)',
    );
  });

  it('prints a warning line and the patch for files that fell back to text', () => {
    const d = diffFile('config.yaml', buf('a: 1\n'), fixture('duplicate-key.yaml'));
    const out = formatFileDiffs([d]);
    const lines = out.split('\n');
    expect(lines[0]).toBe('config.yaml (modified)');
    expect(lines[1]).toBe(`warning: ${d.warning} — showing a text diff`);
    expect(lines[1]).toMatch(/^warning: config\.yaml:4:3: /);
    expect(lines.slice(2).join('\n')).toBe((d.patch ?? '').replace(/\n$/, ''));
  });

  it('prints binary sizes and mode changes', () => {
    const bin: FileDiff = { file: 'logo.png', status: 'modified', format: 'binary', changes: [], fromSize: 1229, toSize: 1332 };
    expect(formatFileDiffs([bin])).toBe('logo.png (modified)\n  binary file changed (1.2 KiB → 1.3 KiB)');
    const mode = treeDiff([], { status: 'mode', fromMode: '0644', toMode: '0600' });
    expect(formatFileDiffs([mode])).toBe('config.yaml (mode 0644 → 0600)');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });

  it('separates files with a blank line and colors only when asked', () => {
    const diffs = [
      treeDiff([change({ pathText: 'a', kind: 'added', to: 1 })]),
      treeDiff([change({ pathText: 'b', kind: 'removed', from: 2 })], { file: 'other.yaml' }),
    ];
    const plain = formatFileDiffs(diffs);
    expect(plain).toBe('config.yaml (modified)\n+ a: 1\n\nother.yaml (modified)\n- b: 2');
    expect(plain).not.toContain('\x1b[');
    const colored = formatFileDiffs(diffs, { color: true });
    expect(colored).toContain('\x1b[32m+ a: 1\x1b[0m');
    expect(colored).toContain('\x1b[31m- b: 2\x1b[0m');
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(plain);
    expect(formatFileDiffs([])).toBe('');
  });
});
