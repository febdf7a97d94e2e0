/**
 * A config dir watched by `cfgtrail watch`: the sample service (reloaded by
 * SIGHUP), a store whose first snapshot is verified good, and settings with a
 * `watch:` section the test writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { BIN, cfgtrail, cliEnv, tempDir } from './cli.js';
import { badConfig, goodConfig, sampleConfigText, startSampleService, writeSampleConfig, type SampleService } from './sample-service.js';

export interface Watched {
  dir: string;
  store: string;
  svc: SampleService;
  /** Writes settings.yaml: the sample service, then `watch` (YAML lines, indented under `watch:`). */
  settings(watchLines: string[], extra?: string[]): void;
  /** Snapshots the bad config and reloads the service with it. */
  breakIt(title?: string): void;
}

/** Starts the sample service on a good config, snapshots and verifies it (the last good revision). */
export async function watchedSample(): Promise<Watched> {
  const dir = tempDir('cfgtrail-watch-');
  const store = join(dir, '.cfgtrail');
  await writeSampleConfig(join(dir, 'config.yaml'), goodConfig());
  const svc = await startSampleService({ configPath: join(dir, 'config.yaml') });
  onTestFinished(svc.stop);
  const run = (args: string[]) => {
    const r = cfgtrail(args, { cwd: dir });
    if (r.code !== 0) throw new Error(`cfgtrail ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  };
  run(['init']);
  const w: Watched = {
    dir, store, svc,
    settings(watchLines, extra = []) {
      writeFileSync(join(store, 'settings.yaml'), [
        'services:',
        '  - name: sample',
        '    files: ["config.yaml"]',
        `    restart: { command: ["kill", "-HUP", "${svc.pid}"] }`,
        '    timeout: 5s',
        `    health: [{ http: "${svc.url}/health", retries: 5, timeout: 1s }]`,
        ...extra,
        'watch:',
        ...watchLines.map((l) => `  ${l}`),
        '',
      ].join('\n'));
    },
    breakIt(title = 'Raise pool_max') {
      writeFileSync(join(dir, 'config.yaml'), sampleConfigText(badConfig()));
      run(['snapshot', '-m', title]);
      process.kill(svc.pid, 'SIGHUP');
    },
  };
  w.settings(['metrics: []']);
  run(['snapshot', '-m', 'Good config']);
  run(['verify']);
  return w;
}

/** A JSON metric on the sample's `/metrics.json` (`problems` > 0 is bad). */
export function problemsMetric(svc: SampleService): string[] {
  return ['metrics:', `  - { name: problems, http: { url: "${svc.url}/metrics.json", field: problems }, max: 0 }`];
}

/** A running `cfgtrail watch` child: its JSON lines so far, and a way to wait for one. */
export interface WatchProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/** Spawns the real `bin/cfgtrail.js watch ARGS` in `dir`; killed when the test ends. */
export function spawnWatch(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): WatchProcess {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { cwd: dir, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
      for (const w of waiters.splice(0)) w();
    }
  });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  onTestFinished(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const waitFor: WatchProcess['waitFor'] = (pred, timeoutMs = 20_000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching watch line within ${timeoutMs} ms; stderr: ${err}; lines: ${JSON.stringify(lines.slice(-8))}`)), timeoutMs);
    const check = () => {
      const hit = lines.find(pred);
      if (hit) {
        clearTimeout(timer);
        resolve(hit);
      } else waiters.push(check);
    };
    check();
  });
  return { child, lines, stderr: () => err, waitFor, exited };
}

/** A real HTTP receiver on 127.0.0.1 that answers each POST with the next status of `statuses` (then 200). */
export async function receiver(statuses: number[] = []): Promise<{ url: string; bodies: { body: string; headers: IncomingMessage['headers'] }[]; server: Server }> {
  const bodies: { body: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      bodies.push({ body, headers: req.headers });
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/T000/B000`, bodies, server };
}
