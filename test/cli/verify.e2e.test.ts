import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { parseNote, parseNoteHistory } from '../../src/core/record/verification-note.js';
import { formatVerifyReport } from '../../src/cli/format/verify.js';
import { pickServices } from '../../src/ops/pick-services.js';
import type { CheckReport } from '../../src/ops/health.js';
import { validateServices } from '../../src/ops/services-config.js';
import { cfgtrail, git, tempDir } from '../helpers/cli.js';
import { SAMPLE_SERVER, badConfig, freePort, goodConfig, writeSampleConfig } from '../helpers/sample-service.js';
import { hasSupervisord, startSupervisord } from '../helpers/supervisord.js';

/** A config dir whose config.yaml a real sample service under a real supervisord reads. */
async function setup() {
  const dir = tempDir();
  const port = await freePort();
  const configPath = join(dir, 'config.yaml');
  await writeSampleConfig(configPath, goodConfig(port));
  const sv = await startSupervisord([{ name: 'sample', command: [process.execPath, SAMPLE_SERVER, '--config', configPath] }]);
  onTestFinished(() => sv.stop());
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const store = join(dir, '.cfgtrail');
  const services = [{
    name: 'sample',
    files: ['config.yaml'],
    timeout: '8s',
    restart: { supervisor: { program: 'sample', config: sv.confPath } },
    health: [{ http: `http://127.0.0.1:${port}/health`, timeout: '1s', retries: 3 }],
  }];
  writeFileSync(join(store, 'settings.yaml'), stringify({ services }));
  expect(cfgtrail(['snapshot', '-m', 'Good config'], { cwd: dir }).code).toBe(0);
  const notes = (args: string[]) => git(['--git-dir', store, 'notes', '--ref=cfgtrail', ...args]);
  return { dir, port, configPath, sv, store, notes };
}

describe.skipIf(!hasSupervisord)('verify, restart and mark-good through bin/ with a real supervisord', () => {
  it('verify passes and records a note native git shows; --no-record records nothing', async () => {
    const { dir, port, store, notes } = await setup();
    const r = cfgtrail(['verify'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^✓ sample  http http://127\\.0\\.0\\.1:${port}/health  200 in \\d+ ms \\(1 attempt\\)$`, 'm'));
    const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    expect(r.stdout).toContain(`recorded on ${head.slice(0, 7)}`);
    const shown = notes(['show', 'HEAD']);
    expect(shown.split('\n')[0]).toBe('# cfgtrail verification: passed');
    const note = parseNote(shown)!;
    expect(note).toMatchObject({ result: 'passed', kind: 'manual', by: 'Test Operator <ops@example.com>' });
    expect(note.services[0]!.checks[0]).toMatchObject({ ok: true, attempts: 1, check: `http http://127.0.0.1:${port}/health` });

    const refBefore = git(['--git-dir', store, 'rev-parse', 'refs/notes/cfgtrail']).trim();
    const quiet = cfgtrail(['verify', '--no-record', '--json'], { cwd: dir });
    expect(quiet.code).toBe(0);
    const json = JSON.parse(quiet.stdout) as { recorded: boolean; result: string; report: { ok: boolean; passed: string[] } };
    expect(json).toMatchObject({ recorded: false, result: 'passed', report: { ok: true, passed: ['sample'] } });
    expect(git(['--git-dir', store, 'rev-parse', 'refs/notes/cfgtrail']).trim()).toBe(refBefore);
  });

  it('a bad config: restart succeeds, verify exits 12 saying why and records the failure; mark-good HEAD~1', async () => {
    const { dir, port, configPath, sv, notes } = await setup();
    await writeSampleConfig(configPath, badConfig(port));
    expect(cfgtrail(['snapshot', '-m', 'Raise pool_max'], { cwd: dir }).code).toBe(0);
    const pidBefore = (await sv.ctl(['pid', 'sample'])).stdout.trim();
    const restart = cfgtrail(['restart', 'sample'], { cwd: dir });
    expect(restart.stderr).toBe('');
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/^✓ restarted sample in \d+ ms \(supervisorctl -c \S+ restart sample\)$/m);
    expect((await sv.ctl(['pid', 'sample'])).stdout.trim()).not.toBe(pidBefore);

    const r = cfgtrail(['verify'], { cwd: dir });
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/^✗ sample  http \S+  status 500, expected 2xx \(body: pool_max 5000 is outside 1\.\.1000\) \(4 attempts\)$/m);
    expect(r.stderr).toMatch(/^cfgtrail: health verification failed: sample: .*pool_max 5000 is outside 1\.\.1000/);
    const failed = parseNote(notes(['show', 'HEAD']))!;
    expect(failed.result).toBe('failed');
    expect(failed.services[0]!.checks[0]!.attempts).toBe(4);

    const mark = cfgtrail(['mark-good', 'HEAD~1', '-m', 'checked by hand'], { cwd: dir });
    expect(mark.stderr).toBe('');
    expect(mark.code).toBe(0);
    const older = notes(['show', 'HEAD~1']);
    expect(older.split('\n')[0]).toBe('# cfgtrail verification: marked-good');
    expect(parseNoteHistory(older).map((n) => n.result)).toEqual(['marked-good']);
    expect(parseNote(older)).toMatchObject({ by: 'Test Operator <ops@example.com>', kind: 'manual', message: 'checked by hand' });
    expect(parseNote(notes(['show', 'HEAD']))!.result).toBe('failed');
  });

  it('a restart that fails exits 11 with the command, exit code and stderr', async () => {
    const { dir, configPath } = await setup();
    await writeSampleConfig(configPath, 'this is not key value\n');
    const r = cfgtrail(['restart', 'sample'], { cwd: dir });
    expect(r.code).toBe(11);
    expect(r.stderr).toMatch(/^cfgtrail: restart of sample failed: .*spawn error/m);
    expect(r.stderr).toMatch(/command: supervisorctl -c \S+ restart sample \(exit code \d+\)/);
  });

  it('unknown services are bad input; no services is nothing to verify', async () => {
    const { dir, store } = await setup();
    for (const args of [['verify', '--service', 'nope'], ['restart', 'nope']]) {
      const r = cfgtrail(args, { cwd: dir });
      expect(r.code).toBe(5);
      expect(r.stderr).toBe("cfgtrail: unknown service 'nope' (services in settings.yaml: sample)\n");
    }
    writeFileSync(join(store, 'settings.yaml'), 'services: []\n');
    const none = cfgtrail(['verify'], { cwd: dir });
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('no services configured in settings.yaml\n');
    expect(cfgtrail(['mark-good', 'HEAD~5'], { cwd: dir }).code).toBe(4);
  });
});

