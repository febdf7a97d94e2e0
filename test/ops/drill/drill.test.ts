import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { applyDrillPatch, parseSetArg, patchTarget, setField } from '../../../src/ops/drill/change.js';
import { planDrill } from '../../../src/ops/drill/plan.js';
import { runDrill } from '../../../src/ops/drill/run.js';
import { drillHistory } from '../../../src/ops/drill/history.js';
import type { Clock, HealthProbe, ServiceControl } from '../../../src/ops/ports.js';
import type { ServiceConfig } from '../../../src/ops/services-config.js';
import { drillTimelineSvg } from '../../../src/cli/format/drill-html.js';
import { drillReportMarkdown } from '../../../src/cli/format/drill-report.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { caught } from '../../helpers/errors.js';
import { tempDir } from '../../helpers/cli.js';
import { author, snap, storeWith } from '../rollback/builders.js';

describe('the bad change as a text edit', () => {
  it('sets one field and keeps every other byte', () => {
    const text = '# db settings\ndatabase:\n  pool: { min: 1, max: 10 }   # tuned 2026-10\n  host: "db-1"\nname: x\n';
    expect(setField(text, ['database', 'pool', 'max'], 1000, 'core', 'f')).toBe(text.replace('max: 10', 'max: 1000'));
    expect(setField('a: 1 # keep\nb: 2\n', ['b'], 'broken', 'core', 'f')).toBe('a: 1 # keep\nb: broken\n');
    expect(setField('a: 1\n', ['c'], 3, 'core', 'f')).toBe('a: 1\nc: 3\n');
    expect(isCfgtrailError(caught(() => setField('a: [1\n', ['a'], 1, 'core', 'f')), 'PARSE_ERROR')).toBe(true);
    // a path through a scalar (a is 1): refused with one line, not an internal error
    expect(isCfgtrailError(caught(() => setField('a: 1\n', ['a', 'b', 'c'], 1, 'core', 'f')), 'BAD_INPUT')).toBe(true);
    expect(isCfgtrailError(caught(() => setField('a: [1, 2]\n', ['a', 'x'], 1, 'core', 'f')), 'BAD_INPUT')).toBe(true);
  });

  it('reads --set values as YAML and refuses malformed ones', () => {
    expect(parseSetArg('database.pool.max=1000')).toEqual({ path: ['database', 'pool', 'max'], value: 1000, text: '1000' });
    expect(parseSetArg('mode=broken').value).toBe('broken');
    expect(parseSetArg('url=http://x/?a=b').value).toBe('http://x/?a=b');
    expect(parseSetArg('empty=').value).toBe('');
    for (const bad of ['pool_max', '=1', 'a..b=1', '.a=1']) expect(isCfgtrailError(caught(() => parseSetArg(bad)), 'BAD_INPUT')).toBe(true);
  });

  it('applies a one-file unified diff made by git', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'name: s\npool_max: 10\n');
    writeFileSync(join(dir, 'b.yaml'), 'name: s\npool_max: 5000\n');
    // git diff --no-index exits 1 when the files differ: the patch is its stdout.
    const patch = spawnSync('git', ['diff', '--no-index', '--', 'a.yaml', 'b.yaml'], { cwd: dir, encoding: 'utf8' }).stdout
      .replace(/a\/a\.yaml/g, 'a/config.yaml').replace(/b\/b\.yaml/g, 'b/config.yaml');
    expect(patchTarget(patch, 'p')).toBe('config.yaml');
    expect(applyDrillPatch('name: s\npool_max: 10\n', patch, 'p')).toBe('name: s\npool_max: 5000\n');
    expect(isCfgtrailError(caught(() => applyDrillPatch('name: t\n', patch, 'p')), 'BAD_INPUT')).toBe(true);
  });
});

/**
 * A fake service for the decision logic: it is "unhealthy" while the live
 * config says pool_max 5000 (read from the real file), and a virtual clock
 * that advances by what is slept and 20 ms per probe.
 */
function fakeWorld(dir: string, opts: { restartFails?: boolean } = {}) {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async (ms) => { now += ms; } };
  const probe: HealthProbe = {
    check: async () => {
      now += 20;
      const bad = /pool_max: 5000/.test(readFileSync(join(dir, 'config.yaml'), 'utf8'));
      return { ok: !bad, message: bad ? 'GET /health: status 500 <script>alert(1)</script>' : 'GET /health: 200', durationMs: 20 };
    },
  };
  const restarts: string[] = [];
  const control: ServiceControl = {
    restart: async (s) => {
      now += 100;
      restarts.push(s.name);
      const ok = !(opts.restartFails && /pool_max: 5000/.test(readFileSync(join(dir, 'config.yaml'), 'utf8')));
      return { ok, command: ['fake'], stdout: '', stderr: '', exitCode: ok ? 0 : 1, durationMs: 100, message: ok ? 'restarted' : 'exited at once' };
    },
  };
  return { clock, probe, control, restarts, advance: (ms: number) => { now += ms; } };
}

const service: ServiceConfig = { name: 'app', files: ['config.yaml'], restart: { kind: 'command', argv: ['true'] }, timeoutMs: 5_000, health: [{ kind: 'http', url: 'http://127.0.0.1:1/health', timeoutMs: 1_000, retries: 0 }] };

