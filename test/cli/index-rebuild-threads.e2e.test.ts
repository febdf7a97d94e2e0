// The built bundles find their index worker on their own (dist/index-worker.cjs
// beside dist/lib.js and dist/cli.cjs), and a rebuild on worker threads writes
// the index one thread writes. History: 4,500 commits made by git fast-import.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cfgtrail, git, tempDir } from '../helpers/cli.js';

const LIB = resolve(import.meta.dirname, '../../dist/lib.js');
const COMMITS = 4_500;

/** A fast-import stream: each commit changes one field of one of 12 YAML files (some in subdirectories). */
function history(): string {
  const parts: string[] = [];
  for (let i = 0; i < COMMITS; i++) {
    const file = `${i % 3 === 0 ? 'conf.d/' : ''}svc-${i % 12}.yaml`;
    const body = `name: svc-${i % 12}\nreplicas: ${i}\nlimits:\n  cpu: ${i % 7}\n  memory: ${i % 5}Gi\nports:\n  - name: http\n    port: ${8000 + (i % 9)}\n`;
    const msg = `Change ${i}\n\nChange-Id: I${i.toString(16).padStart(16, '0')}\n`;
    parts.push(
      'commit refs/heads/main',
      `author Ann Ops <ann@example.com> ${1_790_000_000 + i * 60} +0000`,
      `committer Ann Ops <ann@example.com> ${1_790_000_000 + i * 60} +0000`,
      `data ${Buffer.byteLength(msg)}`,
      msg,
      `M 100644 inline ${file}`,
      `data ${Buffer.byteLength(body)}`,
      body,
    );
  }
  return `${parts.join('\n')}\n`;
}

describe('index rebuild on worker threads, built bundles', () => {
  it('uses the bundled worker by default and writes the same index as one thread, also through the CLI', () => {
    const root = join(tempDir('cfgtrail-threads-'), 'config');
    mkdirSync(root);
    expect(cfgtrail(['init'], { cwd: root }).code).toBe(0);
    const gitdir = join(root, '.cfgtrail');
    execFileSync('git', ['--git-dir', gitdir, 'fast-import', '--quiet'], { input: history() });
    expect(git(['--git-dir', gitdir, 'rev-list', '--count', 'main']).trim()).toBe(String(COMMITS));

    const script = `
      const lib = await import(${JSON.stringify(LIB)});
      const store = lib.openStore(${JSON.stringify(root)});
      const head = lib.readHead(store.gitdir);
      const ranges = [];
      const two = lib.rebuildIndex(store, head, false, { threads: 2, onRange: (r) => ranges.push(r.by) });
      const one = lib.rebuildIndex(store, head, false, { threads: 1 });
      process.stdout.write(JSON.stringify({ ranges, same: two.bytes.equals(one.bytes), count: two.count, bytes: two.bytes.length }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { ranges: string[]; same: boolean; count: number; bytes: number };
    expect(out).toEqual({ ranges: ['caller', 'worker'], same: true, count: COMMITS, bytes: out.bytes });

    // the CLI (dist/cli.cjs run by the launcher) rebuilds the missing index and writes it back
    rmSync(join(gitdir, 'cfgtrail-index'), { recursive: true, force: true });
    const r = cfgtrail(['log', '-n', '1', '--oneline'], { cwd: root });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^[0-9a-f]{7} I[0-9a-f]+ Change 4499\n$/);
    const written = readFileSync(join(gitdir, 'cfgtrail-index', 'commits'));
    const reference = execFileSync(process.execPath, ['--input-type=module', '-e', `
      const lib = await import(${JSON.stringify(LIB)});
      const store = lib.openStore(${JSON.stringify(root)});
      process.stdout.write(lib.rebuildIndex(store, lib.readHead(store.gitdir), false, { threads: 1 }).bytes);
    `], { maxBuffer: 64 * 1024 * 1024 });
    expect(written.equals(reference)).toBe(true);
    expect(written.toString('utf8').split('\n').filter(Boolean)).toHaveLength(COMMITS);
  });
});
