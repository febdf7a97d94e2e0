import type { BlameChange, BlameResult } from '../../core/audit/blame.js';
import type { FieldHistory } from '../../core/audit/field-history.js';
import { escapeControls, quotePath } from '../../core/path-name.js';
import { formatValue } from './diff.js';

/**
 * `cfgtrail blame` as text, one line per field or line, like `git blame`:
 * commit, Change-Id, date and author of the change that last set it, then the
 * field and its value (or the line number and text).
 * @example formatBlame(result) // 'a1b2c3d4 I4f5a6b7c8d9e0f12 2026-11-20 Alice  database.pool.max: 50\n'
 */
export function formatBlame(r: BlameResult): string {
  // a key or line may hold terminal escapes (JSON keys can): shown as \x1b, never sent to the terminal
  const rows = r.format === 'fields'
    ? r.fields.map((f) => ({ change: f.change, text: escapeControls(`${f.pathText}: ${formatValue(f.value)}`) }))
    : r.lines.map((l) => ({ change: l.change, text: `${String(l.line).padStart(widthOf(r.lines.length))}) ${escapeControls(l.text)}` }));
  const authorWidth = Math.min(20, Math.max(0, ...rows.map((x) => x.change.author.name.length)));
  return rows.map((x) => `${changeColumns(x.change, authorWidth)}  ${x.text}\n`).join('');
}

/** `a1b2c3d4 I4f5a6b7c8d9e0f12 2026-11-20 Alice` padded to line up. */
export function changeColumns(c: BlameChange, authorWidth: number): string {
  const name = c.author.name.length > authorWidth ? `${c.author.name.slice(0, authorWidth - 1)}…` : c.author.name.padEnd(authorWidth);
  return escapeControls(`${c.commit.slice(0, 8)} ${(c.changeId ?? '-').padEnd(17)} ${c.date.slice(0, 10)} ${name}`);
}

function widthOf(n: number): number {
  return String(n).length;
}

/**
 * `cfgtrail history` as text: one line per value, newest first, then the
 * renames followed.
 * @example formatFieldHistory(h) // 'a1b2c3d4 I4f5… 2026-11-20 Alice  config.yaml: 50\n'
 */
export function formatFieldHistory(h: FieldHistory): string {
  const authorWidth = Math.min(20, Math.max(0, ...h.values.map((v) => v.change.author.name.length)));
  const lines = h.values.map((v) => `${changeColumns(v.change, authorWidth)}  ${quotePath(v.file)}: ${v.present ? escapeControls(formatValue(v.value)) : '(removed)'}\n`);
  if (h.values.length === 0) lines.push(`no change on HEAD's history set ${escapeControls(h.field)}\n`);
  for (const r of h.renames) lines.push(`renamed: ${quotePath(r.from)} → ${quotePath(r.to)} in ${r.commit.slice(0, 8)} (found by content)\n`);
  return lines.join('');
}
