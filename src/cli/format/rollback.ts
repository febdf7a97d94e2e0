/** Text and JSON renderings of a rollback plan and its outcome (strings only; the command prints). */
import type { RollbackEvent, RollbackPlan, RollbackResult } from '../../ops/rollback/types.js';
import type { AbortResult } from '../../ops/rollback/abort.js';
import { actionWarnings, keptEditsText } from '../../ops/rollback/states.js';
import { formatFileDiffs } from './diff.js';
import { diffsToJson } from './diff-json.js';
import { checksDoneWord, logsAdvice, serviceVerdictLine } from './verify.js';
import { quotePath, quotePaths } from '../../core/path-name.js';

const short = (oid: string | null) => (oid ? oid.slice(0, 7) : '-');

/** The plan as `--dry-run` and the confirmation prompt show it. */
export function formatPlan(plan: RollbackPlan, opts: { color?: boolean } = {}): string {
  const out: string[] = [];
  if (plan.resume) out.push(`Resuming an interrupted rollback (started ${plan.resume.startedAt}, stage: ${plan.resume.stage}).`);
  const scope = plan.files ? ` (only ${quotePaths(plan.files)})` : '';
  out.push(`Roll back to ${short(plan.target.commit)} ${plan.target.title}${scope}`);
  out.push(`  HEAD is ${short(plan.head)}; a new commit will record the rollback (history is not rewritten).`);
  if (plan.drift.length > 0) out.push(`  Uncommitted changes are snapshotted first: ${quotePaths(plan.drift)}`);
  const verbs = { write: 'write', chmod: 'chmod', delete: 'delete' } as const;
  if (plan.actions.length > 0) {
    out.push('', 'Files:');
    for (const a of plan.actions) out.push(`  ${verbs[a.action].padEnd(6)} ${quotePath(a.path)}${a.action !== 'delete' ? ` (${a.perm.toString(8).padStart(4, '0')})` : ''}`);
  }
  for (const w of actionWarnings(plan.actions)) out.push(`Warning: ${w}`);
  if (plan.undone.length > 0) {
    out.push('', 'Changes undone:');
    for (const u of plan.undone) out.push(`  ${short(u.commit)} ${u.changeId ?? '(no Change-Id)'} ${u.title}`);
  }
  if (plan.dependencies.length > 0) {
    out.push('', 'Warning: changes that stay in effect depend on undone changes (needs --force):');
    for (const d of plan.dependencies) out.push(`  ${short(d.dependent.commit)} ${d.dependent.changeId ?? ''} ${d.dependent.title}  Depends-On: ${d.undone}`);
  }
  out.push('', servicesLine(plan));
  if (plan.diffs.length > 0) out.push('', 'Field changes (live -> target):', formatFileDiffs(plan.diffs, { color: opts.color }));
  return `${out.join('\n')}\n`;
}

function servicesLine(plan: RollbackPlan): string {
  if (plan.services.length === 0) return 'Services: none affected.';
  const restart = plan.restart ? `restart ${plan.services.join(', ')}` : `no restart (--no-restart) of ${plan.services.join(', ')}`;
  const checks = plan.verify ? (plan.checks.length ? `; checks: ${plan.checks.map((c) => `${c.service}: ${c.check}`).join(', ')}` : '; no health checks configured') : '; no verification (--no-verify)';
  return `Services: ${restart}${checks}`;
}

/** `rollback --json`: `{ plan, result }` (result null when nothing was applied), with a newline. */
export function rollbackJson(plan: RollbackPlan, result: RollbackResult | null): string {
  return `${JSON.stringify(rollbackJsonObject(plan, result), null, 2)}\n`;
}

/** The object {@link rollbackJson} prints (revert's `--json` embeds it). */
export function rollbackJsonObject(plan: RollbackPlan, result: RollbackResult | null): { plan: Record<string, unknown>; result: Record<string, unknown> | null } {
  return { plan: planToJson(plan), result: result && resultToJson(result) };
}

/** The plan as `--json` prints it (field diff in the `diff --json` row shape). */
function planToJson(plan: RollbackPlan): Record<string, unknown> {
  const { diffs, basis: _basis, ...rest } = plan;
  return { ...rest, warnings: actionWarnings(plan.actions), diff: diffsToJson(diffs) };
}

