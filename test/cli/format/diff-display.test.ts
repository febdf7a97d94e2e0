import { describe, expect, it } from 'vitest';
import { formatFileDiffs, formatSizes, formatLinkChange } from '../../../src/cli/format/diff.js';
import { diffsToJson } from '../../../src/cli/format/diff-json.js';
import { formatLog } from '../../../src/cli/format/log.js';
import { formatLogSpans } from '../../../src/cli/format/log-spans.js';
import { entrySpansOf } from '../../../src/core/audit/entry-spans.js';
import { diffFile } from '../../../src/core/diff/diff-file.js';
import type { AuditEntry, FileDiff } from '../../../src/core/types.js';

const buf = (text: string): Buffer => Buffer.from(text, 'utf8');
const file = (over: Partial<FileDiff> & Pick<FileDiff, 'file' | 'status' | 'format'>): FileDiff => ({ changes: [], ...over });

describe('permission-only changes', () => {
  it('are one line naming the modes, not a "(mode changed)" header with a tree body', () => {
    const d = file({ file: 'perm.yaml', status: 'mode', format: 'tree', fromMode: '0644', toMode: '0640' });
    expect(formatFileDiffs([d])).toBe('perm.yaml (mode 0644 → 0640)');
  });

  it('keep the mode line under the header when the content changed too', () => {
    const d = file({ file: 'run.sh', status: 'modified', format: 'text', patch: '@@ -1 +1 @@\n-a\n+b\n', fromMode: '0644', toMode: '0755' });
    expect(formatFileDiffs([d])).toBe('run.sh (modified)\n  mode 0644 → 0755\n@@ -1 +1 @@\n-a\n+b');
  });

  it('are letter P in log text, from both log formatters', () => {
    const e: AuditEntry = {
      commit: '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
      parents: [],
      changeId: null,
      title: 'Tighten',
      body: '',
      author: { name: 'Jane Doe', email: 'jane@example.com' },
      date: '2026-11-26T15:19:07+01:00',
      trailers: [],
      files: [{ path: 'app.yaml', status: 'modified' }, { path: 'perm.yaml', status: 'mode', mode: { from: '0644', to: '0640' } }, { path: 'run.sh', status: 'mode' }],
    };
    const out = formatLog([e]);
    expect(out.endsWith('    Tighten\n\n M app.yaml\n P perm.yaml (mode 0644 → 0640)\n P run.sh\n')).toBe(true);
    expect(formatLogSpans(entrySpansOf([JSON.stringify(e)]))).toBe(out);
  });
});

describe('symlinks', () => {
  it('show a target change, added and deleted links their target', () => {
    const changed = file({ file: 'current', status: 'modified', format: 'link', link: { from: 'releases/v1', to: 'releases/v2' } });
    const added = file({ file: 'next', status: 'added', format: 'link', link: { to: 'releases/v3' } });
    const deleted = file({ file: 'old', status: 'deleted', format: 'link', link: { from: 'releases/v0' } });
    expect(formatFileDiffs([changed, added, deleted])).toBe(
      [
        'current (link modified)',
        '  target releases/v1 → releases/v2',
        '',
        'next (link added)',
        '  target releases/v3',
        '',
        'old (link deleted)',
        '  target releases/v0',
      ].join('\n'),
    );
    expect(formatLinkChange(changed)).toBe('releases/v1 → releases/v2');
    // targets are paths: quoted as git quotes names, so a newline or ESC in one cannot forge a line
    expect(formatLinkChange({ link: { from: 'a\nb', to: '\x1b[2Jx' } })).toBe('"a\\nb" → "\\033[2Jx"');
  });

  it('are {kind: "link", status, from, to} rows in --json', () => {
    const changed = file({ file: 'current', status: 'modified', format: 'link', link: { from: 'releases/v1', to: 'releases/v2' } });
    const added = file({ file: 'next', status: 'added', format: 'link', link: { to: 'releases/v3' } });
    expect(diffsToJson([changed, added])).toEqual([
      { file: 'current', kind: 'link', status: 'modified', from: 'releases/v1', to: 'releases/v2' },
      { file: 'next', kind: 'link', status: 'added', to: 'releases/v3' },
    ]);
  });
});

