/** Rollout output: progress lines for a terminal, JSON lines otherwise, and the report of where each instance is. */
import { formatDuration } from '../../core/record/duration.js';
import { instanceRevision, type RolloutState } from '../../ops/rollout/state.js';
import type { RolloutEvent } from '../../ops/rollout/types.js';

const BAR = 12;

/** Instances the rollout has finished with (any end state), for the progress bar. */
export interface Tally { done: number; total: number }

/**
 * One progress line for a terminal: `[batch 2/3 ██████░░░░░░ 4/9] web-4  failed  12.4 s  GET …: status 500`.
 * @returns null for events not worth a line
 */
export function formatRolloutEvent(e: RolloutEvent, tally: Tally, elapsedMs: number, batches: number): string | null {
  const time = formatDuration(elapsedMs);
  if (e.phase === 'start') {
    const what = e.abort ? 'aborting (rolling forward)' : e.resumed ? 'resuming' : 'starting';
    return `rollout ${e.id} ${what}: ${e.target} on ${e.instances} instance${e.instances === 1 ? '' : 's'} in ${e.batches} batch${e.batches === 1 ? '' : 'es'}\n`;
  }
  if (e.phase === 'batch') return `batch ${e.batch}/${e.batches}: ${e.instances.join(', ')}\n`;
  if (e.phase === 'wait') return `waiting ${formatDuration(e.delayMs)} before batch ${e.batch}\n`;
  if (e.phase === 'gate') return `gate of batch ${e.batch}: ${e.ok ? 'passed' : `FAILED (${e.failed.join(', ')})`}  ${time}\n`;
  if (e.phase === 'end') return null;
  const filled = tally.total === 0 ? 0 : Math.round((tally.done / tally.total) * BAR);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
  return `[batch ${e.batch}/${batches} ${bar} ${tally.done}/${tally.total}] ${e.instance}  ${e.state}  ${time}  ${e.message}\n`;
}

/** One JSON line per event (`elapsed_ms` since the command started). */
export function rolloutEventJson(e: RolloutEvent, elapsedMs: number): string {
  return `${JSON.stringify({ ...e, elapsed_ms: Math.round(elapsedMs) })}\n`;
}

/** The report: the outcome, then each instance with its batch, state and revision. */
export function formatRolloutReport(s: RolloutState): string {
  const width = Math.max(...s.instances.map((i) => i.name.length), 8);
  const lines = s.instances.map((i) => `  ${i.name.padEnd(width)}  batch ${i.batch}  ${i.state.padEnd(14)} ${instanceRevision(i)}${i.message ? `  ${i.message}` : ''}`);
  const head = `rollout ${s.id} to ${s.target}: ${s.status}${s.status === 'running' || s.status === 'stopped' ? ` at batch ${s.batch}/${s.batches}` : ''}`;
  return [head, ...(s.stopped ? [`stopped: ${s.stopped}`] : []), ...lines, ...nextSteps(s)].join('\n') + '\n';
}

function nextSteps(s: RolloutState): string[] {
  if (s.status === 'stopped' || s.status === 'running') {
    return ['next: fix the failing instances, then `cfgtrail rollback --continue`; or `cfgtrail rollback --abort` to roll the changed instances forward again'];
  }
  if (s.status === 'aborting') return ['next: fix what kept instances from rolling forward, then `cfgtrail rollback --abort` again'];
  return [];
}

/** The state as `--json` prints it. */
export function rolloutJson(s: RolloutState): string {
  return `${JSON.stringify({ phase: 'report', rollout: s })}\n`;
}
