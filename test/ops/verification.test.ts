import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createHealthProbe } from '../../src/adapters/health-probe.js';
import { realClock } from '../../src/adapters/real-clock.js';
import { createServiceControl } from '../../src/adapters/service-control.js';
import { BugError } from '../../src/core/errors.js';
import { syncIndex } from '../../src/core/audit/index-sync.js';
import { lastGoodCommit, readVerificationNote } from '../../src/core/audit/verification-notes.js';
import { parseNote } from '../../src/core/record/verification-note.js';
import { withStoreLock } from '../../src/core/store/lock.js';
import { initStore } from '../../src/core/store/init.js';
import { openStore, type Store } from '../../src/core/store/open.js';
import { writeSnapshot } from '../../src/core/store/snapshot.js';
import type { ServiceEvent } from '../../src/ops/ports.js';
import { validateServices } from '../../src/ops/services-config.js';
import { markGood, verifyAndRecord } from '../../src/ops/verification.js';
import { git, tempDir } from '../helpers/cli.js';

const AUTHOR = { name: 'Test Operator', email: 'ops@example.com' };
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

async function storeWithCommits(n: number, settings = ''): Promise<{ store: Store; commits: string[]; dir: string }> {
  const dir = tempDir();
  await initStore(dir);
  if (settings) writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), settings);
  const commits: string[] = [];
  for (let i = 0; i < n; i++) {
    writeFileSync(join(dir, 'app.yaml'), `pool: ${i}\n`);
    commits.push((await writeSnapshot(openStore(dir), { title: `change ${i}`, trailers: [], author: AUTHOR, now: () => NOW + i * 1000 })).commit!);
  }
  return { store: openStore(dir), commits, dir };
}

