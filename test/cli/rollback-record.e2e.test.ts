/**
 * What a rollback commit records about itself, read back by native git:
 * changes a file-only rollback undoes only partly, and `--force`.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, git, gitIn, tempDir } from '../helpers/cli.js';

function store(files: Record<string, string>): string {
  const dir = tempDir('cfgtrail-rbrec-');
  for (const [p, t] of Object.entries(files)) writeFileSync(join(dir, p), t);
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'base', '--change-id', 'I0000000000000000000000000000000000000b00'], { cwd: dir }).code).toBe(0);
  return dir;
}

function snapshot(dir: string, files: Record<string, string>, title: string, id: string, extra: string[] = []): void {
  for (const [p, t] of Object.entries(files)) writeFileSync(join(dir, p), t);
  const r = cfgtrail(['snapshot', '-m', title, '--change-id', id, ...extra], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

/** The trailers of HEAD as `git interpret-trailers --parse` reads them. */
function headTrailers(dir: string): string[] {
  return git(['interpret-trailers', '--parse'], undefined, gitIn(join(dir, '.cfgtrail'), ['log', '-1', '--format=%B'])).trim().split('\n');
}

const A = 'I1111111111111111111111111111111111111111';
const B = 'I2222222222222222222222222222222222222222';
const C = 'I3333333333333333333333333333333333333333';

describe('rollback records exactly what it undid', () => {
  it('a file-only rollback records changes it undoes only in some files as Partially-Rolls-Back', () => {
    const dir = store({ 'a.yaml': 'x: 1\n', 'b.yaml': 'y: 1\n', 'c.yaml': 'z: 1\n' });
    snapshot(dir, { 'a.yaml': 'x: 2\n', 'b.yaml': 'y: 2\n' }, 'a and b', A);
    snapshot(dir, { 'a.yaml': 'x: 3\n' }, 'a only', B);
    snapshot(dir, { 'c.yaml': 'z: 2\n' }, 'c only', C);
    const r = cfgtrail(['rollback', 'HEAD~3', '--file', 'a.yaml', '--yes', '-m', 'a back'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trailers = headTrailers(dir);
    expect(trailers).toContain(`Rollback-Of: ${B}`);
    expect(trailers).toContain(`Partially-Rolls-Back: ${A} (a.yaml)`);
    expect(trailers.filter((t) => t.includes(C))).toEqual([]);
    expect(trailers.filter((t) => t.startsWith(`Rollback-Of: ${A}`))).toEqual([]);
    expect(trailers.some((t) => t.startsWith('Forced'))).toBe(false);
    const body = gitIn(join(dir, '.cfgtrail'), ['log', '-1', '--format=%b']);
    expect(body).toMatch(/ a and b \(only a\.yaml\)$/m);
    // b.yaml keeps change A's edit: only a.yaml went back.
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).toBe('y: 2\n');
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('x: 1\n');
  });

  it('--force is recorded as Forced: depends-on check overridden, with the dependencies in the body', () => {
    const dir = store({ 'db.yaml': 'pool: 1\n', 'app.yaml': 'x: 1\n' });
    snapshot(dir, { 'db.yaml': 'pool: 2\n' }, 'db schema', A);
    snapshot(dir, { 'app.yaml': 'x: 2\n' }, 'app uses it', B, ['--depends-on', A]);
    const refused = cfgtrail(['rollback', 'HEAD~2', '--file', 'db.yaml', '--yes'], { cwd: dir });
    expect(refused.code).toBe(13);
    const r = cfgtrail(['rollback', 'HEAD~2', '--file', 'db.yaml', '--yes', '--force'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const trailers = headTrailers(dir);
    expect(trailers).toContain('Forced: depends-on check overridden');
    expect(trailers).toContain(`Rollback-Of: ${A}`);
    const body = gitIn(join(dir, '.cfgtrail'), ['log', '-1', '--format=%b']);
    expect(body).toMatch(new RegExp(`^- [0-9a-f]{7} ${B} app uses it depends on ${A}$`, 'm'));
  });

  it('--force without any dependency to override records nothing forced', () => {
    const dir = store({ 'db.yaml': 'pool: 1\n' });
    snapshot(dir, { 'db.yaml': 'pool: 2\n' }, 'db', A);
    expect(cfgtrail(['rollback', '--previous', '--yes', '--force'], { cwd: dir }).code).toBe(0);
    const trailers = headTrailers(dir);
    expect(trailers.some((t) => t.startsWith('Forced'))).toBe(false);
    expect(headTrailers(dir)).toContain(`Rollback-Of: ${A}`);
  });
});
