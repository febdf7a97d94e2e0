import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, FIXTURES, cfgtrail, cliEnv, configDir, git } from '../helpers/cli.js';
import { picture } from '../ops/rollback/builders.js';

function twoVersions(): string {
  const dir = configDir('example');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'one'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'config.yaml'), 'changed: true\n');
  expect(cfgtrail(['snapshot', '-m', 'two'], { cwd: dir }).code).toBe(0);
  return dir;
}

describe('cfgtrail rollback through bin/', () => {
  it('refuses without --yes when not interactive, and --dry-run changes nothing', () => {
    const dir = twoVersions();
    const before = picture(dir, '');
    const refused = cfgtrail(['rollback', '--previous'], { cwd: dir });
    expect(refused.code).toBe(13);
    expect(refused.stderr).toMatch(/without confirmation: run with --yes/);
    const dry = cfgtrail(['rollback', '--previous', '--dry-run', '--json'], { cwd: dir });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as { plan: { actions: { path: string; action: string }[]; undone: { title: string }[] }; result: null };
    expect(plan.plan.actions).toEqual([expect.objectContaining({ path: 'config.yaml', action: 'write' })]);
    expect(plan.plan.undone.map((u) => u.title)).toEqual(['two']);
    expect(plan.result).toBeNull();
    expect(picture(dir, '')).toEqual(before);
  });

  it('exits 10 when the target is already live, and 4 for an unknown revision', () => {
    const dir = twoVersions();
    const r = cfgtrail(['rollback', 'HEAD', '--yes'], { cwd: dir });
    expect(r.code).toBe(10);
    expect(r.stdout).toMatch(/nothing to do/);
    expect(cfgtrail(['rollback', 'deadbeef', '--yes'], { cwd: dir }).code).toBe(4);
    expect(git(['--git-dir', join(dir, '.cfgtrail'), 'rev-list', '--count', 'HEAD']).trim()).toBe('2');
  });
});

/** Runs the CLI on a real pseudo-terminal (util-linux `script`), typing `answer` at the prompt. */
function onTerminal(args: string[], cwd: string, answer: string): { code: number; output: string } {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, env: cliEnv(), input: answer, encoding: 'utf8' });
  return { code: r.status ?? -1, output: r.stdout };
}

describe('rollback on a terminal and under the lock', () => {
  it('shows the plan and asks on an interactive terminal; only "y" rolls back', () => {
    const dir = twoVersions();
    const before = picture(dir, '');
    const no = onTerminal(['rollback', '--previous'], dir, 'n\n');
    expect(no.output).toMatch(/Changes undone:[\s\S]*two[\s\S]*Roll back\? \[y\/N\]/);
    expect(no.output).toMatch(/rollback cancelled; nothing was changed/);
    expect(no.code).toBe(13);
    expect(picture(dir, '')).toEqual(before);
    const yes = onTerminal(['rollback', '--previous'], dir, 'y\n');
    expect(yes.code).toBe(0);
    expect(yes.output).toMatch(/Rolled back to [0-9a-f]{7} as commit/);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'example', 'config.yaml'), 'utf8'));
  });

  it('waits for the store lock, then fails with LOCKED (exit 6) and changes nothing', () => {
    const dir = twoVersions();
    const store = join(dir, '.cfgtrail');
    const settings = join(store, 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('lock_timeout: 10', 'lock_timeout: 1'));
    expect(cfgtrail(['status'], { cwd: dir }).code).toBe(0); // notes the new settings as checked (a cache file in the store)
    mkdirSync(join(store, 'cfgtrail.lock')); // held by an older cfgtrail (a fresh proper-lockfile lock directory)
    const before = picture(dir, '');
    const r = cfgtrail(['rollback', '--previous', '--yes'], { cwd: dir });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^cfgtrail: the store is locked by an older cfgtrail command \(lock directory .*cfgtrail\.lock, stale 30 s after its last refresh\) \(waited 1 s\)/);
    rmdirSync(join(store, 'cfgtrail.lock'));
    expect(picture(dir, '')).toEqual(before);
  });

  it('reads --file from the current directory as git does, and :/path from the root', () => {
    const dir = configDir('example');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['snapshot', '-m', 'one'], { cwd: dir }).code).toBe(0);
    const original = readFileSync(join(dir, 'conf.d/cache.yaml'), 'utf8');
    writeFileSync(join(dir, 'conf.d/cache.yaml'), `${original}extra: 1\n`);
    writeFileSync(join(dir, 'config.yaml'), `${readFileSync(join(dir, 'config.yaml'), 'utf8')}extra: 1\n`);
    expect(cfgtrail(['snapshot', '-m', 'two'], { cwd: dir }).code).toBe(0);
    const sub = join(dir, 'conf.d');
    const plan = JSON.parse(cfgtrail(['rollback', 'HEAD~1', '--file', 'cache.yaml', '--dry-run', '--json'], { cwd: sub }).stdout) as { plan: { files: string[] } };
    expect(plan.plan.files).toEqual(['conf.d/cache.yaml']);
    const fromRoot = JSON.parse(cfgtrail(['rollback', 'HEAD~1', '--file', ':/config.yaml', '--dry-run', '--json'], { cwd: sub }).stdout) as { plan: { files: string[] } };
    expect(fromRoot.plan.files).toEqual(['config.yaml']);
    const outside = cfgtrail(['rollback', 'HEAD~1', '--file', '../../etc/passwd', '--dry-run'], { cwd: sub });
    expect(outside.code).toBe(5);
    expect(outside.stderr).toMatch(/^cfgtrail: --file: '..\/..\/etc\/passwd' is outside the config directory/);
    const r = cfgtrail(['rollback', 'HEAD~1', '--file', 'cache.yaml', '--yes', '--no-restart', '--no-verify'], { cwd: sub });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'conf.d/cache.yaml'), 'utf8')).toBe(original);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toMatch(/extra: 1\n$/);
  });
});
