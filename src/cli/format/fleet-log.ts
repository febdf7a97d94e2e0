/**
 * `log --all-hosts` text: each entry as `log` prints it, labelled with its
 * host (a `Host:` line under the commit line; `[web-1]` in front of a
 * `--oneline` line). JSON entries get `host` and `remote` members.
 */
import type { AuditEntry } from '../../core/types.js';
import { labelledJson, type FleetLogEntry } from '../../core/audit/fleet-log.js';
import { formatLogEntry } from './log.js';
import { fieldStepLines } from './field-log.js';
import type { FieldStep } from '../../core/audit/field-history.js';

/**
 * @example formatFleetLog(entries, { oneline: true }) // '[web-1] 3f2a9c1 I4f5a6b7c Raise pool (risk: high)\n'
 */
export function formatFleetLog(entries: readonly FleetLogEntry[], opts: { oneline?: boolean; json?: boolean; color?: boolean; notes?: Map<FleetLogEntry, string>; steps?: Map<FleetLogEntry, FieldStep[]> }): string {
  const { steps } = opts;
  if (opts.json && steps) {
    // as `log --field F -p --json` prints it, with the host
    return `${JSON.stringify(entries.map((e) => ({ host: e.host.host, remote: e.host.remote, ...(JSON.parse(e.json) as AuditEntry), field: steps.get(e) ?? [] })), null, 2)}\n`;
  }
  if (opts.json) return entries.length === 0 ? '[]\n' : `[\n${entries.map(labelledJson).join(',\n')}\n]\n`;
  const texts = entries.map((e) => {
    const entry = JSON.parse(e.json) as AuditEntry;
    const text = formatLogEntry(entry, { oneline: opts.oneline, color: opts.color, note: opts.notes?.get(e) }) + (steps ? fieldStepLines(steps.get(e)) : '');
    if (opts.oneline) return `[${e.host.label}] ${text}`;
    const eol = text.indexOf('\n');
    return `${text.slice(0, eol + 1)}Host:   ${e.host.label}\n${text.slice(eol + 1)}`;
  });
  return texts.join(opts.oneline ? '' : '\n');
}
