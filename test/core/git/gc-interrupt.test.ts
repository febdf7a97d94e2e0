import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it, onTestFinished } from 'vitest';
import { packStore } from '../../../src/core/git/gc.js';
import { buildHistory, git, readAllWithGit, tempRepo } from './objects-fixtures.js';

/** Bundles packStore into a script a child process can run (and be killed in). */
function bundleRunner(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfgtrail-gc-runner-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(entry, `import { packStore } from ${JSON.stringify(path.resolve('src/core/git/gc.ts'))};\nawait packStore(process.argv[2]!);\n`);
  const out = path.join(dir, 'runner.mjs');
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent' });
  return out;
}

function runAndKill(runner: string, gitdir: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner, gitdir], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
  });
}

describe('packStore interrupted', () => {
  it('never loses an object when killed at any point', async () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 40, 5);
    const before = readAllWithGit(dir);
    const runner = bundleRunner();
    // time one full run on a copy, then kill at fractions of that time
    const copy = `${dir}-copy`;
    fs.cpSync(dir, copy, { recursive: true });
    const t0 = performance.now();
    await runAndKill(runner, path.join(copy, '.git'), 60_000);
    const full = performance.now() - t0;
    fs.rmSync(copy, { recursive: true, force: true });
    const delays = [0.3, 0.45, 0.55, 0.65, 0.72, 0.8, 0.86, 0.92, 0.97, 1.1].map((f) => Math.round(f * full));
    const states = new Set<string>();
    for (const ms of delays) {
      await runAndKill(runner, gitdir, ms);
      const packDir = path.join(gitdir, 'objects', 'pack');
      const packs = fs.existsSync(packDir) ? fs.readdirSync(packDir) : [];
      states.add(`tmp:${packs.some((f) => f.startsWith('tmp_'))} loose:${fs.readdirSync(path.join(gitdir, 'objects')).length > 2}`);
      const after = readAllWithGit(dir);
      for (const [oid, obj] of before) expect(after.get(oid)?.content.equals(obj.content), `${oid} after kill at ${ms} ms`).toBe(true);
      expect(git(dir, ['fsck', '--strict', '--no-dangling'])).toBe('');
    }
    console.log(`full run ${full.toFixed(0)} ms; states seen after kills: ${[...states].join(', ')}`);
    // a later run finishes the job and removes leftovers of killed runs once they are stale
    await packStore(gitdir, { now: () => Date.now() + 2 * 60 * 60 * 1000 });
    const files = fs.readdirSync(path.join(gitdir, 'objects', 'pack'));
    expect(files.filter((f) => f.startsWith('tmp_'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.idx'))).toHaveLength(1);
    expect(readAllWithGit(dir).size).toBe(before.size);
  });
});
