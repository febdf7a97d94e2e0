import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BIN, cfgtrail, tempDir } from '../helpers/cli.js';
import { hasSupervisord, startSupervisord } from '../helpers/supervisord.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const hasAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).error === undefined;
if (!hasAnalyze) console.log('skipping the systemd unit check: no systemd-analyze');

/** A config dir with a store and one metric that is always fine. */
function watchedDir(): string {
  const dir = tempDir('cfgtrail-watchsvc-');
  writeFileSync(join(dir, 'app.yaml'), 'a: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, '.cfgtrail/settings.yaml'), 'watch:\n  interval: 200ms\n  grace: 0s\n  metrics: [{ name: up, command: ["echo", "1"], min: 1 }]\n');
  expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
  return dir;
}

describe('examples: running the watcher as a service', () => {
  it.skipIf(!hasAnalyze)('the systemd unit passes systemd-analyze verify', () => {
    const dir = tempDir();
    const unit = readFileSync(join(EXAMPLES, 'cfgtrail-watch@.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/cfgtrail -C %f watch$/m);
    const file = join(dir, 'cfgtrail-watch@etc-myapp.service');
    writeFileSync(file, unit.replaceAll('/usr/local/bin/cfgtrail', BIN));
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasSupervisord)('the supervisord snippet runs the watcher, and a stop is a clean exit 0', async () => {
    const dir = watchedDir();
    const logs = tempDir();
    mkdirSync(join(logs, 'cfgtrail'));
    const text = readFileSync(join(EXAMPLES, 'supervisord-cfgtrail-watch.conf'), 'utf8')
      .replaceAll('/usr/local/bin/cfgtrail', `${process.execPath} ${BIN}`)
      .replaceAll('/etc/myapp', dir)
      .replaceAll('/var/log', logs);
    const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith(';'));
    expect(lines[0]).toBe('[program:cfgtrail-watch-myapp]');
    const sv = await startSupervisord([{ name: 'cfgtrail-watch-myapp', command: [], section: lines.slice(1).filter((l) => !(l.startsWith('user=') && process.getuid?.() !== 0)) }]);
    try {
      const jsonl = join(logs, 'cfgtrail/myapp-watch.jsonl');
      const deadline = Date.now() + 10_000;
      while (!readFileSync(jsonl, { encoding: 'utf8', flag: 'a+' }).includes('"verdict":"ok"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(readFileSync(jsonl, 'utf8')).toMatch(/"type":"sample".*"verdict":"ok"/);
      const stop = await sv.ctl(['stop', 'cfgtrail-watch-myapp']);
      expect(stop.stdout).toMatch(/stopped/);
      expect((await sv.ctl(['status', 'cfgtrail-watch-myapp'])).stdout).toMatch(/STOPPED/);
      expect(readFileSync(jsonl, 'utf8')).toMatch(/"type":"stop".*"signal":"SIGTERM"/);
      expect(readFileSync(join(sv.dir, 'supervisord.log'), 'utf8')).toMatch(/stopped: cfgtrail-watch-myapp \(exit status 0\)/);
    } finally {
      await sv.stop();
    }
  });
});
