/** Text and JSON for `cfgtrail revert`: the plan, the conflicts, the outcome. */
import type { RevertConflict, RevertedFile } from '../../ops/revert/merge-files.js';
import type { RevertPlan } from '../../ops/revert/plan.js';
import type { RevertResult } from '../../ops/revert/apply.js';
import { formatOutcome, formatPlan, rollbackJsonObject } from './rollback.js';
import { quotePath } from '../../core/path-name.js';

const short = (oid: string | null) => (oid ?? '').slice(0, 7);

/** What the revert will do: per file how it is reverted, then the rollback plan's files, services and diff. */
export function formatRevertPlan(plan: RevertPlan, opts: { color?: boolean } = {}): string {
  const r = plan.reverted;
  const out = [`Revert ${short(r.commit)} ${r.changeId ?? '(no Change-Id)'} ${r.title}`, '  Later changes stay; a new commit records the revert.', ''];
  out.push('Reverted:', ...plan.files.map((f) => `  ${fileLine(f)}`));
  // The rollback plan's own header names the target; the revert's lines above say it better.
  const rest = formatPlan(plan.rollback, opts).split('\n');
  const from = rest.findIndex((l) => l === 'Files:' || l.startsWith('Warning:') || l.startsWith('Services:'));
  out.push('', ...rest.slice(from < 0 ? rest.length : from).filter((l) => l !== 'Changes undone:' && !l.startsWith(`  ${short(r.commit)} `)));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function fileLine(f: RevertedFile): string {
  const settled = [...(f.kept ?? []).map((k) => `${k} (later value kept)`), ...(f.forced ?? []).map((k) => `${k} (later value overridden)`)];
  const extra = settled.length ? `; ${settled.join(', ')}` : '';
  if (f.how === 'fields') return `${quotePath(f.path)}: ${f.fields?.length ? `fields ${f.fields.join(', ')}` : 'no field'}${extra}`;
  if (f.how === 'lines') return `${quotePath(f.path)}: merged line by line${extra}`;
  return `${quotePath(f.path)}: ${f.how === 'mode' ? 'mode' : 'whole file'}${extra}`;
}

/** The conflicts, one line per field or region, and how to settle them. */
export function formatConflicts(plan: RevertPlan): string {
  const out = [`Reverting ${short(plan.reverted.commit)} ${plan.reverted.title} conflicts with later changes:`];
  for (const c of plan.conflicts) out.push(...conflictLines(c));
  out.push(
    '',
    'Nothing was changed. To settle every conflict one way:',
    `  cfgtrail revert ${short(plan.reverted.commit)} --ours     keep the later values (revert only what no later change touched)`,
    `  cfgtrail revert ${short(plan.reverted.commit)} --theirs   put back the values from before ${short(plan.reverted.commit)}, over the later changes`,
  );
  return `${out.join('\n')}\n`;
}

function conflictLines(c: RevertConflict): string[] {
  if (c.reason === 'changed-later') return [`  ${quotePath(c.path)}: the whole file changed later (binary, symlink, deleted or re-created)`];
  if (c.reason === 'lines') return [`  ${quotePath(c.path)}: lines changed later, at line${c.lines!.length > 1 ? 's' : ''} ${c.lines!.join(', ')}`];
  return c.fields!.map((f) => `  ${quotePath(c.path)}: ${f.path}${f.reason === 'not-exact' ? ' (no exact text edit: edit it by hand)' : ' changed later'}`);
}

/** After applying. */
export function formatRevertOutcome(plan: RevertPlan, r: RevertResult): string {
  const text = formatOutcome(plan.rollback, r);
  const line = `Reverted ${short(plan.reverted.commit)} as commit ${short(r.commit)}${r.changeId ? ` (Change-Id ${r.changeId})` : ''}.`;
  return text.replace(/^Rolled back to .*$/m, line);
}

/** `--json`: `{ revert: { reverted, files, conflicts }, plan, result }`. */
export function revertJson(plan: RevertPlan, result: RevertResult | null): string {
  const base = rollbackJsonObject(plan.rollback, result);
  const revert = { reverted: plan.reverted, pick: plan.pick, files: plan.files, conflicts: plan.conflicts, ...(result ? { target: result.target } : {}) };
  return `${JSON.stringify({ revert, ...base }, null, 2)}\n`;
}
