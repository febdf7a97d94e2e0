/**
 * The sample service (fixtures/sample-service/server.mjs): write a good or bad
 * config for it and run it on 127.0.0.1. Callers stop it, e.g. `onTestFinished(svc.stop)`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Absolute path of the sample server script. */
export const SAMPLE_SERVER = fileURLToPath(new URL('../../fixtures/sample-service/server.mjs', import.meta.url));

export interface SampleConfig { name?: string; port?: number; mode?: string; pool_max?: number }

/** `key: value` lines; keys given as undefined are left out (e.g. a missing `name` is a bad config). */
export function sampleConfigText(config: SampleConfig): string {
  return Object.entries(config).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}\n`).join('');
}

/** A config the service reports healthy with. */
export function goodConfig(port = 0): SampleConfig {
  return { name: 'sample', port, mode: 'normal', pool_max: 10 };
}

/** A config that parses but makes /health answer 500 (`pool_max` out of range). */
export function badConfig(port = 0): SampleConfig {
  return { name: 'sample', port, mode: 'normal', pool_max: 5000 };
}

/** Writes `config` (an object, or raw text for unparseable cases) to `path`. */
export async function writeSampleConfig(path: string, config: SampleConfig | string): Promise<void> {
  await writeFile(path, typeof config === 'string' ? config : sampleConfigText(config));
}

/** A port that was free a moment ago (for programs that must be told their port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface SampleService {
  port: number;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the service and resolves once it listens; rejects with its stderr if it exits first. */
export function startSampleService(options: { configPath: string; port?: number; pidfile?: string }): Promise<SampleService> {
  const args = [SAMPLE_SERVER, '--config', options.configPath];
  if (options.port !== undefined) args.push('--port', String(options.port));
  if (options.pidfile) args.push('--pidfile', options.pidfile);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /listening (\d+)/.exec(stdout);
      if (m) {
        const port = Number(m[1]);
        resolve({ port, pid: child.pid as number, url: `http://127.0.0.1:${port}`, child, stop });
      }
    });
    child.once('exit', (code) => reject(new Error(`sample service exited ${code} before listening: ${stderr}`)));
  });
}