async function drillStore() {
  const original = 'name: s # the service\npool_max: 10\n';
  const { dir, store } = await storeWith({ 'config.yaml': original });
  await snap(dir, 'Good config');
  return { dir, store, original };
}

describe('runDrill (fake service, virtual clock)', () => {
  it('measures detection and recovery on the injected clock and restores the file', async () => {
    const { dir, store, original } = await drillStore();
    const w = fakeWorld(dir);
    const plan = planDrill(store(), { set: 'pool_max=5000', timeoutMs: 10_000, services: [service] });
    const r = await runDrill(store(), plan, { ...w, author });
    expect(r.outcome).toBe('passed');
    // apply, then a 100 ms restart, then the first probe (20 ms) fails.
    expect(r.detectMs).toBe(120);
    expect(r.detectedBy).toMatch(/^app: GET \/health: status 500/);
    expect(r.recoverMs).toBeGreaterThanOrEqual(120); // restart + one passing verification probe
    expect(r.restored).toBe(true);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
    expect(w.restarts).toEqual(['app', 'app']);
    expect(drillHistory(store()).map((h) => [h.id, h.outcome, h.detectMs])).toEqual([[plan.id, 'passed', 120]]);
    // Service text in the report is escaped, never markup.
    expect(drillTimelineSvg(r)).not.toContain('<script>');
    expect(drillTimelineSvg(r)).toContain('&#60;script&#62;');
    expect(drillReportMarkdown(r)).toMatch(/\| time to detect \| 120 ms \| 1 min \| pass \|/);
  });

  it('a restart that fails is the detection', async () => {
    const { dir, store } = await drillStore();
    const w = fakeWorld(dir, { restartFails: true });
    const r = await runDrill(store(), planDrill(store(), { set: 'pool_max=5000', timeoutMs: 10_000, services: [service] }), { ...w, author });
    expect(r.detectedBy).toBe('restart of app failed: exited at once');
    expect(r.detectMs).toBe(100);
    expect(r.phases.map((p) => p.phase)).toEqual(['apply', 'restart', 'rollback', 'record']);
    expect(r.outcome).toBe('passed');
  });

  it('an abort before the change leaves everything as it was and records the drill as interrupted', async () => {
    const { dir, store, original } = await drillStore();
    const w = fakeWorld(dir);
    const ac = new AbortController();
    ac.abort();
    const plan = planDrill(store(), { set: 'pool_max=5000', timeoutMs: 10_000, services: [service] });
    const r = await runDrill(store(), plan, { ...w, author, signal: ac.signal });
    expect(r.outcome).toBe('interrupted');
    expect(r.commits.drill).toBeNull();
    expect(w.restarts).toEqual([]);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
  });

  it('a change the checks never see fails the drill after the timeout and is rolled back', async () => {
    const { dir, store, original } = await drillStore();
    const w = fakeWorld(dir);
    const r = await runDrill(store(), planDrill(store(), { set: 'name=other', timeoutMs: 2_000, services: [service] }), { ...w, author });
    expect(r.outcome).toBe('failed');
    expect(r.detectMs).toBeNull();
    expect(r.problems).toEqual(['the bad change was not detected within 2 s']);
    expect(r.phases.map((p) => p.phase)).toEqual(['apply', 'restart', 'detect', 'restore', 'record']);
    expect(r.restored).toBe(true);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(original);
  });

  it('drift is snapshotted first, and the drift is what comes back', async () => {
    const { dir, store } = await drillStore();
    const drifted = 'name: s # edited by hand\npool_max: 10\n';
    writeFileSync(join(dir, 'config.yaml'), drifted);
    const w = fakeWorld(dir);
    const plan = planDrill(store(), { set: 'pool_max=5000', timeoutMs: 10_000, services: [service] });
    expect(plan.drift).toBe(true);
    const r = await runDrill(store(), plan, { ...w, author });
    expect(r.phases[0]!.phase).toBe('snapshot');
    expect(r.commits.original).not.toBe(plan.head);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(drifted);
  });

  it('refuses files no service uses and services without checks', async () => {
    const { store } = await drillStore();
    expect(isCfgtrailError(caught(() => planDrill(store(), { set: 'pool_max=5000', timeoutMs: 1, services: [] })), 'REFUSED')).toBe(true);
    expect(isCfgtrailError(caught(() => planDrill(store(), { set: 'pool_max=5000', timeoutMs: 1, services: [{ ...service, health: [] }] })), 'REFUSED')).toBe(true);
  });

  it('refuses a file that is a symbolic link (the drill would write through it)', async () => {
    const { dir, store } = await storeWith({ 'real.yaml': 'pool_max: 10\n' });
    symlinkSync('real.yaml', join(dir, 'config.yaml'));
    await snap(dir, 'With a link');
    const e = caught(() => planDrill(store(), { set: 'pool_max=5000', file: 'config.yaml', timeoutMs: 1, services: [service] }));
    expect(isCfgtrailError(e, 'BAD_INPUT') && e.message).toBe('config.yaml is a symbolic link: a drill changes the file itself');
  });
});
