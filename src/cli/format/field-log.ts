import type { FieldStep } from '../../core/audit/field-history.js';
import type { AuditEntry } from '../../core/types.js';
import { quotePath } from '../../core/path-name.js';
import { formatValue } from './diff.js';
import { formatLogEntry } from './log.js';

/**
 * `log --field F -p`: each entry followed by the field's value before and
 * after it (`    config.yaml: 20 → 50`); with `json`, each entry gets a
 * `field` member listing `{file, from?, to?}`.
 */
export function formatFieldLog(entries: readonly AuditEntry[], steps: Map<string, FieldStep[]>, opts: { json?: boolean; oneline?: boolean; color?: boolean }): string {
  if (opts.json) return `${JSON.stringify(entries.map((e) => ({ ...e, field: steps.get(e.commit) ?? [] })), null, 2)}\n`;
  const blocks = entries.map((e) => `${formatLogEntry(e, { oneline: opts.oneline, color: opts.color })}${fieldStepLines(steps.get(e.commit))}`);
  return blocks.join(opts.oneline ? '' : '\n');
}

/** The lines `-p` prints under a change: `    config.yaml: 20 → 50`, one per file. */
export function fieldStepLines(steps: readonly FieldStep[] | undefined): string {
  return (steps ?? []).map((s) => `    ${quotePath(s.file)}: ${side(s, 'from')} → ${side(s, 'to')}\n`).join('');
}

function side(s: FieldStep, key: 'from' | 'to'): string {
  return Object.hasOwn(s, key) ? formatValue(s[key]) : '(none)';
}
