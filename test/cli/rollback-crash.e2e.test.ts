import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, git, tempDir } from '../helpers/cli.js';

const FILES = 600;
const name = (i: number) => `d${i % 10}/f${String(i).padStart(4, '0')}.yaml`;
const content = (i: number, v: string) => `# ${v}\nfile: ${i}\nversion: ${v}\npad: "${v.repeat(4000)}"\n`;

function writeVersion(dir: string, v: string): void {
  for (let i = 0; i < FILES; i++) {
    mkdirSync(join(dir, `d${i % 10}`), { recursive: true });
    writeFileSync(join(dir, name(i)), content(i, v));
  }
}

/** Runs the bin and SIGKILLs it after `ms`; resolves with its exit code (null when killed). */
function runAndKill(args: string[], cwd: string, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(), stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('rollback under SIGKILL', () => {
  it('leaves every file wholly old or new, the store consistent, and a rerun finishes the job', async () => {
    const dir = tempDir('cfgtrail-crash-');
    writeVersion(dir, 'A');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['snapshot', '-m', 'version A'], { cwd: dir }).code).toBe(0);
    const store = join(dir, '.cfgtrail');
    const target = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    writeVersion(dir, 'B');
    expect(cfgtrail(['snapshot', '-m', 'version B'], { cwd: dir }).code).toBe(0);
    const args = ['rollback', target, '--yes', '--no-restart', '--no-verify', '-m', 'crash test'];
    let kills = 0;
    let mixed = 0;
    for (let delay = 40; delay < 3000; delay += 30) {
      const code = await runAndKill(args, dir, delay);
      if (code !== null) break; // it finished before the kill
      kills++;
      let a = 0;
      for (let i = 0; i < FILES; i++) {
        const text = readFileSync(join(dir, name(i)), 'utf8');
        expect([content(i, 'A'), content(i, 'B')]).toContain(text);
        if (text === content(i, 'A')) a++;
      }
      if (a > 0 && a < FILES) mixed++;
      git(['--git-dir', store, 'fsck', '--strict', '--no-dangling']);
      // The killed holder's lock is left; the next command takes it over at once.
    }
    expect(kills).toBeGreaterThan(3);
    expect(mixed).toBeGreaterThan(0); // some kills did land in the middle of the restore
    const rerun = cfgtrail(args, { cwd: dir });
    expect([0, 10]).toContain(rerun.code);
    for (let i = 0; i < FILES; i++) expect(readFileSync(join(dir, name(i)), 'utf8')).toBe(content(i, 'A'));
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD^{tree}'])).toBe(git(['--git-dir', store, 'rev-parse', `${target}^{tree}`]));
    const rollbacks = git(['--git-dir', store, 'log', '--format=%(trailers:key=Rollback-To,valueonly)']).split('\n').filter(Boolean);
    expect(rollbacks).toEqual([target]); // exactly one rollback commit
    expect(existsSync(join(store, 'cfgtrail-rollback.json'))).toBe(false);
    expect(cfgtrail(['status', '--exit-code'], { cwd: dir }).code).toBe(0); // no temp files left tracked
    git(['--git-dir', store, 'fsck', '--strict']);
  }, 300_000);
});
