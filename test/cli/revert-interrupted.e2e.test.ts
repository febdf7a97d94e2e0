/**
 * A revert killed while it writes files is an interrupted rollback of the
 * merged files: status says so, another revert is refused, and `rollback
 * --abort` puts the files back (or `--continue` finishes the revert's files).
 */
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';

const RAISE = 'I1111111111111111111111111111111111111111';
const FILES = ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml'];

function history(): { dir: string; store: string } {
  const dir = tempDir('cfgtrail-revint-');
  for (const f of FILES) writeFileSync(join(dir, f), 'pool: 1\nhost: x\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
  for (const f of FILES) writeFileSync(join(dir, f), 'pool: 2\nhost: x\n');
  expect(cfgtrail(['snapshot', '-m', 'Raise pool', '--change-id', RAISE], { cwd: dir }).code).toBe(0);
  for (const f of FILES) writeFileSync(join(dir, f), 'pool: 2\nhost: y\n');
  expect(cfgtrail(['snapshot', '-m', 'Move'], { cwd: dir }).code).toBe(0);
  return { dir, store: join(dir, '.cfgtrail') };
}

const RENAMES = 'trace=rename,renameat,renameat2';
const contents = (dir: string) => FILES.map((f) => readFileSync(join(dir, f), 'utf8'));

/** Runs `args` under strace and SIGKILLs it at the rename of its `nth` live file (counted on a copy first). */
function killAtFile(args: string[], dir: string, nth: number): number | null {
  const copy = tempDir('cfgtrail-revint-count-');
  cpSync(dir, copy, { recursive: true });
  const log = `${copy}.strace`;
  spawnSync('strace', ['-f', '-qq', '-o', log, '-e', RENAMES, process.execPath, BIN, ...args], { cwd: copy, env: cliEnv() });
  const lines = readFileSync(log, 'utf8').split('\n').filter((l) => /rename/.test(l));
  rmSync(log, { force: true });
  const first = lines.findIndex((l) => /\.cfgtrail-\d+-[0-9a-f]{8}-\d+~"/.test(l));
  expect(first).toBeGreaterThanOrEqual(0);
  const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', RENAMES, '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${first + nth}`,
    process.execPath, BIN, ...args], { cwd: dir, env: cliEnv() });
  return r.status;
}

describe('a revert killed while writing files', () => {
  it('is pending: status says so, another revert is refused, rollback --abort puts the files back', () => {
    const { dir, store } = history();
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    expect(killAtFile(['revert', RAISE, '--yes'], dir, 2)).toBe(null);
    const mixed = contents(dir);
    expect(mixed).toContain('pool: 1\nhost: y\n');
    expect(mixed).toContain('pool: 2\nhost: y\n');
    expect(cfgtrail(['status'], { cwd: dir }).stdout).toMatch(/^Rollback in progress: .* was interrupted while restoring files/);
    const again = cfgtrail(['revert', RAISE, '--yes'], { cwd: dir });
    expect(again.code).toBe(13);
    expect(again.stderr).toMatch(/rollback --continue/);
    expect(cfgtrail(['rollback', '--abort'], { cwd: dir }).code).toBe(0);
    expect(contents(dir)).toEqual(FILES.map(() => 'pool: 2\nhost: y\n'));
    expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(head);
    // And the revert can be run again from scratch.
    expect(cfgtrail(['revert', RAISE, '--yes'], { cwd: dir }).code).toBe(0);
    expect(contents(dir)).toEqual(FILES.map(() => 'pool: 1\nhost: y\n'));
  });

  it('rollback --continue finishes writing the merged files and records them', () => {
    const { dir, store } = history();
    expect(killAtFile(['revert', RAISE, '--yes'], dir, 2)).toBe(null);
    const r = cfgtrail(['rollback', '--continue', '--yes'], { cwd: dir });
    expect(r.stderr).toMatch(/^(note: took over the store lock left by pid \d+ \(cfgtrail revert .*\), which no longer runs\n)?$/);
    expect(r.code).toBe(0);
    expect(contents(dir)).toEqual(FILES.map(() => 'pool: 1\nhost: y\n'));
    expect(gitIn(store, ['rev-list', '--count', 'HEAD']).trim()).toBe('4');
    // The commit is the revert's, not a rollback to its target.
    expect(gitIn(store, ['log', '-1', '--format=%s']).trim()).toBe('Revert "Raise pool"');
    const trailers = gitIn(store, ['log', '-1', '--format=%(trailers:only,unfold)']);
    expect(trailers).toMatch(new RegExp(`^Reverts: ${RAISE}$`, 'm'));
    expect(trailers).not.toMatch(/Rollback-To|Cfgtrail-Revert-Target/);
    expect(cfgtrail(['status', '--exit-code'], { cwd: dir }).code).toBe(0);
  });
});
