/**
 * `log --all-hosts` text: each entry as `log` prints it, labelled with its
 * host (a `Host:` line under the commit line; `[web-1]` in front of a
 * `--oneline` line). JSON entries get `host` and `remote` members.
 */
import type { AuditEntry } from '../../core/types.js';
import { labelledJson, type FleetLogEntry } from '../../core/audit/fleet-log.js';
import { formatLogEntry } from './log.js';

/**
 * @example formatFleetLog(entries, { oneline: true }) // '[web-1] 3f2a9c1 I4f5a6b7c Raise pool (risk: high)\n'
 */
export function formatFleetLog(entries: readonly FleetLogEntry[], opts: { oneline?: boolean; json?: boolean; color?: boolean; notes?: Map<string, string> }): string {
  if (opts.json) return entries.length === 0 ? '[]\n' : `[\n${entries.map(labelledJson).join(',\n')}\n]\n`;
  const texts = entries.map((e) => {
    const entry = JSON.parse(e.json) as AuditEntry;
    const text = formatLogEntry(entry, { oneline: opts.oneline, color: opts.color, note: opts.notes?.get(e.commit) });
    if (opts.oneline) return `[${e.host.label}] ${text}`;
    const eol = text.indexOf('\n');
    return `${text.slice(0, eol + 1)}Host:   ${e.host.label}\n${text.slice(eol + 1)}`;
  });
  return texts.join(opts.oneline ? '' : '\n');
}
