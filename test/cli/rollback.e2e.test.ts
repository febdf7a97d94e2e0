import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, configDir, git } from '../helpers/cli.js';
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
