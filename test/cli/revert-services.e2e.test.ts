/**
 * A revert goes through rollback's restart/verify flow: the services of the
 * files it writes are restarted and checked (scripts that log each call),
 * the verification is noted on the revert commit, and uncommitted edits are
 * snapshotted first and kept by the merge.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, git, gitIn, tempDir } from '../helpers/cli.js';

const RAISE = 'I1111111111111111111111111111111111111111';

/** A service `app` for app.yaml whose restart and check scripts log to calls.log; `checkExit` is the check's exit code. */
function setup(checkExit = 0): { dir: string; store: string; calls: () => string[] } {
  const dir = tempDir('cfgtrail-revsvc-');
  const bin = tempDir('cfgtrail-revsvc-bin-');
  const log = join(bin, 'calls.log');
  const script = (name: string, code: number) => {
    const p = join(bin, name);
    writeFileSync(p, `#!/bin/sh\necho ${name} >> '${log}'\nexit ${code}\n`, { mode: 0o755 });
    return p;
  };
  writeFileSync(join(dir, 'app.yaml'), 'pool: 20\nhost: db1\n');
  writeFileSync(join(dir, 'other.conf'), 'a\nb\nc\nd\ne\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  writeFileSync(join(store, 'settings.yaml'), [
    'services:',
    '  - name: app',
    '    files: ["app.yaml"]',
    `    restart: { command: ["${script('restart', 0)}"] }`,
    '    timeout: 10s',
    `    health: [{ command: ["${script('check', checkExit)}"], retries: 1 }]`,
    '',
  ].join('\n'));
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'app.yaml'), 'pool: 50\nhost: db1\n');
  writeFileSync(join(dir, 'other.conf'), 'A\nb\nc\nd\ne\n');
  expect(cfgtrail(['snapshot', '-m', 'Raise pool', '--change-id', RAISE], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'app.yaml'), 'pool: 50\nhost: db2\n');
  expect(cfgtrail(['snapshot', '-m', 'Move db'], { cwd: dir }).code).toBe(0);
  return { dir, store, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

interface Out {
  plan: { services: string[] };
  result: { commit: string; preRollbackCommit: string | null; restarted: { service: string; ok: boolean }[]; verification: { ok: boolean } | null };
}

describe('revert restarts and verifies like rollback', () => {
  it('restarts and checks the affected service, notes the verification, keeps an uncommitted edit', () => {
    const { dir, store, calls } = setup();
    writeFileSync(join(dir, 'other.conf'), 'A\nb\nc\nd\nE\n'); // uncommitted, away from the reverted line
    const r = cfgtrail(['revert', RAISE, '--yes', '--json', '-m', 'pool too big'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.plan.services).toEqual(['app']);
    expect(out.result.restarted).toEqual([expect.objectContaining({ service: 'app', ok: true })]);
    expect(out.result.verification?.ok).toBe(true);
    expect(calls()).toEqual(['restart', 'check']);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 20\nhost: db2\n');
    expect(readFileSync(join(dir, 'other.conf'), 'utf8')).toBe('a\nb\nc\nd\nE\n');
    // The edit was snapshotted first (the revert's parent), and the revert commit says so.
    const head = gitIn(store, ['rev-parse', 'HEAD']).trim();
    expect(out.result.commit).toBe(head);
    expect(gitIn(store, ['log', '-1', '--format=%s', 'HEAD~1']).trim()).toBe('Pre-rollback snapshot of uncommitted changes');
    const trailers = git(['interpret-trailers', '--parse'], undefined, gitIn(store, ['log', '-1', '--format=%B'])).trim().split('\n');
    expect(trailers).toEqual(expect.arrayContaining([`Reverts: ${RAISE}`, `Pre-Rollback-Snapshot: ${out.result.preRollbackCommit}`, 'Reason: pool too big']));
    const note = gitIn(store, ['notes', '--ref=cfgtrail', 'show', 'HEAD']);
    expect(note).toMatch(/^# cfgtrail verification: passed/);
    expect(cfgtrail(['status', '--exit-code'], { cwd: dir }).code).toBe(0);
  });

  it('--no-restart only checks; a failing check exits 12 with the revert recorded', () => {
    const ok = setup();
    expect(cfgtrail(['revert', RAISE, '--yes', '--no-restart'], { cwd: ok.dir }).code).toBe(0);
    expect(ok.calls()).toEqual(['check']);
    const bad = setup(1);
    const r = cfgtrail(['revert', RAISE, '--yes'], { cwd: bad.dir });
    expect(r.code).toBe(12);
    expect(bad.calls()[0]).toBe('restart');
    expect(bad.calls().slice(1).filter((c) => c !== 'check')).toEqual([]); // the check and its retry
    expect(gitIn(bad.store, ['log', '-1', '--format=%s']).trim()).toBe('Revert "Raise pool"');
    expect(r.stdout).toMatch(/Reverted [0-9a-f]{7} as commit/);
  });

  it('a revert that touches no service file restarts nothing', () => {
    const { dir, calls } = setup();
    writeFileSync(join(dir, 'other.conf'), 'A\nb\nc\nd\nx\n');
    expect(cfgtrail(['snapshot', '-m', 'tail'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['revert', 'HEAD', '--yes'], { cwd: dir }).code).toBe(0);
    expect(calls()).toEqual([]);
  });
});
