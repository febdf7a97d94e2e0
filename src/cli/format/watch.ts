/** Text of `cfgtrail watch status`. */
import type { WatchStatus } from '../../ops/watch/status.js';

/**
 * @example formatWatchStatus(status) // "watcher: running (pid 4242), last round 2026-11-29T23:01:02.000Z\n…"
 */
export function formatWatchStatus(s: WatchStatus): string {
  const out: string[] = [];
  if (!s.updatedAt) out.push('watcher: has not run on this store yet');
  else out.push(`watcher: ${s.watcher?.running ? `running (pid ${s.watcher.pid})` : 'not running'}, last round ${s.updatedAt}${s.head ? ` on ${s.head.slice(0, 7)}` : ''}`);
  if (s.lastSamples.length > 0) {
    out.push('last samples:');
    for (const x of s.lastSamples) out.push(`  ${x.metric}: ${x.value ?? '-'} ${x.verdict}${s.streaks[x.metric] ? ` (${s.streaks[x.metric]} in a row)` : ''} — ${x.detail} at ${new Date(x.at).toISOString()}`);
  }
  out.push(`cooldown: ${s.cooldownUntil ? `until ${s.cooldownUntil}` : 'none'}`);
  out.push(`automatic rollbacks in the last hour: ${s.rollbacksThisHour} of ${s.maxRollbacks}`);
  for (const r of s.rollbacks) out.push(`  ${new Date(r.at).toISOString()} ${r.ok ? 'ok' : 'FAILED'} ${r.commit ? r.commit.slice(0, 7) : '(no commit)'}: ${r.reason}`);
  if (s.firing.length > 0) out.push(`Alertmanager alerts firing: ${s.firing.map((a) => `${a.alertname} (${a.service})`).join(', ')}`);
  out.push(`alert delivery failures:${s.alertFailures.length === 0 ? ' none' : ''}`);
  for (const d of s.alertFailures) out.push(`  ${d.at} ${d.event} to ${d.target}: ${d.error ?? 'failed'} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}
