/**
 * What the browser shows and where the cursor is, and how each key changes
 * it: a pure reducer, so fast typing always acts on the current state (a
 * key handler reading React state could act on a stale selection).
 */

export type View = 'main' | 'help' | 'drift' | 'filter' | 'dialog';

/** A rollback or revert dialog's stage; the plan, progress and result live in its hook. */
export interface DialogState {
  kind: 'rollback' | 'revert';
  commit: string;
  /**
   * `blocked`: the plan cannot be applied here (nothing to do, conflicts, dependants);
   * `reason`: confirmed, the user types why (the `Reason` trailer, as `-m`); `done`: applied or failed.
   */
  stage: 'planning' | 'confirm' | 'reason' | 'applying' | 'done' | 'blocked';
  scroll: number;
  reason: string;
}

export interface UiState {
  view: View;
  focus: 'list' | 'detail';
  selected: number;
  /** First visible row of the list. */
  top: number;
  length: number;
  /** Sizes as of the last key (see {@link Shown}). */
  listHeight: number;
  detailHeight: number;
  detailScroll: number;
  detailLines: number;
  against: 'parent' | 'live';
  /** The filter in effect, and the one being typed at the `/` prompt. */
  filterText: string;
  draft: string;
  dialog: DialogState | null;
  quit: boolean;
}

/** The subset of ink's `Key` the browser reads. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

/** The sizes a key acts on, as the screen has them. */
export interface Shown {
  length: number;
  listHeight: number;
  detailHeight: number;
  detailLines: number;
}

export type Action =
  /**
   * A key, with what the screen showed when it was pressed (`shown`: the list
   * length, pane heights, detail length) and `commitAt`, the commit of a list
   * row (or null), read when a key needs the selected one.
   */
  | { type: 'key'; input: string; key: KeyInfo; shown: Shown; commitAt: (row: number) => string | null }
  /** The list was reloaded: keep the selected commit selected (`select`) when it is still listed. */
  | { type: 'list'; length: number; select?: number }
  | { type: 'dialog-stage'; stage: DialogState['stage'] };

export function initialState(filterText = ''): UiState {
  return {
    view: 'main', focus: 'list', selected: 0, top: 0, length: 0, listHeight: 10, detailHeight: 10,
    detailScroll: 0, detailLines: 0, against: 'parent', filterText, draft: filterText, dialog: null, quit: false,
  };
}

/** The next state after `action`. */
export function reduce(s: UiState, a: Action): UiState {
  switch (a.type) {
    case 'list':
      return select({ ...s, length: a.length }, a.select ?? Math.min(s.selected, Math.max(0, a.length - 1)));
    case 'dialog-stage':
      return s.dialog ? { ...s, dialog: { ...s.dialog, stage: a.stage, scroll: 0 } } : s;
    case 'key': {
      const { length, listHeight, detailHeight, detailLines } = a.shown;
      const sized = { ...s, length, listHeight: Math.max(1, listHeight), detailHeight: Math.max(1, detailHeight), detailLines };
      return onKey(select(sized, s.selected), a.input, a.key, a.commitAt);
    }
  }
}

function onKey(s: UiState, input: string, key: KeyInfo, commitAt: (row: number) => string | null): UiState {
  if (s.view === 'filter') return filterKey(s, input, key);
  if (s.view === 'dialog') return dialogKey(s, input, key);
  if (s.view === 'help' || s.view === 'drift') {
    if (key.escape || input === 'q' || input === '?' || (input === 's' && s.view === 'drift')) return { ...s, view: 'main' };
    return s;
  }
  if (key.escape || input === 'q' || (key.ctrl && input === 'c')) return { ...s, quit: true };
  if (input === '?') return { ...s, view: 'help' };
  if (input === 's') return { ...s, view: 'drift' };
  if (input === '/') return { ...s, view: 'filter', draft: s.filterText };
  if (input === 'd') return { ...s, against: s.against === 'parent' ? 'live' : 'parent', detailScroll: 0 };
  if (key.tab || key.return) return { ...s, focus: s.focus === 'list' ? 'detail' : 'list' };
  const commit = input === 'r' || input === 'v' ? commitAt(s.selected) : null;
  if (commit !== null) {
    return { ...s, view: 'dialog', dialog: { kind: input === 'r' ? 'rollback' : 'revert', commit, stage: 'planning', scroll: 0, reason: '' } };
  }
  const step = moveStep(input, key, s.focus === 'list' ? s.listHeight : s.detailHeight);
  if (step === null) return s;
  if (s.focus === 'list') return select(s, step === 'top' ? 0 : step === 'bottom' ? s.length - 1 : s.selected + step);
  const last = Math.max(0, s.detailLines - s.detailHeight);
  return { ...s, detailScroll: step === 'top' ? 0 : step === 'bottom' ? last : clamp(s.detailScroll + step, 0, last) };
}

