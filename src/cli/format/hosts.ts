import type { HostSummary } from '../../core/audit/fleet-summary.js';
import { formatDuration } from '../../core/record/duration.js';
import { escapeControls } from '../../core/path-name.js';

/**
 * `cfgtrail hosts` as text: one line per fetched host, its name, changes,
 * last change's age, date, head and title.
 * @example formatHosts(hosts, now) // 'origin/web-1  12 changes  last 3 h ago (2026-11-30T01:15:07+00:00)  1c62c230  raise pool\n'
 */
export function formatHosts(hosts: readonly HostSummary[], nowSeconds: number): string {
  const width = Math.max(...hosts.map((h) => h.name.length));
  const count = Math.max(...hosts.map((h) => String(h.changes).length));
  return hosts
    .map((h) => {
      const changes = `${String(h.changes).padStart(count)} change${h.changes === 1 ? ' ' : 's'}`;
      if (h.problem !== undefined) return escapeControls(`${h.name.padEnd(width)}  cannot be read: ${h.problem}`) + '\n';
      const last = h.last === null ? 'no change recorded' : `last ${ageText(nowSeconds - h.last.timestamp)} (${h.last.date})  ${h.head.slice(0, 8)}  ${h.last.title}`;
      // titles come from commits: terminal escapes in them are shown, not sent
      return escapeControls(`${h.name.padEnd(width)}  ${changes}  ${last}`) + '\n';
    })
    .join('');
}

/** `3 h 12 min ago`; from two days on, whole days (`26 days ago`), which is what tells a silent host. */
function ageText(seconds: number): string {
  if (seconds < 0) return 'in the future';
  if (seconds >= 2 * 86_400) return `${Math.floor(seconds / 86_400)} days ago`;
  if (seconds < 60) return `${seconds} s ago`; // dates are whole seconds
  return `${formatDuration(seconds * 1000)} ago`;
}
