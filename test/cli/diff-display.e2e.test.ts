import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv } from '../helpers/cli.js';

// One store, two snapshots: A, then B with a list reorder, a long value, a
// permission-only change, a symlink retargeted and a binary grown by 6 bytes.
const LONG = 'y'.repeat(120);
const APP_A = 'spec:\n  containers:\n    - name: web\n      image: a\n    - name: sidecar\n      image: b\nlong: x\n';
const APP_B = `spec:\n  containers:\n    - name: sidecar\n      image: b\n    - name: web\n      image: a\nlong: ${LONG}\n`;

const DIFF_TEXT = [
  'app.yaml (modified)',
  '⇆ spec.containers: order web, sidecar → sidecar, web',
  `  long: x → ${LONG}`,
  '',
  'blob.bin (modified)',
  '  binary file changed (1024 B → 1030 B)',
  '',
  'current (link modified)',
  '  target releases/v1 → releases/v2',
  '',
  'perm.yaml (mode 0644 → 0640)',
  '',
].join('\n');

let dir = '';

function run(args: string[]) {
  const r = cfgtrail(args, { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** The CLI with stdout on a pseudo-terminal (util-linux `script`), output with \r\n made \n. */
function onTerminal(args: string[]): string {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], { cwd: dir, env: { ...cliEnv(), TERM: 'dumb' }, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.replaceAll('\r\n', '\n');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfgtrail-display-'));
  writeFileSync(join(dir, 'app.yaml'), APP_A);
  writeFileSync(join(dir, 'perm.yaml'), 'a: 1\n');
  chmodSync(join(dir, 'perm.yaml'), 0o644);
  mkdirSync(join(dir, 'releases'));
  writeFileSync(join(dir, 'releases/v1'), 'one\n');
  writeFileSync(join(dir, 'releases/v2'), 'two\n');
  symlinkSync('releases/v1', join(dir, 'current'));
  writeFileSync(join(dir, 'blob.bin'), Buffer.alloc(1024));
  for (const args of [['init'], ['snapshot', '-m', 'A']]) {
    const r = cfgtrail(args, { cwd: dir });
    if (r.code !== 0) throw new Error(r.stderr);
  }
  writeFileSync(join(dir, 'app.yaml'), APP_B);
  chmodSync(join(dir, 'perm.yaml'), 0o640);
  unlinkSync(join(dir, 'current'));
  symlinkSync('releases/v2', join(dir, 'current'));
  writeFileSync(join(dir, 'blob.bin'), Buffer.alloc(1030));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('status, diff, show and log display', () => {
  it('status names the modes of a permission-only change and the targets of a symlink', () => {
    expect(run(['status']).split('\n').slice(1)).toEqual([
      '  M app.yaml  (2 fields)',
      '  M blob.bin  (binary)',
      '  M current  (link releases/v1 → releases/v2)',
      '  P perm.yaml  (mode 0644 → 0640)',
      '',
    ]);
    const files = (JSON.parse(run(['status', '--json'])) as { files: Record<string, unknown>[] }).files;
    expect(files.find((f) => f.path === 'perm.yaml')).toMatchObject({ status: 'mode', mode: { from: '0644', to: '0640' } });
    expect(files.find((f) => f.path === 'current')).toMatchObject({ status: 'modified', format: 'link', link: { from: 'releases/v1', to: 'releases/v2' } });
  });

  it('diff prints the reorder, the whole long value (a pipe), exact bytes, the link target and the modes', () => {
    expect(run(['diff'])).toBe(DIFF_TEXT);
  });

  it('diff --json has reordered, link and mode rows', () => {
    const rows = JSON.parse(run(['diff', '--json'])) as Record<string, unknown>[];
    expect(rows.filter((r) => r.kind !== 'changed' && r.kind !== 'binary')).toEqual([
      { file: 'app.yaml', path: ['spec', 'containers'], pathText: 'spec.containers', kind: 'reordered', by: 'name', from: ['web', 'sidecar'], to: ['sidecar', 'web'] },
      { file: 'current', kind: 'link', status: 'modified', from: 'releases/v1', to: 'releases/v2' },
      { file: 'perm.yaml', kind: 'mode', from: '0644', to: '0640' },
    ]);
  });

  it('a terminal cuts long values and says how to see them whole; --full does not cut', () => {
    const cut = onTerminal(['--no-color', 'diff']);
    expect(cut).toContain(`  long: x → ${'y'.repeat(79)}…\n`);
    expect(cut).toContain("hint: long values were cut at 80 characters; 'cfgtrail diff --full' (or --json, or a pipe) prints them whole");
    const full = onTerminal(['--no-color', 'diff', '--full']);
    expect(full).toContain(`  long: x → ${LONG}\n`);
    expect(full).not.toContain('hint:');
  });

  it('after a snapshot, show prints the same file diffs and log lists the permission change as P', () => {
    run(['snapshot', '-m', 'B']);
    expect(run(['show']).endsWith(`    B\n\n${DIFF_TEXT}`)).toBe(true);
    expect(run(['log', '-n', '1']).endsWith('    B\n\n M app.yaml\n M blob.bin\n M current\n P perm.yaml (mode 0644 → 0640)\n')).toBe(true);
    const [entry] = JSON.parse(run(['log', '-n', '1', '--json'])) as { files: unknown[] }[];
    expect(entry!.files.at(-1)).toEqual({ path: 'perm.yaml', status: 'mode', mode: { from: '0644', to: '0640' } });
    expect(onTerminal(['--no-color', 'show'])).toContain("hint: long values were cut at 80 characters; 'cfgtrail show --full'");
  });
});

describe('help texts', () => {
  it('log --grep says it matches trailers (as README does); rollback and mark-good document --author', () => {
    expect(run(['log', '--help'])).toMatch(/--grep <regex>\s+title, body or a trailer line \(Key: value\) matches/);
    for (const verb of ['rollback', 'mark-good']) expect(run([verb, '--help'])).toMatch(/--author <who>\s+'Name <email>'/);
    for (const verb of ['diff', 'show']) expect(run([verb, '--help'])).toMatch(/--full\s+print long values whole/);
  });
});
