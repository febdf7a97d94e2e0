/**
 * What a service manager says about a service after its restart. A restart is
 * judged by this state, never by words in the restart command's output:
 * `supervisorctl restart` of a STOPPED program prints "ERROR (not running)"
 * and then "started", and the program is fine.
 */
import type { RestartSpec } from '../ops/services-config.js';

/** How one state answer is judged: up, still on its way, or not up. */
export interface StateJudgement {
  outcome: 'ok' | 'wait' | 'failed';
  /** The manager's word for the state (`RUNNING`, `active`, `exited`), or '' when it gave none. */
  state: string;
  /** One line for people, e.g. `program app is FATAL: Exited too quickly (process log may have details)`. */
  message: string;
}

/** What a state command printed (and how it exited). */
export interface StateAnswer { stdout: string; stderr: string; exitCode: number | null }

/** The tools a state check runs. */
export interface StateBinaries { supervisorctl: string; systemctl: string; docker: string }

/** Specs whose manager can be asked for a state (kubernetes waits on `rollout status` instead). */
export type StatefulSpec = Extract<RestartSpec, { kind: 'supervisor' | 'systemd' | 'docker' }>;

/** supervisord's process states; only STARTING may still become RUNNING by itself. */
const SUPERVISOR_STATES = ['STOPPED', 'STARTING', 'RUNNING', 'BACKOFF', 'STOPPING', 'EXITED', 'FATAL', 'UNKNOWN'];

/** True for the restart kinds {@link stateCommand} can ask about. */
export function hasState(spec: RestartSpec): spec is StatefulSpec {
  return spec.kind === 'supervisor' || spec.kind === 'systemd' || spec.kind === 'docker';
}

/**
 * The argv that asks the manager for the service's state.
 * @example stateCommand({ kind: 'systemd', unit: 'nginx.service', action: 'reload' }, bin) // ['systemctl', 'is-active', 'nginx.service']
 */
export function stateCommand(spec: StatefulSpec, bin: StateBinaries): string[] {
  switch (spec.kind) {
    case 'supervisor': return [bin.supervisorctl, ...spec.ctlArgs, 'status', spec.program];
    case 'systemd': return [bin.systemctl, 'is-active', spec.unit];
    // Running decides; Status only makes the message precise.
    case 'docker': return [bin.docker, 'inspect', '-f', '{{.State.Running}} {{.State.Status}}', spec.container];
  }
}

/** Judges one state answer (pure). Exit codes are not used where the tool encodes the state in them. */
export function judgeState(spec: StatefulSpec, answer: StateAnswer): StateJudgement {
  switch (spec.kind) {
    case 'supervisor': return judgeSupervisor(spec.program, answer);
    case 'systemd': return judgeSystemd(spec.unit, answer);
    case 'docker': return judgeDocker(spec.container, answer);
  }
}

/**
 * `supervisorctl status NAME` lines: `NAME  STATE  description`. It exits 3
 * when a program is not running and 4 for an unknown one, so only the line
 * counts. A group (`web:*`) is up when every member is RUNNING.
 */
function judgeSupervisor(program: string, answer: StateAnswer): StateJudgement {
  const rows = answer.stdout.split('\n').map(parseStatusLine).filter((r) => r !== null);
  if (rows.length === 0) {
    const said = lastLine(answer.stdout) || lastLine(answer.stderr) || `exit ${answer.exitCode ?? 'by signal'}`;
    return { outcome: 'failed', state: '', message: `no state for program ${program}: ${said}` };
  }
  const bad = rows.find((r) => r.state !== 'RUNNING' && r.state !== 'STARTING');
  const starting = rows.find((r) => r.state === 'STARTING');
  const row = bad ?? starting ?? rows[0]!;
  const outcome = bad ? 'failed' : starting ? 'wait' : 'ok';
  return { outcome, state: row.state, message: `program ${row.name} is ${row.state}${row.detail ? `: ${row.detail}` : ''}` };
}

function parseStatusLine(line: string): { name: string; state: string; detail: string } | null {
  const m = /^(\S+)\s+([A-Z]+)\b\s*(.*)$/.exec(line.trim());
  if (!m || !SUPERVISOR_STATES.includes(m[2]!)) return null;
  return { name: m[1]!, state: m[2]!, detail: m[3]!.trim() };
}

/** `systemctl is-active UNIT` prints one word (and exits 3 unless active). */
function judgeSystemd(unit: string, answer: StateAnswer): StateJudgement {
  const state = firstWord(answer.stdout);
  if (state === 'active') return { outcome: 'ok', state, message: `unit ${unit} is active` };
  if (!state) return { outcome: 'failed', state, message: `no state for unit ${unit}: ${lastLine(answer.stderr) || `exit ${answer.exitCode ?? 'by signal'}`}` };
  // A unit still starting or reloading may yet become active within the timeout.
  const outcome = state === 'activating' || state === 'reloading' ? 'wait' : 'failed';
  return { outcome, state, message: `unit ${unit} is ${state}` };
}

/** `docker inspect -f '{{.State.Running}} {{.State.Status}}'`: `true running`, `false exited`. */
function judgeDocker(container: string, answer: StateAnswer): StateJudgement {
  const [running = '', status = ''] = answer.stdout.trim().split(/\s+/);
  if (answer.exitCode !== 0 || (running !== 'true' && running !== 'false')) {
    const said = lastLine(answer.stderr) || lastLine(answer.stdout) || `exit ${answer.exitCode ?? 'by signal'}`;
    return { outcome: 'failed', state: '', message: `no state for container ${container}: ${said}` };
  }
  if (status === 'restarting') return { outcome: 'wait', state: status, message: `container ${container} is restarting` };
  if (running === 'true') return { outcome: 'ok', state: status || 'running', message: `container ${container} is running` };
  return { outcome: 'failed', state: status, message: `container ${container} is not running${status ? ` (${status})` : ''}` };
}

function firstWord(text: string): string {
  return text.trim().split(/\s+/)[0] ?? '';
}

/** The last non-blank line of a tool's output, trimmed ('' when there is none). */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
