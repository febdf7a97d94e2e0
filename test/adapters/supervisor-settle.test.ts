/**
 * A supervisor restart counts only if the program is still RUNNING a settle
 * time after it first was (supervisord calls it RUNNING once it survived
 * `startsecs`; it may die right after). Real supervisord: verify-outcome.e2e.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createServiceControl } from '../../src/adapters/service-control.js';
import { validateServices } from '../../src/ops/services-config.js';
import { fakeTool } from '../helpers/fake-tool.js';

async function setup(status: { stdout: string; exit?: number }[], timeout = '10s') {
  const dir = await mkdtemp(join(tmpdir(), 'cfgtrail-settle-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const tool = await fakeTool(dir, 'supervisorctl', { restart: [{ stdout: 'app: stopped\napp: started' }], status });
  const service = validateServices([{ name: 'app', files: ['*.yaml'], restart: { supervisor: 'app' }, timeout }], { file: 'settings.yaml' })[0]!;
  return { tool, service };
}

describe('supervisor settle time', () => {
  test('RUNNING, then EXITED at the second look: the restart failed, saying both', async () => {
    const { tool, service } = await setup([{ stdout: 'app   RUNNING   pid 9, uptime 0:00:01' }, { stdout: 'app   EXITED    Nov 29 08:27 PM', exit: 3 }]);
    const started = Date.now();
    const r = await createServiceControl({ binaries: { supervisorctl: tool.path }, settleMs: 300 }).restart(service);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(r).toMatchObject({ ok: false, state: 'EXITED' });
    expect(r.message).toBe(`${tool.path} restart app: program app is RUNNING: pid 9, uptime 0:00:01, but 300ms later program app is EXITED: Nov 29 08:27 PM`);
    expect(await tool.calls()).toEqual(['restart app', 'status app', 'status app']);
  });

  test('RUNNING at both looks: ok; the settle time defaults to 1 s', async () => {
    const { tool, service } = await setup([{ stdout: 'app   RUNNING   pid 9, uptime 0:00:01' }]);
    const started = Date.now();
    const r = await createServiceControl({ binaries: { supervisorctl: tool.path } }).restart(service);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(r).toMatchObject({ ok: true, state: 'RUNNING' });
    expect((await tool.calls()).length).toBe(3);
  });

  test('the settle time never outlasts the service timeout', async () => {
    const { tool, service } = await setup([{ stdout: 'app   RUNNING   pid 9, uptime 0:00:01' }], '200ms');
    const started = Date.now();
    const r = await createServiceControl({ binaries: { supervisorctl: tool.path }, settleMs: 5_000 }).restart(service);
    expect(r.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
