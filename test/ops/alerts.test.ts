import { describe, expect, it } from 'vitest';
import { closeSync, constants, existsSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, tempDir } from '../helpers/cli.js';
import { openStore } from '../../src/core/store/open.js';
import { alertPayload, describeTarget, readAlertLog, sendAlert, type AlertPorts } from '../../src/ops/alerts.js';

function store() {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  return openStore(dir);
}

describe('alerts', () => {
  it('redacts secrets in the text and the details with the store key, as diffs do', () => {
    const s = store();
    const p = JSON.parse(alertPayload(s, {
      kind: 'verify-failed',
      summary: 'check failed: GET http://admin:hunter2hunter2@db:5432/ said 401 with token=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      details: { password: 'swordfish-99', output: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl' },
    }, Date.parse('2026-11-29T12:00:00Z'))) as Record<string, unknown>;
    const text = JSON.stringify(p);
    for (const secret of ['hunter2hunter2', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'swordfish-99', 'eyJhbGciOiJIUzI1NiJ9']) expect(text).not.toContain(secret);
    expect(text).toMatch(/<redacted:[0-9a-f]{6}>/);
    expect(p).toMatchObject({ event: 'verify-failed', at: '2026-11-29T12:00:00.000Z', config_dir: s.root });
  });

  it('retries with doubling backoff, never rejects, and logs the outcome without the webhook path', async () => {
    const s = store();
    const slept: number[] = [];
    let calls = 0;
    const ports: AlertPorts = {
      post: async () => ({ ok: ++calls >= 3, error: 'HTTP 502' }),
      run: async () => ({ ok: false, error: 'exit 1' }),
      clock: { now: () => 0, sleep: async (ms) => void slept.push(ms) },
    };
    const targets = [{ kind: 'webhook' as const, url: 'https://hooks.example.com/T000/B000/XXXXSECRET', timeoutMs: 1000 }, { kind: 'command' as const, argv: ['/usr/local/bin/page-oncall'], timeoutMs: 1000 }];
    const ds = await sendAlert(s, { kind: 'freeze', summary: 'changes frozen: incident 42' }, ports, { targets, backoffMs: 100 });
    expect(ds.map((d) => [d.target, d.ok, d.attempts, d.error])).toEqual([
      ['webhook https://hooks.example.com', true, 3, undefined],
      ['command /usr/local/bin/page-oncall', false, 5, 'exit 1'],
    ]);
    expect(slept.sort((a, b) => a - b)).toEqual([100, 100, 200, 200, 400, 800]);
    expect(readAlertLog(s.gitdir).map((d) => d.ok).sort()).toEqual([false, true]);
    expect(JSON.stringify(readAlertLog(s.gitdir))).not.toContain('SECRET');
    expect(describeTarget({ kind: 'webhook', url: 'not a url', timeoutMs: 1 })).toBe('webhook (bad url)');
  });

  it('a full log is rotated, not rewritten: a line another process appends meanwhile is kept, and both files are read back', async () => {
    const s = store();
    const log = join(s.gitdir, 'cfgtrail-alerts.log');
    const old = (i: number) => JSON.stringify({ at: `2026-11-29T00:00:${String(i % 60).padStart(2, '0')}Z`, event: 'freeze', target: 'command x', ok: true, attempts: 1, n: i });
    writeFileSync(log, Array.from({ length: 3000 }, (_, i) => `${old(i)}\n`).join(''));
    expect(statSync(log).size).toBeGreaterThan(256 * 1024);
    // another process that opened the log (O_APPEND) before this one rotates it
    const other = openSync(log, constants.O_WRONLY | constants.O_APPEND);
    const ports: AlertPorts = { post: async () => ({ ok: true }), run: async () => ({ ok: true }), clock: { now: () => 0, sleep: async () => {} } };
    await sendAlert(s, { kind: 'unfreeze', summary: 'changes unfrozen' }, ports, { targets: [{ kind: 'command', argv: ['/bin/true'], timeoutMs: 1000 }] });
    writeSync(other, `${JSON.stringify({ at: '2026-11-29T01:00:00Z', event: 'freeze', target: 'command other', ok: false, attempts: 5 })}\n`);
    closeSync(other);
    expect(existsSync(`${log}.1`)).toBe(true);
    expect(statSync(log).size).toBeLessThan(1024);
    const targets = readAlertLog(s.gitdir, 5000).map((d) => d.target);
    expect(targets).toContain('command other');
    expect(targets).toContain('command /bin/true');
    expect(targets.filter((t) => t === 'command x')).toHaveLength(3000);
  });
});
