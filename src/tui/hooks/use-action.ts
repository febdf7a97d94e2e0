import { useEffect, useState } from 'react';
import type { Browser } from '../../ops/browse.js';
import type { RollbackEvent, RollbackPlan, RollbackResult } from '../../ops/rollback/types.js';
import type { RevertPlan } from '../../ops/revert/plan.js';
import { formatEvent, formatOutcome, formatPlan } from '../../cli/format/rollback.js';
import { formatConflicts, formatRevertOutcome, formatRevertPlan } from '../../cli/format/revert.js';
import type { DialogState } from '../state.js';
import { safeLine } from '../text-lines.js';
import { messageOf } from './use-history.js';

type Planned = { kind: 'rollback'; plan: RollbackPlan } | { kind: 'revert'; plan: RevertPlan };

/** What a dialog shows: the plan (or why it cannot go on), then progress lines, then the outcome. */
export interface ActionView {
  lines: string[];
  /** The outcome failed (a restart or check failed, or the apply threw). */
  failed: boolean;
}

/**
 * Runs a rollback or revert dialog: plans when it opens (reads only), applies
 * when the dialog reaches `applying` (the user confirmed), streaming each
 * restart and health-check event as a line. `setStage` moves the dialog on;
 * `onApplied` is called once history has changed.
 */
export function useAction(browser: Browser, dialog: DialogState | null, color: boolean, setStage: (s: DialogState['stage']) => void, onApplied: () => void): ActionView {
  const [planned, setPlanned] = useState<Planned | null>(null);
  const [view, setView] = useState<ActionView>({ lines: [], failed: false });
  const id = dialog ? `${dialog.kind}\t${dialog.commit}` : null;
  useEffect(() => {
    setPlanned(null);
    if (!dialog) return;
    setView({ lines: [`planning the ${dialog.kind} of ${dialog.commit.slice(0, 7)}…`], failed: false });
    // After this frame: planning reads every live file.
    const timer = setTimeout(() => {
      try {
        const p: Planned = dialog.kind === 'rollback' ? { kind: 'rollback', plan: browser.planRollback(dialog.commit) } : { kind: 'revert', plan: browser.planRevert(dialog.commit) };
        const shown = planText(p, color);
        setPlanned(p);
        setView({ lines: shown.lines, failed: false });
        setStage(shown.blocked ? 'blocked' : 'confirm');
      } catch (e) {
        setView({ lines: [`cfgtrail: ${messageOf(e)}`], failed: true });
        setStage('blocked');
      }
    }, 0);
    return () => clearTimeout(timer);
  }, [browser, id]);
  const applying = dialog?.stage === 'applying';
  useEffect(() => {
    if (!applying || !planned || !dialog) return;
    const progress: string[] = [`${planned.kind === 'rollback' ? 'rolling back' : 'reverting'}…`];
    const show = () => setView({ lines: [...progress], failed: false });
    show();
    const reason = dialog.reason.trim();
    const onEvent = (e: RollbackEvent) => {
      const line = formatEvent(e, { verbose: true });
      if (line) progress.push(...line.trimEnd().split('\n').map(safeLine));
      show();
    };
    // The reason is part of the commit message the plan holds: planned again with it (same target, reads only).
    const run = async (): Promise<{ text: string; result: RollbackResult }> => {
      if (planned.kind === 'rollback') {
        const plan = reason ? browser.planRollback(dialog.commit, reason) : planned.plan;
        const r = await browser.applyRollback(plan, onEvent);
        return { text: formatOutcome(plan, r), result: r };
      }
      const plan = reason ? browser.planRevert(dialog.commit, reason) : planned.plan;
      const r = await browser.applyRevert(plan, onEvent);
      return { text: formatRevertOutcome(plan, r), result: r };
    };
    run().then(
      ({ text, result }) => {
        const failed = result.restarted.some((x) => !x.ok) || (result.verification !== null && !result.verification.report.ok);
        setView({ lines: [...progress, '', ...text.trimEnd().split('\n').map(safeLine)], failed });
      },
      (e: unknown) => setView({ lines: [...progress, '', `cfgtrail: ${messageOf(e)}`], failed: true }),
    ).finally(() => {
      setStage('done');
      onApplied();
    });
  }, [applying, planned]);
  return view;
}

/** The plan as text, or why it cannot be applied from here. */
function planText(p: Planned, color: boolean): { lines: string[]; blocked: boolean } {
  const split = (t: string) => t.trimEnd().split('\n').map(safeLine);
  if (p.kind === 'revert' && p.plan.conflicts.length > 0) {
    return { lines: [...split(formatConflicts(p.plan)), '', 'Settle them with cfgtrail revert --ours or --theirs.'], blocked: true };
  }
  const rollback = p.kind === 'rollback' ? p.plan : p.plan.rollback;
  if (rollback.nothingToDo) return { lines: ['nothing to do: the live files already match that state'], blocked: true };
  const text = split(p.kind === 'rollback' ? formatPlan(p.plan, { color }) : formatRevertPlan(p.plan, { color }));
  if (rollback.dependencies.length > 0) {
    return { lines: [...text, '', 'Changes that stay in effect depend on changes this undoes (listed above): nothing was changed.', `Run cfgtrail ${p.kind} --force to go on anyway.`], blocked: true };
  }
  return { lines: text, blocked: false };
}
