import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { parseNote } from '../../src/core/record/verification-note.js';
import { cfgtrail, git, tempDir } from '../helpers/cli.js';
import { SAMPLE_SERVER, badConfig, freePort, goodConfig, writeSampleConfig } from '../helpers/sample-service.js';
import { hasSupervisord, startSupervisord } from '../helpers/supervisord.js';

/**
 * `supervisorctl restart` of a STOPPED program prints "ERROR (not running)" and
 * then "started", exits 0, and the program is RUNNING: cfgtrail must judge the
 * restart by that state, so the rollback passes and `--last-good` trusts it.
 */
describe.skipIf(!hasSupervisord)('rollback restarts a STOPPED supervisord program (through bin/)', () => {
  it('exits 0, records a passed note, and --last-good then picks that revision', async () => {
    const dir = tempDir('cfgtrail-rbstate-');
    const port = await freePort();
    const configPath = join(dir, 'config.yaml');
    await writeSampleConfig(configPath, goodConfig(port));
    const sv = await startSupervisord([{ name: 'sample', command: [process.execPath, SAMPLE_SERVER, '--config', configPath] }]);
    onTestFinished(() => sv.stop());
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const store = join(dir, '.cfgtrail');
    writeFileSync(join(store, 'settings.yaml'), stringify({
      services: [{
        name: 'sample', files: ['config.yaml'], timeout: '8s',
        restart: { supervisor: { program: 'sample', config: sv.confPath } },
        health: [{ http: `http://127.0.0.1:${port}/health`, timeout: '1s', retries: 4 }],
      }],
    }));
    expect(cfgtrail(['snapshot', '-m', 'Good config'], { cwd: dir }).code).toBe(0);
    await writeSampleConfig(configPath, { ...goodConfig(port), pool_max: 50 });
    expect(cfgtrail(['snapshot', '-m', 'Smaller pool'], { cwd: dir }).code).toBe(0);

    // Someone stopped the program (maintenance, a crash handled by hand).
    expect((await sv.ctl(['stop', 'sample'])).stdout).toBe('sample: stopped\n');

    const r = cfgtrail(['rollback', '--previous', '--yes', '-m', 'back to the good pool'], { cwd: dir });
    expect(r.stdout).not.toMatch(/Restart FAILED/);
    expect(r.stdout).toMatch(/^Verified sample: healthy\.$/m);
    expect(r.code).toBe(0);
    expect((await sv.ctl(['status', 'sample'])).stdout).toMatch(/^sample\s+RUNNING/);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    const rollbackCommit = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    const note = parseNote(git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'show', 'HEAD']))!;
    expect(note.result).toBe('passed');
    expect(note.services[0]).toMatchObject({ name: 'sample', ok: true, restart: { ok: true, exitCode: 0 } });
    expect(note.services[0]!.restart!.message).toMatch(/restart sample: ok, program sample is RUNNING/);

    // A bad change later: --last-good goes back to the rollback's revision, not past it.
    await writeSampleConfig(configPath, badConfig(port));
    expect(cfgtrail(['snapshot', '-m', 'Raise pool_max'], { cwd: dir }).code).toBe(0);
    const plan = cfgtrail(['rollback', '--last-good', '--dry-run', '--json'], { cwd: dir });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect((JSON.parse(plan.stdout) as { plan: { target: { commit: string } } }).plan.target.commit).toBe(rollbackCommit);
  });
});
