// Decision logic only, with a scripted ServiceControl; real restarts are tested
// in test/adapters/service-control.test.ts and supervisor.test.ts.
import { describe, expect, test } from 'vitest';
import type { RestartResult, ServiceControl, ServiceEvent } from '../../src/ops/ports.js';
import { restartServices } from '../../src/ops/restart.js';
import { validateServices } from '../../src/ops/services-config.js';

const services = validateServices(
  ['web', 'db', 'cache'].map((name) => ({ name, files: [`${name}.yaml`], restart: { docker: name } })),
  { file: 's.yaml' },
);

function result(ok: boolean, message: string): RestartResult {
  return { ok, command: ['docker', 'restart', 'x'], stdout: '', stderr: '', exitCode: ok ? 0 : 1, durationMs: 3, message };
}

describe('restartServices', () => {
  test('one at a time, in order, going on after a failure', async () => {
    const order: string[] = [];
    let running = 0;
    const control: ServiceControl = {
      async restart(service) {
        running++;
        expect(running).toBe(1);
        order.push(service.name);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (service.name === 'db') throw new Error('socket hang up');
        return result(service.name !== 'web', `${service.name} done`);
      },
    };
    const events: ServiceEvent[] = [];
    const report = await restartServices(services, { control, onEvent: (e) => events.push(e) });
    expect(order).toEqual(['web', 'db', 'cache']);
    expect(report.ok).toBe(false);
    expect(report.results.map((r) => [r.service, r.result.ok, r.result.message])).toEqual([
      ['web', false, 'web done'], ['db', false, 'socket hang up'], ['cache', true, 'cache done'],
    ]);
    expect(events.map((e) => `${e.phase} ${e.service}`)).toEqual([
      'restart-start web', 'restart-done web', 'restart-start db', 'restart-done db', 'restart-start cache', 'restart-done cache',
    ]);
  });

  test('all restarted: ok', async () => {
    const control: ServiceControl = { restart: async (s) => result(true, `${s.name} ok`) };
    const report = await restartServices(services, { control });
    expect(report.ok).toBe(true);
    expect(report.results.every((r) => r.result.ok)).toBe(true);
  });
});
