import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runProcess } from '../../src/adapters/run-process.js';

const node = process.execPath;

/** `gone`, or the state letter from /proc (Z: dead, waiting to be reaped by whoever adopted it). */
function processState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] ?? '?';
  } catch {
    return 'gone';
  }
}

describe('runProcess (real processes)', () => {
  test('captures exit code, stdout and stderr', async () => {
    const r = await runProcess([node, '-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'], { timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out', stderr: 'err', timedOut: false });
    expect(r.error).toBeUndefined();
  });

  test('passes arguments literally: no shell expansion', async () => {
    const args = ['$HOME', '`id`', '*', 'a b;c'];
    const r = await runProcess([node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...args], { timeoutMs: 10_000 });
    expect(JSON.parse(r.stdout)).toEqual(args);
  });

  test('caps captured output', async () => {
    const r = await runProcess([node, '-e', 'process.stdout.write("x".repeat(100000))'], { timeoutMs: 10_000, maxOutput: 1000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('x'.repeat(1000));
  });

  test('kills the process group on timeout, grandchildren too', async () => {
    const script = 'const c = require("child_process").spawn("sleep", ["30"], { stdio: "inherit" }); console.log(c.pid); setInterval(() => {}, 1000)';
    const r = await runProcess([node, '-e', script], { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    const grandchild = Number(r.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((res) => setTimeout(res, 200));
    expect(processState(grandchild)).toMatch(/^(gone|Z)$/);
  });

  test('does not wait for a daemon the program left holding its output', async () => {
    const script = 'require("child_process").spawn("sleep", ["5"], { stdio: "inherit", detached: true }).unref(); console.log("started")';
    const started = Date.now();
    const r = await runProcess([node, '-e', script], { timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'started\n' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  test('a missing program is reported, not thrown', async () => {
    const r = await runProcess(['/nonexistent/reload-app', '--now'], { timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: null, error: '/nonexistent/reload-app not found (ENOENT)' });
  });

  test('an abort signal stops the process', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runProcess(['sleep', '30'], { timeoutMs: 10_000, signal: ac.signal });
    expect(r).toMatchObject({ aborted: true, timedOut: false, exitCode: null, signal: 'SIGTERM' });
  });
});
