/**
 * The text the browser's panes and dialogs show, as lines: built with the
 * same formatters as `show`, `diff`, `rollback` and `revert` (src/cli/format),
 * then made safe for a full-screen terminal.
 */
import type { ChangeDetail, StoreState } from '../ops/browse.js';
import type { DriftStatus } from '../ops/drift-status.js';
import { formatShowHeader } from '../cli/format/log.js';
import { formatFileDiffs } from '../cli/format/diff.js';

/**
 * A line with every control character that could move the cursor or change
 * the screen (a hostile commit message, a text diff of a binary-ish file)
 * shown as `^[`/`?`; only colour codes (SGR, `ESC[…m`) stay.
 * @example safeLine('a\x1b[2Jb') // 'a^[[2Jb'
 */
export function safeLine(line: string): string {
  return line
    .replace(/\x1b(?!\[[0-9;]*m)/g, '^[')
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f-\x9f]/g, '?');
}

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n').map(safeLine);
}

/** The detail pane: the change record (trailers, verification), then its field diff. */
export function detailLines(d: ChangeDetail, color: boolean): string[] {
  const header = formatShowHeader(d.entry, { color, ...(d.noteSummary ? { note: d.noteSummary } : {}) });
  const title = d.against === 'parent' ? 'diff against its parent' : 'diff against the live files (d: against its parent)';
  const diff = d.diffs.length > 0 ? formatFileDiffs(d.diffs, { color }) : d.against === 'parent' ? '(no file changed)' : '(the live files match this revision)';
  return [...lines(header), `── ${title} ──`, ...lines(diff)];
}

/** The drift screen (`s`): a pending rollback first, then the live files' diff against the last snapshot. */
export function driftLines(drift: DriftStatus, state: StoreState | null, color: boolean): string[] {
  const out: string[] = [];
  if (state?.pendingText) out.push(`Rollback in progress: ${state.pendingText}.`, '');
  if (!drift.head) out.push('no snapshot yet');
  else if (drift.diffs.length === 0) out.push(`clean: live config matches ${drift.head.slice(0, 7)}`);
  else out.push(`drift since ${drift.head.slice(0, 7)}: ${drift.files.length} file(s)`, '', ...lines(formatFileDiffs(drift.diffs, { color })));
  return out;
}

/** The keys, as the `?` screen lists them. */
export const HELP_LINES = [
  'Keys',
  '  ↑/↓, j/k        move (in the focused pane)',
  '  PgUp/PgDn       a page up/down (also Ctrl-B/Ctrl-F, Space)',
  '  g/G             first/last',
  '  Enter, Tab      switch between the list and the detail pane',
  '  /               filter: text author:REGEX risk:LEVEL component:NAME',
  '                  file:PATH field:PATH since:DATE until:DATE (as cfgtrail log;',
  '                  quote values with spaces: since:"3 days ago"); empty: all',
  '  d               diff against the parent / against the live files',
  '  s               live drift (live files vs the last snapshot)',
  '  r               roll back to the selected revision (plan; y, then why; progress)',
  '  v               revert the selected change (plan; y, then why; progress)',
  '  ?               this help',
  '  q, Esc          close a screen; quit',
  '',
  'Markers',
  '  R rollback  A auto-rollback  V revert  D drill  F freeze  U unfreeze  P playbook',
  '  ✓ verification passed (or marked good)  ✗ failed  ? unverified',
];
