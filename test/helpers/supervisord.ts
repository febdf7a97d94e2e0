/**
 * A real supervisord (Debian package `supervisor`) in a temp dir with its own
 * config, unix socket and pidfile, run in the foreground as our child so that
 * `stop()` (and, as a last resort, our own exit) ends it and its programs.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SupervisorProgram {
  name: string;
  command: string[];
  /** Seconds a program must stay up to count as started. @default 1 */
  startsecs?: number;
  /** Start attempts after the first one fails. @default 0 */
  startretries?: number;
  /** Restart the program when it exits. @default false */
  autorestart?: boolean;
  /**
   * States that count as settled when supervisord starts; `startSupervisord`
   * waits until the program is in one of them. A program meant to exit by
   * itself (EXITED) or fail to start (FATAL) names that state here.
   * @default ['RUNNING']
   */
  settled?: string[];
  /** The program section's lines as given (an example config under test), instead of the ones built from the fields above. */
  section?: string[];
}

export interface Supervisord {
  dir: string;
  confPath: string;
  /** Runs `supervisorctl -c <conf> ...args`. */
  ctl(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** The supervisor commands these tests run that are not on PATH. */
function missingCommands(): string[] {
  const probes: [string, string][] = [['supervisord', '--version'], ['supervisorctl', '-h']];
  return probes.filter(([cmd, arg]) => spawnSync(cmd, [arg], { stdio: 'ignore' }).error !== undefined).map(([cmd]) => cmd);
}

const missing = missingCommands();

/**
 * Whether a real supervisord can run here. Tests that need one are declared with
 * `describe.skipIf(!hasSupervisord)`; when it is missing, each such test file says so in one line.
 */
export const hasSupervisord = missing.length === 0;
if (!hasSupervisord) {
  console.log(`skipped: the tests that drive a real supervisord (${missing.join(' and ')} not on PATH; scripts/test-deps.sh installs them)`);
}

const live = new Set<ChildProcess>();
process.once('exit', () => { for (const c of live) c.kill('SIGKILL'); });

/** supervisord splits `command=` like a POSIX shell; quote every word. */
function quote(word: string): string {
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

function configText(dir: string, programs: SupervisorProgram[]): string {
  const head = [
    '[unix_http_server]', `file=${join(dir, 'supervisor.sock')}`, '',
    '[supervisord]', `logfile=${join(dir, 'supervisord.log')}`, `pidfile=${join(dir, 'supervisord.pid')}`,
    `childlogdir=${dir}`, 'nodaemon=true', 'loglevel=info', '',
    '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '',
    '[supervisorctl]', `serverurl=unix://${join(dir, 'supervisor.sock')}`, '',
  ];
  const progs = programs.flatMap((p) => p.section ? [`[program:${p.name}]`, ...p.section, ''] : [
    `[program:${p.name}]`, `command=${p.command.map(quote).join(' ')}`, 'autostart=true', `autorestart=${p.autorestart ?? false}`,
    `startsecs=${p.startsecs ?? 1}`, `startretries=${p.startretries ?? 0}`, 'stopwaitsecs=5', 'stopasgroup=true', 'killasgroup=true',
    `stdout_logfile=${join(dir, `${p.name}.out.log`)}`, `stderr_logfile=${join(dir, `${p.name}.err.log`)}`, '',
  ]);
  return [...head, ...progs].join('\n');
}

/** Starts supervisord with `programs` and waits until each is in one of its `settled` states (RUNNING by default). */
export async function startSupervisord(programs: SupervisorProgram[]): Promise<Supervisord> {
  const dir = await mkdtemp(join(tmpdir(), 'cfgtrail-sv-'));
  const confPath = join(dir, 'supervisord.conf');
  await writeFile(confPath, configText(dir, programs));
  const child = spawn('supervisord', ['-n', '-c', confPath], { stdio: 'ignore' });
  live.add(child);
  const ctl = (args: string[]) => new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolve) => {
    execFile('supervisorctl', ['-c', confPath, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ exitCode: code, stdout, stderr });
    });
  });
  const stop = () => stopSupervisord(child, ctl, dir);
  try {
    await waitSettled(ctl, programs, child);
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, confPath, ctl, stop };
}

async function waitSettled(ctl: Supervisord['ctl'], programs: SupervisorProgram[], child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`supervisord exited ${child.exitCode}`);
    const r = await ctl(['status']);
    last = r.stdout + r.stderr;
    const settled = (p: SupervisorProgram) => new RegExp(`^${p.name}\\s+(${(p.settled ?? ['RUNNING']).join('|')})\\b`, 'm').test(r.stdout);
    if (programs.every(settled)) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`supervisord programs not settled within 20s: ${last}`);
}

async function stopSupervisord(child: ChildProcess, ctl: Supervisord['ctl'], dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    // Remember the programs' pids so none survives a supervisord that had to be killed.
    const pids = (await ctl(['pid', 'all'])).stdout.split('\n').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ESRCH: supervisord already stopped it.
      }
    }
  }
  live.delete(child);
  await rm(dir, { recursive: true, force: true });
}
