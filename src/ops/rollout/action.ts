/**
 * One instance's action and gate: run the configured argv, read what the
 * instance's `cfgtrail rollback --json` reported, and run the health gate
 * with the same polling loop as services' checks.
 */
import { verifyServices } from '../health.js';
import type { Clock, HealthProbe } from '../ports.js';
import type { RolloutConfig } from './config.js';
import { instanceCheck } from './plan.js';
import type { ProgramOutcome } from './types.js';

/** What an action did to an instance. */
export interface ActionVerdict {
  ok: boolean;
  /** Revision before / after, when the output was a cfgtrail rollback `--json` object. */
  from: string | null;
  to: string | null;
  message: string;
}

const COMMIT = /^[0-9a-f]{40}$/;

/**
 * Judges one action run. Exit 0 is success; exit 10 too when the instance's
 * cfgtrail said the target is already live (`plan.nothingToDo`).
 * @example judgeAction({ exitCode: 0, stdout: '{"plan":{"head":"…"},"result":{"commit":"…"}}', stderr: '', timedOut: false })
 */
export function judgeAction(run: ProgramOutcome, timeoutMs: number): ActionVerdict {
  const json = rollbackOutput(run.stdout);
  const nothingToDo = json?.plan?.nothingToDo === true;
  const from = commitOrNull(json?.result?.preRollbackCommit) ?? commitOrNull(json?.plan?.head);
  const to = commitOrNull(json?.result?.commit) ?? (nothingToDo ? from : null);
  const base = { from, to };
  if (run.error !== undefined) return { ...base, ok: false, message: run.error };
  if (run.timedOut) return { ...base, ok: false, message: `no answer within ${timeoutMs} ms (rollout.timeout)` };
  if (run.exitCode === 0) return { ...base, ok: true, message: to && from !== to ? `rolled back to ${to.slice(0, 7)}` : 'done' };
  if (run.exitCode === 10 && nothingToDo) return { ...base, ok: true, message: 'already at the target' };
  const tail = lastLine(run.stderr) || lastLine(run.stdout);
  return { ...base, ok: false, message: `exit ${run.exitCode ?? 'by signal'}${tail ? `: ${tail}` : ''}` };
}

interface RollbackOutput { plan?: { head?: unknown; nothingToDo?: unknown }; result?: { commit?: unknown; preRollbackCommit?: unknown } | null }

function rollbackOutput(stdout: string): RollbackOutput | null {
  try {
    const v: unknown = JSON.parse(stdout);
    return typeof v === 'object' && v !== null ? (v as RollbackOutput) : null;
  } catch {
    return null; // not cfgtrail's JSON: any command may be the action
  }
}

function commitOrNull(v: unknown): string | null {
  return typeof v === 'string' && COMMIT.test(v) ? v : null;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  const line = (lines[lines.length - 1] ?? '').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Runs the gate for one instance: every `rollout.health` check, retried with
 * backoff within `rollout.gate_timeout` (verifyServices' loop).
 * @returns ok and the first failing check's message
 */
export async function gateInstance(
  instance: string,
  target: string,
  config: RolloutConfig,
  ports: { probe: HealthProbe; clock: Clock },
): Promise<{ ok: boolean; message: string }> {
  if (config.health.length === 0) return { ok: true, message: 'no rollout.health checks: the action is the gate' };
  const values = { instance, target };
  const report = await verifyServices([{
    name: instance,
    files: [],
    restart: { kind: 'command', argv: ['true'] }, // never run: the gate only verifies
    timeoutMs: config.gateTimeoutMs,
    health: config.health.map((c) => instanceCheck(c, values)),
  }], { probe: ports.probe, clock: ports.clock }); // the checks' own events are not rollout events
  const service = report.services[0]!;
  const failed = service.checks.find((c) => !c.ok && !c.skipped);
  return { ok: report.ok, message: failed ? failed.message : `healthy (${service.checks.length} check${service.checks.length === 1 ? '' : 's'})` };
}