/** The `result` object of `--json`. */
function resultToJson(r: RollbackResult): Record<string, unknown> {
  return {
    preRollbackCommit: r.preRollbackCommit,
    commit: r.commit,
    changeId: r.changeId,
    restarted: r.restarted,
    verification: r.verification ? { ok: r.verification.report.ok, note: r.verification.note, report: r.verification.report } : null,
    timings: r.timings,
    keptEdits: r.keptEdits,
  };
}

/** One progress line (stderr): service restarts and checks always, phase timings with `verbose`; null for events not worth a line. */
export function formatEvent(e: RollbackEvent, opts: { verbose?: boolean } = {}): string | null {
  if (e.phase === 'service') {
    const ev = e.event;
    if (ev.phase === 'restart-done') return `  restart ${ev.service}: ${ev.result.message}\n`;
    if (ev.phase === 'check-attempt' && !ev.verdict.ok) return `  check ${ev.service} (attempt ${ev.attempt}): ${ev.verdict.message}\n`;
    if (ev.phase === 'verify-done') return `  verify ${ev.service}: ${checksDoneWord(ev)}\n`;
    return null;
  }
  // Per-phase timings are for --verbose (and --json's result.timings), not every run's stderr.
  if (e.step !== 'done' || !opts.verbose) return null;
  return `${e.phase}: ${Math.round(e.durationMs)} ms${e.detail ? ` (${e.detail})` : ''}\n`;
}

/** The summary after applying; says what failed and what to do next. */
export function formatOutcome(plan: RollbackPlan, r: RollbackResult): string {
  const out: string[] = [];
  if (r.preRollbackCommit) out.push(`Your uncommitted edits were saved first as ${short(r.preRollbackCommit)} (cfgtrail show ${short(r.preRollbackCommit)}).`);
  out.push(`Rolled back to ${short(plan.target.commit)} as commit ${short(r.commit)}${r.changeId ? ` (Change-Id ${r.changeId})` : ''}.`);
  if (r.keptEdits.length > 0) out.push(keptEditsText(r.keptEdits));
  const failedRestarts = r.restarted.filter((x) => !x.ok);
  for (const f of failedRestarts) out.push(`Restart FAILED: ${f.service}: ${f.message}`);
  const v = r.verification?.report;
  if (v) {
    for (const s of v.services) out.push(serviceVerdictLine(s, r.restarted.find((x) => x.service === s.service)?.ok ?? true));
  } else if (plan.services.length > 0 && !plan.verify) out.push('Not verified (--no-verify).');
  if (failedRestarts.length > 0 || (v && !v.ok)) out.push('', nextSteps());
  return `${out.join('\n')}\n`;
}

/** What `rollback --abort` did. */
export function formatAbort(r: AbortResult): string {
  const out: string[] = [];
  if (r.stage === 'after-commit') {
    out.push(`Abandoned the rollback to ${short(r.target)}: its commit ${short(r.commit)} stays (history is not rewritten).`);
    if (r.servicesNotDone.length > 0) out.push(`Not restarted or verified: ${r.servicesNotDone.join(', ')} (cfgtrail restart / cfgtrail verify do it by hand).`);
    out.push(`To undo the rollback itself: cfgtrail rollback ${short(r.commit)}~1`);
  } else {
    out.push(`Abandoned the rollback to ${short(r.target)}: ${r.restored.length} file(s) put back as HEAD records them${r.restored.length ? `: ${quotePaths(r.restored)}` : ''}.`);
    if (r.leftAlone.length > 0) out.push(`Left as they are (edited since the rollback stopped): ${quotePaths(r.leftAlone)}`);
    for (const k of r.keptEdits) {
      out.push(k.kind === 'directory'
        ? `The directory ${quotePath(k.path)} had to become a file but still held files cfgtrail does not track; it was moved whole to ${quotePath(k.keptAt)}`
        : `Your edit to ${quotePath(k.path)} made meanwhile was kept at ${quotePath(k.keptAt)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** What to do after a failed restart or verification: cfgtrail never rolls back again on its own. */
export function nextSteps(): string {
  return [
    'The rollback commit is recorded; cfgtrail will not roll back again on its own. Next:',
    '  cfgtrail show HEAD             what was restored',
    logsAdvice(),
    '  cfgtrail rollback --last-good  go to the newest revision that passed verification',
    '  cfgtrail verify                check again once fixed',
  ].join('\n');
}
