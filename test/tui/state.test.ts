import { describe, expect, it } from 'vitest';
import { initialState, reduce, splitKeys, type Action, type KeyInfo, type UiState } from '../../src/tui/state.js';
import { fit, rowColumns } from '../../src/tui/row-text.js';
import { safeLine } from '../../src/tui/text-lines.js';

const shown = { length: 100, listHeight: 10, detailHeight: 8, detailLines: 30 };
const commits = (i: number) => `c${i}`.padEnd(40, '0');
const press = (s: UiState, input: string, key: KeyInfo = {}): UiState => reduce(s, { type: 'key', input, key, shown, commitAt: commits } as Action);
const typed = (s: UiState, text: string) => [...text].reduce((x, ch) => press(x, ch), s);

describe('keys', () => {
  it('move the selection and keep it on screen; pages, ends and clamps', () => {
    let s = press(initialState(), 'j');
    expect(s.selected).toBe(1);
    s = press(s, '', { pageDown: true });
    expect([s.selected, s.top]).toEqual([11, 2]);
    s = press(s, 'G');
    expect([s.selected, s.top]).toEqual([99, 90]);
    s = press(s, 'j');
    expect(s.selected).toBe(99);
    s = press(press(s, 'g'), 'k');
    expect([s.selected, s.top]).toEqual([0, 0]);
  });

  it('in the detail pane scroll it, within its length', () => {
    let s = press(initialState(), '', { tab: true });
    expect(s.focus).toBe('detail');
    s = press(press(s, 'j'), 'G');
    expect([s.selected, s.detailScroll]).toEqual([0, 22]);
    s = press(s, '', { return: true });
    expect(s.focus).toBe('list');
  });

  it('/ edits a draft; Enter applies it, Esc keeps the filter in effect', () => {
    let s = typed(press(initialState('risk:high'), '/'), 'x');
    expect([s.view, s.draft]).toEqual(['filter', 'risk:highx']);
    s = press(s, '', { escape: true });
    expect([s.view, s.filterText]).toEqual(['main', 'risk:high']);
    s = press(press(press(typed(press(s, '/'), 'zz'), '', { backspace: true }), 'u', { ctrl: true }), 'q');
    expect(s.draft).toBe('q'); // q is text at the prompt, not quit
    s = press(s, '', { return: true });
    expect([s.view, s.filterText, s.quit]).toEqual(['main', 'q', false]);
  });

  it('r opens a rollback dialog for the selected commit; only y in the confirm stage applies', () => {
    let s = press(press(initialState(), 'j'), 'r');
    expect(s.dialog).toEqual({ kind: 'rollback', commit: commits(1), stage: 'planning', scroll: 0, reason: '' });
    expect(press(s, 'y').dialog!.stage).toBe('planning'); // no plan yet: nothing to confirm
    expect(press(s, '', { escape: true }).dialog).not.toBeNull(); // planning reads only, but runs to its end
    s = reduce(s, { type: 'dialog-stage', stage: 'confirm' });
    expect(press(s, 'j').dialog!.scroll).toBe(1);
    // y asks why (the Reason trailer), typed as text; Enter applies, Esc cancels
    const why = typed(press(s, 'y'), 'q y!');
    expect(why.dialog).toMatchObject({ stage: 'reason', reason: 'q y!' });
    expect(press(why, '', { escape: true })).toMatchObject({ view: 'main', dialog: null });
    expect(press(s, 'n').view).toBe('main');
    const applying = press(why, '', { return: true });
    expect(applying.dialog).toMatchObject({ stage: 'applying', reason: 'q y!' });
    expect(press(applying, '', { escape: true }).dialog!.stage).toBe('applying'); // not closed mid-rollback
    expect(press(applying, 'c', { ctrl: true }).quit).toBe(false);
    const blocked = reduce(s, { type: 'dialog-stage', stage: 'blocked' });
    expect(press(blocked, 'y').view).toBe('dialog');
    expect(press(blocked, '', { return: true }).view).toBe('main');
  });

  it('v on an empty list opens nothing; q, Esc and Ctrl-C quit from the main view only', () => {
    const empty = reduce(initialState(), { type: 'key', input: 'v', key: {}, shown: { ...shown, length: 0 }, commitAt: () => null });
    expect(empty.view).toBe('main');
    expect(press(initialState(), 'q').quit).toBe(true);
    expect(press(initialState(), '', { escape: true }).quit).toBe(true);
    expect(press(initialState(), 'c', { ctrl: true }).quit).toBe(true);
    const help = press(initialState(), '?');
    expect(press(help, 'q')).toMatchObject({ view: 'main', quit: false });
  });

  it('keys that arrive together are pressed one by one', () => {
    expect(splitKeys('jj', {})).toEqual([['j', {}], ['j', {}]]);
    expect(splitKeys('/a\r', {})).toEqual([['/', {}], ['a', {}], ['', { return: true }]]);
    expect(splitKeys('x\x7f\x15', {})).toEqual([['x', {}], ['', { backspace: true }], ['u', { ctrl: true }]]);
    expect(splitKeys('\x1b[A', { upArrow: true })).toEqual([['\x1b[A', { upArrow: true }]]);
    expect(splitKeys('é', {})).toEqual([['é', {}]]);
  });
});

describe('row text', () => {
  const row = { commit: 'a'.repeat(40), changeId: 'I0123456789abcdef', date: '2026-11-20T14:02:33+01:00', author: 'A Very Long Author Name', title: `Raise the pool\x1b[2J ${'and again '.repeat(10)}`, risk: 'critical', markers: ['rollback' as const, 'drill' as const], verification: 'failed' as const };

  it('fills the width exactly, cutting the title; control characters never reach the terminal', () => {
    for (const width of [80, 100, 120]) {
      const c = rowColumns(row, width);
      expect(2 + Object.values(c).reduce((n, x) => n + x.length + 1, 0) - 1).toBeLessThanOrEqual(width);
      expect(c.title.length).toBeGreaterThanOrEqual(width - 66);
    }
    const c = rowColumns(row, 80);
    expect(c).toMatchObject({ commit: 'aaaaaaa', changeId: 'I01234567', date: '2026-11-20 14:02', author: 'A Very Long…', marks: 'RD', verification: '✗', risk: 'critical' });
    expect(c.title).not.toContain('\x1b');
    expect(fit('abc', 2)).toBe('a…');
  });

  it('detail lines keep colour codes and show every other escape as text', () => {
    expect(safeLine('\x1b[33mcommit\x1b[m x\x1b]0;t\x07\x1b[2J\tz')).toBe('\x1b[33mcommit\x1b[m x^[]0;t?^[[2J    z');
  });
});
