import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { diffFile } from '../../../src/core/diff/diff-file.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/diff/${name}`, import.meta.url));
const buf = (text: string): Buffer => Buffer.from(text, 'utf8');

/** The +/- lines native `git diff --no-index` prints for two versions (the independent witness). */
function gitChangedLines(before: string, after: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-diff-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a'), before);
  writeFileSync(join(dir, 'b'), after);
  let out = '';
  try {
    execFileSync('git', ['diff', '--no-index', '--no-color', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout; // exit code 1 means "differs"
  }
  return changedLines(out);
}
const changedLines = (patch: string): string[] =>
  patch.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));

describe('diffFile', () => {
  it('compares YAML versions as trees: a container inserted at the front is one change', () => {
    const d = diffFile('deploy.yaml', fixture('deployment-v1.yaml'), fixture('deployment-v2.yaml'));
    expect(d).toMatchObject({ file: 'deploy.yaml', status: 'modified', format: 'tree' });
    expect(d.changes.map((c) => `${c.kind} ${c.pathText}`)).toEqual(['added spec.template.spec.containers[name=migrate]']);
    expect(d.formattingOnly).toBeUndefined();
  });

  it('says formatting only when bytes differ but no field does', () => {
    const d = diffFile('c.yaml', buf('a: 1\nb: [1, 2]\n'), buf('# comment\nb:\n  - 1\n  - 2\na:    1\n'));
    expect(d).toMatchObject({ format: 'tree', changes: [], formattingOnly: true });
    expect(diffFile('c.yaml', buf('a: 1\n'), buf('a: 1\n')).formattingOnly).toBeUndefined();
    expect(diffFile('c.json', buf('{"a":1}'), buf('{\n  "a": 1\n}\n'))).toMatchObject({ formattingOnly: true });
  });

  it('puts the document first only in multi-document files, named by resource when it is one', () => {
    const one = fixture('multi-doc.yaml').toString('utf8').split('---\n')[0] ?? '';
    const d = diffFile('m.yaml', buf(one), fixture('multi-doc.yaml'));
    expect(d.changes.map((c) => `${c.kind} ${c.pathText}`)).toEqual(['added [doc=Service/app]']);
    const plain = diffFile('p.yaml', buf('a: 1\n'), buf('a: 1\n---\nb: 2\n'));
    expect(plain.changes.map((c) => `${c.kind} ${c.pathText}`)).toEqual(['added [1]']);
  });

  it('matches Prometheus scrape_configs by job_name, a guessed identifier', () => {
    const d = diffFile('prometheus.yml', fixture('prometheus-v1.yaml'), fixture('prometheus-v2.yaml'));
    expect(d.changes.map((c) => [c.kind, c.pathText, c.from, c.to])).toEqual([
      ['removed', 'scrape_configs[job_name=blackbox]', { job_name: 'blackbox', metrics_path: '/probe', static_configs: [{ targets: ['https://example.com'] }] }, undefined],
      ['changed', 'scrape_configs[job_name=node].scrape_interval', '30s', '60s'],
      ['changed', 'scrape_configs', ['prometheus', 'node', 'cadvisor'], ['node', 'prometheus', 'cadvisor']],
      ['added', 'scrape_configs[job_name=postgres]', undefined, { job_name: 'postgres', static_configs: [{ targets: ['pg-exporter:9187'] }] }],
    ]);
  });

  it('falls back to a text diff with a file:line:col warning when a side does not parse', () => {
    const before = 'database:\n  host: db.local\n  port: 5432\n';
    const after = fixture('duplicate-key.yaml').toString('utf8');
    const d = diffFile('config.yaml', buf(before), buf(after));
    expect(d).toMatchObject({ format: 'text', status: 'modified', changes: [] });
    expect(d.warning).toMatch(/^config\.yaml:4:3: Map keys must be unique/);
    expect(d.patch).toContain('--- a/config.yaml\n+++ b/config.yaml\n');
    expect(changedLines(d.patch ?? '')).toEqual(gitChangedLines(before, after));
  });

  it('gives other text files a unified diff matching git', () => {
    const before = 'worker_processes 2;\nevents {}\n';
    const after = 'worker_processes 4;\nevents {}\nhttp {}\n';
    const d = diffFile('nginx.conf', buf(before), buf(after));
    expect(d).toMatchObject({ format: 'text', changes: [] });
    expect(d.warning).toBeUndefined();
    expect(changedLines(d.patch ?? '')).toEqual(gitChangedLines(before, after));
  });

  it('treats a NUL byte in the first 8000 bytes as binary and reports sizes', () => {
    const bin = Buffer.concat([buf('PK'), Buffer.from([0, 1, 2])]);
    expect(diffFile('x.yaml', buf('a: 1\n'), bin)).toEqual({
      file: 'x.yaml',
      status: 'modified',
      format: 'binary',
      changes: [],
      fromSize: 5,
      toSize: 5,
    });
    const late = Buffer.concat([Buffer.alloc(8000, 'a'), Buffer.from([0])]);
    expect(diffFile('late.txt', late, buf('a')).format).toBe('text');
  });

  it('lists the top-level keys of an added or deleted tree file', () => {
    const text = buf('database:\n  host: x\nfeatures:\n  beta: true\n');
    const added = diffFile('new.yaml', null, text);
    expect(added).toMatchObject({ status: 'added', format: 'tree' });
    expect(added.changes.map((c) => `${c.kind} ${c.pathText}`)).toEqual(['added database', 'added features']);
    expect(added.changes[0]?.to).toEqual({ host: 'x' });
    const deleted = diffFile('old.yaml', text, null);
    expect(deleted.changes.map((c) => `${c.kind} ${c.pathText}`)).toEqual(['removed database', 'removed features']);
  });

  it('diffs an added file that does not parse against /dev/null', () => {
    const d = diffFile('bad.json', null, fixture('broken.json'));
    expect(d).toMatchObject({ status: 'added', format: 'text' });
    expect(d.warning).toMatch(/^bad\.json:3:\d+: /);
    expect(d.patch).toContain('--- /dev/null\n+++ b/bad.json');
  });
});