/** A real HTTP health endpoint whose status the test sets. */
async function healthServer(): Promise<{ url: string; setStatus(s: number): void }> {
  let status = 200;
  const server: Server = createServer((_req, res) => res.writeHead(status).end(status === 200 ? 'ok' : 'pool too big'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/health`, setStatus: (s) => { status = s; } };
}

function service(url: string, restartArgv: string[]) {
  return validateServices(
    [{ name: 'api', files: ['app.yaml'], timeout: '3s', restart: { command: restartArgv }, health: [{ http: url, timeout: '500ms', retries: 1 }] }],
    { file: 'settings.yaml' },
  );
}

const ports = () => ({ probe: createHealthProbe(), clock: realClock, control: createServiceControl() });

describe('verifyAndRecord with real processes, a real HTTP server and a real store', () => {
  it('restarts, verifies and records a passing note that native git shows', async () => {
    const { store, commits, dir } = await storeWithCommits(1);
    const { url } = await healthServer();
    const marker = join(dir, 'restarted');
    const services = service(url, [process.execPath, '-e', `require('fs').appendFileSync(${JSON.stringify(marker)}, 'x')`]);
    const events: ServiceEvent['phase'][] = [];
    const out = await verifyAndRecord(store, commits[0]!, {
      services, ...ports(), restart: true, kind: 'rollback', author: AUTHOR, now: () => NOW, onEvent: (e) => events.push(e.phase),
    });
    expect(readFileSync(marker, 'utf8')).toBe('x');
    expect(events).toEqual(['restart-start', 'restart-done', 'verify-start', 'check-attempt', 'verify-done']);
    const check = out.report.services[0]!.checks[0]!;
    const restart = out.restart!.results[0]!.result;
    expect(out.note).toEqual({
      result: 'passed',
      at: new Date(NOW).toISOString(),
      by: 'Test Operator <ops@example.com>',
      kind: 'rollback',
      services: [{
        name: 'api',
        ok: true,
        restart: { ok: true, command: restart.command, exitCode: 0, durationMs: restart.durationMs, message: restart.message },
        checks: [{ check: `http ${url}`, ok: true, attempts: 1, durationMs: check.durationMs, message: `GET ${url}: 200` }],
      }],
    });
    expect(readVerificationNote(store, commits[0]!)).toEqual(out.note);
    expect(parseNote(git(['--git-dir', store.gitdir, 'notes', '--ref=cfgtrail', 'show', commits[0]!]))).toEqual(out.note);
  });

  it('an unhealthy service is a failed note, not a throw', async () => {
    const { store, commits } = await storeWithCommits(1);
    const { url, setStatus } = await healthServer();
    setStatus(500);
    const out = await verifyAndRecord(store, commits[0]!, { services: service(url, ['true']), ...ports(), restart: false, kind: 'snapshot' });
    expect(out.restart).toBeUndefined();
    expect(out.report.ok).toBe(false);
    expect(out.note.result).toBe('failed');
    expect(out.note.services[0]!.restart).toBeUndefined();
    expect(out.note.services[0]!.checks[0]).toMatchObject({ ok: false, attempts: 2 });
    expect(out.note.services[0]!.checks[0]!.message).toContain('status 500, expected 2xx (body: pool too big)');
    expect(readVerificationNote(store, commits[0]!)?.result).toBe('failed');
  });

  it('a failed restart fails the service even when its old process still answers; stderr is kept', async () => {
    const { store, commits } = await storeWithCommits(1);
    const { url } = await healthServer();
    const services = service(url, [process.execPath, '-e', "process.stderr.write('reload refused'); process.exit(3)"]);
    const out = await verifyAndRecord(store, commits[0]!, { services, ...ports(), restart: true, kind: 'rollback' });
    expect(out.report.ok).toBe(true);
    expect(out.note.result).toBe('failed');
    expect(out.note.services[0]).toMatchObject({ ok: false, restart: { ok: false, exitCode: 3, stderr: 'reload refused' } });
  });

  it('records nothing for commit null; needs a ServiceControl to restart', async () => {
    const { store } = await storeWithCommits(1);
    const { url } = await healthServer();
    const out = await verifyAndRecord(store, null, { services: service(url, ['true']), ...ports(), restart: false, kind: 'manual' });
    expect(out.note.result).toBe('passed');
    expect(() => git(['--git-dir', store.gitdir, 'rev-parse', '--verify', '-q', 'refs/notes/cfgtrail'])).toThrow();
    const { probe, clock } = ports();
    await expect(verifyAndRecord(store, null, { services: service(url, ['true']), probe, clock, restart: true, kind: 'manual' })).rejects.toBeInstanceOf(BugError);
  });

  it('waits for the store lock and fails with LOCKED when it is held too long', async () => {
    const { store, commits } = await storeWithCommits(1, 'lock_timeout: 0.3\n');
    const { url } = await healthServer();
    let release!: () => void;
    const held = withStoreLock(store.gitdir, { timeoutMs: 1000 }, () => new Promise<void>((r) => { release = r; }));
    await new Promise((r) => setTimeout(r, 50));
    const attempt = verifyAndRecord(store, commits[0]!, { services: service(url, ['true']), ...ports(), restart: false, kind: 'manual' });
    await expect(attempt).rejects.toMatchObject({ code: 'LOCKED' });
    release();
    await held;
    expect(readVerificationNote(store, commits[0]!)).toBeNull();
  });

  it('markGood makes a revision the last good one', async () => {
    const { store, commits } = await storeWithCommits(3);
    const { url, setStatus } = await healthServer();
    setStatus(503);
    await verifyAndRecord(store, commits[2]!, { services: service(url, ['true']), ...ports(), restart: false, kind: 'snapshot' });
    expect(lastGoodCommit(store, syncIndex(store, { persist: false }))).toBeNull();
    const note = await markGood(store, commits[0]!, { author: AUTHOR, now: () => NOW, message: 'ran the smoke tests' });
    expect(note).toEqual({ result: 'marked-good', at: new Date(NOW).toISOString(), by: 'Test Operator <ops@example.com>', kind: 'manual', services: [], message: 'ran the smoke tests' });
    expect(lastGoodCommit(store, syncIndex(store, { persist: false }))).toBe(commits[0]);
  });
});
