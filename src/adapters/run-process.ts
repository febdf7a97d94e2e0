/** Running a program from an argv array: no shell, bounded time, bounded output. */
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Kill the process (and its process group) after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes kept of each of stdout and stderr; the rest is dropped. @default 65536 */
  maxOutput?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed. @default stdin is /dev/null */
  input?: string;
}

export interface RunResult {
  argv: string[];
  /** null when the process did not start or ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  aborted: boolean;
  /** Why it did not start, e.g. `reload-app not found (ENOENT)`. */
  error?: string;
}

/** Time a killed process gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2_000;

/**
 * Runs `argv[0]` with `argv.slice(1)`; never throws for a failing program.
 * @example await runProcess(['systemctl', 'restart', 'nginx.service'], { timeoutMs: 30_000 })
 */
export function runProcess(argv: string[], options: RunOptions): Promise<RunResult> {
  const [file, ...args] = argv;
  const started = Date.now();
  const max = options.maxOutput ?? 65_536;
  const base = { argv, stdout: '', stderr: '', timedOut: false, aborted: false };
  if (file === undefined) return Promise.resolve({ ...base, exitCode: null, signal: null, durationMs: 0, error: 'empty command' });
  return new Promise((resolve) => {
    // detached: a process group, so a timeout also ends the program's own children.
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'] });
    if (child.stdin) {
      // A program that exits without reading its input must not fail the run with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
    const out = { stdout: '', stderr: '' };
    const collect = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (out[key].length < max) out[key] += chunk.toString('utf8').slice(0, max - out[key].length);
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => { timedOut = true; kill(); }, options.timeoutMs);
    const onAbort = () => { aborted = true; kill(); };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    let spawnError: string | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code === 'ENOENT' ? `${file} not found (ENOENT)` : `${file}: ${e.message}`;
    });
    let done = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        ...base, ...out, exitCode: spawnError ? null : exitCode, signal, durationMs: Date.now() - started, timedOut, aborted,
        ...(spawnError ? { error: spawnError } : {}),
      });
    };
    child.on('close', finish);
    // A program that starts a daemon may leave it holding our pipes: after the
    // program itself exits, wait briefly for output, then stop waiting.
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      setTimeout(() => finish(code, sig), 300).unref();
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}
