/**
 * The README's pre-deploy script, run exactly as written by bash, with a
 * stand-in `deploy` (no real deployment target exists here): when deploy
 * fails, the change just recorded is rolled back; when it succeeds, it stays.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';

/** The script from the README's `cfgtrail check` section, byte for byte. */
const SCRIPT = 'cfgtrail check && cfgtrail snapshot -m "$TITLE" --change-id "$CHG" && deploy || cfgtrail rollback --previous --yes';
/** The README's stricter form: only a failed deploy rolls back. */
const STRICT = 'cfgtrail check || exit\ncfgtrail snapshot -m "$TITLE" --change-id "$CHG" || exit\ndeploy || cfgtrail rollback --previous --yes';

/** A config dir with a first snapshot, and `cfgtrail` and a stand-in `deploy` (this body) on PATH. */
function workspace(deployBody: string): { dir: string; gitdir: string; env: NodeJS.ProcessEnv } {
  const top = tempDir('cfgtrail-predeploy-');
  const dir = join(top, 'config');
  const bin = join(top, 'bin');
  mkdirSync(dir);
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, 'cfgtrail'));
  writeFileSync(join(bin, 'deploy'), `#!/bin/sh\n${deployBody}\n`);
  chmodSync(join(bin, 'deploy'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  writeFileSync(join(dir, 'config.yaml'), 'pool: 20\n');
  expect(cfgtrail(['init'], { cwd: dir, env }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'Initial config'], { cwd: dir, env }).code).toBe(0);
  return { dir, gitdir: join(dir, '.cfgtrail'), env };
}

function run(deployExit: number): { dir: string; gitdir: string; r: ReturnType<typeof spawnSync> } {
  // Stand-in for the real deploy step: reads the config it would ship, then exits as told.
  const { dir, gitdir, env } = workspace(`grep -q 'pool: 50' config.yaml || exit 99\necho "deploying..."\nexit ${deployExit}`);
  writeFileSync(join(dir, 'config.yaml'), 'pool: 50\n');
  const r = spawnSync('bash', ['-c', SCRIPT], { cwd: dir, env: cliEnv({ ...env, TITLE: 'Raise pool for the sale', CHG: 'I0123456789abcdef' }), encoding: 'utf8' });
  return { dir, gitdir, r };
}

describe('the README pre-deploy script', () => {
  it('the README shows this very script', () => {
    expect(readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8')).toContain(SCRIPT);
  });

  it('a failed deploy rolls the recorded change back', () => {
    const { dir, gitdir, r } = run(1);
    expect(r.status).toBe(0); // the rollback succeeded
    expect(r.stdout).toContain('deploying...');
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('pool: 20\n');
    const log = gitIn(gitdir, ['log', '--format=%s', '-3']).split('\n');
    expect(log[1]).toBe('Raise pool for the sale');
    expect(gitIn(gitdir, ['log', '-1', '--format=%(trailers:key=Rollback-Of,valueonly)']).trim()).toBe('I0123456789abcdef');
  });

  it('a good deploy keeps it', () => {
    const { dir, gitdir, r } = run(0);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('pool: 50\n');
    expect(gitIn(gitdir, ['log', '-1', '--format=%s%n%(trailers:key=Change-Id,valueonly)']).trim()).toBe('Raise pool for the sale\nI0123456789abcdef');
  });

  it('the README warns that `a && b && c || d` also rolls back when check fails; its stricter script stops instead', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(STRICT);
    const { dir, env } = workspace('exit 1');
    writeFileSync(join(dir, 'config.yaml'), 'pool: 30\n');
    expect(cfgtrail(['snapshot', '-m', 'Earlier change'], { cwd: dir, env }).code).toBe(0);
    expect(cfgtrail(['freeze', '--reason', 'incident'], { cwd: dir, env }).code).toBe(0);
    writeFileSync(join(dir, 'config.yaml'), 'pool: 50\n');
    const scriptEnv = cliEnv({ ...env, TITLE: 'During the freeze', CHG: 'I0123456789abcdef' });
    const r = spawnSync('bash', ['-c', STRICT], { cwd: dir, env: scriptEnv, encoding: 'utf8' });
    expect(r.status).toBe(15);
    expect(r.stdout).toMatch(/^fail  freeze /m);
    expect(gitIn(join(dir, '.cfgtrail'), ['log', '-1', '--format=%s'])).toBe('freeze: incident\n');
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('pool: 50\n');
    // the one-line form runs its `|| rollback` when check fails: the earlier change is undone
    const loose = spawnSync('bash', ['-c', SCRIPT], { cwd: dir, env: scriptEnv, encoding: 'utf8' });
    expect(loose.status).toBe(0);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('pool: 20\n');
  });
});