/** ↑/↓ j/k one line, PgUp/PgDn (and Ctrl-B/Ctrl-F) a page, g/G (Home/End) the ends. */
function moveStep(input: string, key: KeyInfo, page: number): number | 'top' | 'bottom' | null {
  if (key.upArrow || input === 'k') return -1;
  if (key.downArrow || input === 'j') return 1;
  if (key.pageUp || (key.ctrl && input === 'b')) return -page;
  if (key.pageDown || (key.ctrl && input === 'f') || input === ' ') return page;
  if (input === 'g') return 'top';
  if (input === 'G') return 'bottom';
  return null;
}

function filterKey(s: UiState, input: string, key: KeyInfo): UiState {
  if (key.escape) return { ...s, view: 'main', draft: s.filterText };
  if (key.return) return { ...s, view: 'main', filterText: s.draft.trim(), selected: 0, top: 0 };
  if (key.backspace || key.delete) return { ...s, draft: s.draft.slice(0, -1) };
  if (key.ctrl && input === 'u') return { ...s, draft: '' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return s;
  return { ...s, draft: s.draft + input };
}

function dialogKey(s: UiState, input: string, key: KeyInfo): UiState {
  const d = s.dialog!;
  // A rollback being applied runs to its end: its journal makes any stop safe, but
  // leaving the screen would hide what it did. The dialog closes once it is done.
  if (d.stage === 'applying' || d.stage === 'planning') return s;
  if (d.stage === 'reason') return reasonKey(s, d, input, key);
  if (d.stage === 'confirm' && (input === 'y' || input === 'Y')) return { ...s, dialog: { ...d, stage: 'reason' } };
  if (key.escape || input === 'q' || input === 'n' || input === 'N' || (d.stage !== 'confirm' && key.return)) return { ...s, view: 'main', dialog: null };
  const step = moveStep(input, key, s.detailHeight);
  if (step === null) return s;
  return { ...s, dialog: { ...d, scroll: step === 'top' ? 0 : step === 'bottom' ? Number.MAX_SAFE_INTEGER : Math.max(0, d.scroll + step) } };
}

function reasonKey(s: UiState, d: DialogState, input: string, key: KeyInfo): UiState {
  if (key.escape) return { ...s, view: 'main', dialog: null };
  if (key.return) return { ...s, dialog: { ...d, stage: 'applying', scroll: 0 } };
  if (key.backspace || key.delete) return { ...s, dialog: { ...d, reason: d.reason.slice(0, -1) } };
  if (key.ctrl && input === 'u') return { ...s, dialog: { ...d, reason: '' } };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return s;
  return { ...s, dialog: { ...d, reason: d.reason + input } };
}

/** Selects row `i` (clamped) and scrolls the list so it is visible. */
function select(s: UiState, i: number): UiState {
  const selected = clamp(i, 0, Math.max(0, s.length - 1));
  let top = s.top;
  if (selected < top) top = selected;
  if (selected >= top + s.listHeight) top = selected - s.listHeight + 1;
  top = clamp(top, 0, Math.max(0, s.length - s.listHeight));
  const moved = selected !== s.selected;
  return { ...s, selected, top, ...(moved ? { detailScroll: 0 } : {}) };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/**
 * Ink passes keys that arrive together (fast typing, a paste, `tmux send-keys`)
 * as one input string: each character as the key it is, so `jj` moves twice
 * and `/risk:high⏎` filters. Escape sequences (arrows, PgUp) come alone and
 * are left to ink.
 * @example splitKeys('j\r') // [['j', {}], ['', { return: true }]]
 */
export function splitKeys(input: string, key: KeyInfo): [string, KeyInfo][] {
  if ([...input].length <= 1 || input.startsWith('\x1b')) return [[input, key]];
  return [...input].map((ch): [string, KeyInfo] => {
    if (ch === '\r' || ch === '\n') return ['', { return: true }];
    if (ch === '\t') return ['', { tab: true }];
    if (ch === '\x7f' || ch === '\b') return ['', { backspace: true }];
    const code = ch.charCodeAt(0);
    // Ctrl-A … Ctrl-Z arrive as 0x01-0x1a; ink names them by their letter.
    if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ctrl: true }];
    return [ch, {}];
  });
}
