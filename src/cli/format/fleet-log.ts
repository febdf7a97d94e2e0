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
import { escapeControls } from '../../core/path-name.js';

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
    const entry = printable(JSON.parse(e.json) as AuditEntry);
    const note = opts.notes?.get(e);
    const text = formatLogEntry(entry, { oneline: opts.oneline, color: opts.color, note: note === undefined ? undefined : escapeControls(note) }) + (steps ? fieldStepLines(steps.get(e)) : '');
    if (opts.oneline) return `[${e.host.label}] ${text}`;
    const eol = text.indexOf('\n');
    return `${text.slice(0, eol + 1)}Host:   ${e.host.label}\n${text.slice(eol + 1)}`;
  });
  return texts.join(opts.oneline ? '' : '\n');
}

/**
 * The entry's free text with terminal controls shown as `\x1b`: other hosts wrote it, and one
 * listing mixes them, so a crafted title must not move the terminal or hide its neighbours.
 */
function printable(e: AuditEntry): AuditEntry {
  const esc = escapeControls;
  return {
    ...e,
    title: esc(e.title),
    body: esc(e.body),
    author: { ...e.author, name: esc(e.author.name), email: esc(e.author.email) },
    trailers: e.trailers.map((t) => ({ ...t, key: esc(t.key), value: esc(t.value) })),
  };
}
