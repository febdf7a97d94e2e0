/**
 * The record of a rollout: a commit that changes no file, titled with the
 * outcome, a body line per instance, and trailers native git reads
 * (`git log --format='%(trailers:key=Rollout-State)'`).
 */
import type { Trailer } from '../../core/types.js';
import { instanceRevision, type RolloutState } from './state.js';

export interface RolloutRecord { title: string; body: string; trailers: Trailer[] }

/** The commit message parts for the rollout's current outcome. */
export function rolloutRecord(s: RolloutState): RolloutRecord {
  const count = (state: string) => s.instances.filter((i) => i.state === state).length;
  const n = s.instances.length;
  const title = {
    completed: `Rollout ${s.id} completed: ${count('healthy')} of ${n} instances rolled back to ${s.target}`,
    stopped: `Rollout ${s.id} stopped at batch ${s.batch}/${s.batches}: ${count('failed')} instance${count('failed') === 1 ? '' : 's'} failed`,
    aborted: `Rollout ${s.id} aborted: ${count('forwarded')} instance${count('forwarded') === 1 ? '' : 's'} rolled forward`,
    aborting: `Rollout ${s.id} abort incomplete: ${count('forward-failed')} instance${count('forward-failed') === 1 ? '' : 's'} not rolled forward`,
    running: `Rollout ${s.id} running`,
  }[s.status];
  const lines = s.instances.map((i) => `- ${i.name} (batch ${i.batch}): ${i.state}, ${instanceRevision(i)}; ${i.message}`);
  const trailers: Trailer[] = [
    { key: 'Rollout', value: s.id },
    { key: 'Rollout-Target', value: s.target },
    { key: 'Rollout-State', value: s.status },
    { key: 'Rollout-Batch', value: `${s.batch}/${s.batches}` },
    ...(s.reason ? [{ key: 'Reason', value: s.reason }] : []),
  ];
  const body = [`Target ${s.target}, ${s.batches} batch${s.batches === 1 ? '' : 'es'}, started ${s.startedAt}.`, ...(s.stopped ? [`Stopped: ${s.stopped}`] : []), '', ...lines].join('\n');
  return { title, body, trailers };
}
