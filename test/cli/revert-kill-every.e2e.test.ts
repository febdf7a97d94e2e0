/**
 * A revert killed at each of its renames (files, objects, journal, refs,
 * index): afterwards `rollback --continue` (when a rollback is pending) or a
 * rerun of the revert ends in exactly one revert commit with the merged
 * files, the service restarted and checked, and no journal left behind.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';

const RAISE = 'I1111111111111111111111111111111111111111';
const FILES = ['a.yaml', 'b.yaml', 'c.conf'];
const RENAMES = 'trace=rename,renameat,renameat2';

/** Three files changed by "Raise pool" and again (elsewhere) by "Move"; a service `app` whose scripts log to $CALLS_LOG. */
function template(): string {
  const dir = tempDir('cfgtrail-revkill-tpl-');
  const script = (name: string) => {
    const p = join(dir, '..', `${dir.split('/').pop()}-${name}`);
    writeFileSync(p, `#!/bin/sh\necho ${name} >> "$CALLS_LOG"\nexit 0\n`, { mode: 0o755 });
    return p;
  };
  for (const f of FILES) writeFileSync(join(dir, f), 'pool: 1\nx: 1\ny: 1\nhost: a\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), [
    'services:',
    '  - name: app',
    '    files: ["*"]',
    `    restart: { command: ["${script('restart')}"] }`,
    `    health: [{ command: ["${script('check')}"], retries: 0 }]`,
    '',
  ].join('\n'));
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
  for (const f of FILES) writeFileSync(join(dir, f), 'pool: 2\nx: 1\ny: 1\nhost: a\n');
  expect(cfgtrail(['snapshot', '-m', 'Raise pool', '--change-id', RAISE], { cwd: dir }).code).toBe(0);
  for (const f of FILES) writeFileSync(join(dir, f), 'pool: 2\nx: 1\ny: 1\nhost: b\n');
  expect(cfgtrail(['snapshot', '-m', 'Move'], { cwd: dir }).code).toBe(0);
  return dir;
}

const ARGS = ['revert', RAISE, '--yes'];

function renames(tpl: string): number {
  const copy = tempDir('cfgtrail-revkill-count-');
  cpSync(tpl, copy, { recursive: true });
  const log = `${copy}.strace`;
  spawnSync('strace', ['-f', '-qq', '-o', log, '-e', RENAMES, process.execPath, BIN, ...ARGS], { cwd: copy, env: cliEnv({ CALLS_LOG: `${copy}.calls` }) });
  const n = readFileSync(log, 'utf8').split('\n').filter((l) => /\brename(at2?)?\(/.test(l)).length;
  rmSync(log, { force: true });
  return n;
}

describe('a revert killed at every rename', () => {
  it('ends, after --continue or a rerun, in one revert commit with the merged files, services restarted and checked', () => {
    const tpl = template();
    const total = renames(tpl);
    expect(total).toBeGreaterThan(FILES.length);
    for (let n = 1; n <= total; n++) {
      const dir = tempDir('cfgtrail-revkill-');
      cpSync(tpl, dir, { recursive: true });
      const env = { CALLS_LOG: `${dir}.calls` };
      const killed = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', RENAMES, '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${n}`,
        process.execPath, BIN, ...ARGS], { cwd: dir, env: cliEnv(env) });
      const store = join(dir, '.cfgtrail');
      const pending = /^Rollback in progress/.test(cfgtrail(['status'], { cwd: dir, env }).stdout);
      const subject = () => gitIn(store, ['log', '-1', '--format=%s']).trim();
      const finish = pending ? ['rollback', '--continue', '--yes'] : subject() === 'Revert "Raise pool"' ? null : ARGS;
      if (finish) {
        const r = cfgtrail(finish, { cwd: dir, env });
        expect({ n, killed: killed.status, finish, code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
      }
      const where = `killed at rename ${n} of ${total}${pending ? ', then --continue' : finish ? ', then a rerun' : ''}`;
      expect(FILES.map((f) => readFileSync(join(dir, f), 'utf8')), where).toEqual(FILES.map(() => 'pool: 1\nx: 1\ny: 1\nhost: b\n'));
      expect(gitIn(store, ['log', '--format=%s']).split('\n').filter((s) => s.startsWith('Revert ')), where).toEqual(['Revert "Raise pool"']);
      const calls = existsSync(env.CALLS_LOG) ? readFileSync(env.CALLS_LOG, 'utf8').split('\n').filter(Boolean) : [];
      expect(calls.includes('restart') && calls.at(-1) === 'check', `${where}: ${calls.join(',')}`).toBe(true);
      expect(existsSync(join(store, 'cfgtrail-rollback.json')), where).toBe(false);
      expect(cfgtrail(['status', '--exit-code'], { cwd: dir, env }).code, where).toBe(0);
      rmSync(env.CALLS_LOG, { force: true });
    }
  }, 300_000);
});