describe('binary sizes', () => {
  it('are exact bytes when both sides would print the same rounded size', () => {
    const d = file({ file: 'logo.png', status: 'modified', format: 'binary', fromSize: 1024, toSize: 1030 });
    expect(formatFileDiffs([d])).toBe('logo.png (modified)\n  binary file changed (1024 B → 1030 B)');
    expect(formatSizes(3 * 1024 * 1024, 3 * 1024 * 1024 + 7)).toEqual(['3145728 B', '3145735 B']);
  });

  it('stay rounded when the rounded sizes differ, or the sizes are equal', () => {
    expect(formatSizes(1229, 1332)).toEqual(['1.2 KiB', '1.3 KiB']);
    expect(formatSizes(2048, 2048)).toEqual(['2.0 KiB', '2.0 KiB']);
    expect(formatSizes(10, 20)).toEqual(['10 B', '20 B']);
  });

  it('are exact bytes for secret files too', () => {
    const d = file({ file: 'tls.key', status: 'modified', format: 'text', fromSize: 1024, toSize: 1030, secret: { fromTag: '<redacted:aa>', toTag: '<redacted:bb>' } });
    expect(formatFileDiffs([{ ...d, format: 'binary' }])).toBe('tls.key (modified)\n  secret file changed (1024 B <redacted:aa> → 1030 B <redacted:bb>)');
  });
});

describe('long values', () => {
  const long = 'y'.repeat(120);
  const d = file({ file: 'app.yaml', status: 'modified', format: 'tree', changes: [{ file: 'app.yaml', path: ['long'], pathText: 'long', kind: 'changed', from: 'x', to: long }] });

  it('are printed whole by default (pipes, files)', () => {
    expect(formatFileDiffs([d])).toBe(`app.yaml (modified)\n  long: x → ${long}`);
  });

  it('are cut only when a width is given, and the caller hears of each cut', () => {
    let cuts = 0;
    const out = formatFileDiffs([d], { maxValueWidth: 80, onCut: () => void (cuts += 1) });
    expect(out).toBe(`app.yaml (modified)\n  long: x → ${'y'.repeat(79)}…`);
    expect(cuts).toBe(1);
  });
});

describe('list reorders', () => {
  const a = buf('spec:\n  containers:\n    - name: web\n      image: a\n    - name: sidecar\n      image: b\n');
  const b = buf('spec:\n  containers:\n    - name: sidecar\n      image: b\n    - name: web\n      image: a\n');

  it('print the identities in old and new order on a ~ line', () => {
    expect(formatFileDiffs([diffFile('app.yaml', a, b)])).toBe('app.yaml (modified)\n⇆ spec.containers: order web, sidecar → sidecar, web');
  });

  it('are their own kind in --json, with from/to orders', () => {
    expect(diffsToJson([diffFile('app.yaml', a, b)])).toEqual([
      { file: 'app.yaml', path: ['spec', 'containers'], pathText: 'spec.containers', kind: 'reordered', by: 'name', from: ['web', 'sidecar'], to: ['sidecar', 'web'] },
    ]);
  });

  it('of plain lists carry the entries themselves, by value', () => {
    const x = buf('args: [--a, --b, 80]\n');
    const y = buf('args: [80, --a, --b]\n');
    expect(diffsToJson([diffFile('x.yaml', x, y)])).toEqual([
      { file: 'x.yaml', path: ['args'], pathText: 'args', kind: 'reordered', by: 'value', from: ['--a', '--b', 80], to: [80, '--a', '--b'] },
    ]);
    expect(formatFileDiffs([diffFile('x.yaml', x, y)])).toBe('x.yaml (modified)\n⇆ args: order --a, --b, 80 → 80, --a, --b');
  });

  it('quote identities YAML would read as something else', () => {
    const x = buf('l:\n  - id: "1"\n  - id: "a, b"\n');
    const y = buf('l:\n  - id: "a, b"\n  - id: "1"\n');
    expect(formatFileDiffs([diffFile('x.yaml', x, y)])).toBe('x.yaml (modified)\n⇆ l: order "1", "a, b" → "a, b", "1"');
  });
});