describe('verify output and --service mapping', () => {
  const check = (c: Partial<CheckReport> & { check: string; message: string }): CheckReport =>
    ({ ok: true, skipped: false, attempts: 1, durationMs: 12, ...c });
  it.each([
    [check({ check: 'http http://127.0.0.1:8080/health', message: 'GET http://127.0.0.1:8080/health: 200' }), '✓ myapp  http http://127.0.0.1:8080/health  200 in 12 ms (1 attempt)'],
    [check({ check: 'http http://h/health', ok: false, attempts: 5, message: 'failed after 5 attempts: GET http://h/health: status 500, expected 2xx (body: config bad)' }), '✗ myapp  http http://h/health  status 500, expected 2xx (body: config bad) (5 attempts)'],
    [check({ check: 'tcp db:5432', ok: false, attempts: 2, message: 'gave up after 2 attempts (service timeout 3000ms reached): connect db:5432: ECONNREFUSED' }), '✗ myapp  tcp db:5432  gave up after 2 attempts (service timeout 3000ms reached): ECONNREFUSED (2 attempts)'],
    [check({ check: 'command /bin/check --fast', durationMs: 40, message: '/bin/check --fast: exit 0' }), '✓ myapp  command /bin/check --fast  exit 0 in 40 ms (1 attempt)'],
    [check({ check: 'tcp db:5432', ok: false, skipped: true, attempts: 0, message: 'skipped: an earlier check failed' }), '- myapp  tcp db:5432  skipped: an earlier check failed'],
  ])('%#: one line per check', (c, line) => {
    const text = formatVerifyReport({ ok: c.ok, passed: [], failed: [], services: [{ service: 'myapp', ok: c.ok, durationMs: 1, checks: [c] }] });
    expect(text).toBe(`${line}\n`);
  });

  it('--service picks services by name, in the order given; all when none is named', () => {
    const all = validateServices(['a', 'b', 'c'].map((name) => ({ name, files: ['x'], restart: { command: ['true'] } })), { file: 'settings.yaml' });
    expect(pickServices(all, undefined).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(pickServices(all, ['c', 'a']).map((s) => s.name)).toEqual(['c', 'a']);
    expect(() => pickServices(all, ['a', 'zz'])).toThrow(expect.objectContaining({ code: 'BAD_INPUT', data: { service: 'zz' } }));
  });
});
