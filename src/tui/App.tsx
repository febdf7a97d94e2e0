import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Browser } from '../ops/browse.js';
import type { HistoryList as List } from '../core/audit/history-rows.js';
import { initialState, reduce, splitKeys, type DialogState } from './state.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useHistory } from './hooks/use-history.js';
import { useDetail } from './hooks/use-detail.js';
import { useStoreState } from './hooks/use-store-state.js';
import { useAction } from './hooks/use-action.js';
import { HistoryList } from './components/HistoryList.js';
import { TextPane } from './components/TextPane.js';
import { StatusBar } from './components/StatusBar.js';
import { detailLines, driftLines, HELP_LINES } from './text-lines.js';
import { fit } from './row-text.js';

/** How often the store's HEAD is read to notice changes made by other commands. */
export const HEAD_POLL_MS = 1000;

export interface AppProps {
  browser: Browser;
  /** Colours (off with NO_COLOR or --no-color). */
  color: boolean;
  /** The filter to start with (`cfgtrail tui [FILTER...]`). */
  filter?: string;
  /** Its list, when already queried. */
  list?: List;
}

/**
 * The history browser: status bar, history list, detail pane, and the help,
 * drift, filter and rollback/revert screens over them. The one owner of `exit()`.
 */
export function App({ browser, color, filter = '', list: initialList }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { columns, rows } = useTerminalSize(stdout);
  const [s, dispatch] = useReducer(reduce, filter, initialState);
  const [version, setVersion] = useState(0);
  const [driftVersion, setDriftVersion] = useState(0);
  const history = useHistory(browser, s.filterText, version, initialList);
  const list = history.list;
  const commit = list && list.length > 0 ? list.row(Math.min(s.selected, list.length - 1)).commit : null;
  const detail = useDetail(browser, commit, s.against, version + driftVersion);
  const store = useStoreState(browser, version + driftVersion, list !== null);
  const setStage = useCallback((stage: DialogState['stage']) => dispatch({ type: 'dialog-stage', stage }), []);
  // After a rollback or revert the list is reloaded (a new commit on top): the selected change stays selected.
  const reselect = useRef<string | null>(null);
  const selectedCommit = useRef(commit);
  selectedCommit.current = commit;
  const onApplied = useCallback(() => {
    reselect.current = selectedCommit.current;
    setVersion((v) => v + 1);
  }, []);
  const action = useAction(browser, s.dialog, color, setStage, onApplied);

  // Ink redraws the whole screen when the frame is as tall as the terminal: keep one line free
  // (status bar, list, separator, detail, bottom line = rows - 1).
  const body = Math.max(4, rows - 4);
  const listHeight = Math.max(2, Math.floor(body / 2));
  const detailHeight = body - listHeight;
  useEffect(() => {
    const at = list && reselect.current ? list.indexOf(reselect.current) : -1;
    reselect.current = null;
    if (list && at >= 0) dispatch({ type: 'list', length: list.length, select: at });
  }, [list]);
  // Formatted once per detail, not on every key.
  const formatted = useMemo(() => (detail.detail ? detailLines(detail.detail, color) : null), [detail.detail, color]);
  const lines = formatted ?? [detail.error ? `cfgtrail: ${detail.error}` : detail.loading ? 'loading…' : ''];
  useEffect(() => {
    if (s.quit) exit();
  }, [s.quit]);
  // A change recorded by another command (a snapshot, a rollback) shows up without a key.
  useEffect(() => {
    let head = browser.head();
    const timer = setInterval(() => {
      const now = browser.head();
      if (now === head) return;
      head = now;
      reselect.current = selectedCommit.current;
      setVersion((v) => v + 1);
    }, HEAD_POLL_MS);
    return () => clearInterval(timer);
  }, [browser]);
  useEffect(() => {
    if (s.view === 'drift') setDriftVersion((v) => v + 1); // the drift screen shows the files as they are now
  }, [s.view]);

  // The key handler reads what was last rendered through a ref: ink re-subscribes it only
  // after React's passive effects run, and a key in between would act on an older screen.
  const screen = useRef({ list, listHeight, detailHeight, detailLines: lines.length });
  screen.current = { list, listHeight, detailHeight, detailLines: lines.length };
  useInput((input, key) => {
    const { list: l, ...sizes } = screen.current;
    const shown = { length: l?.length ?? 0, ...sizes };
    const commitAt = (i: number) => (l && i < l.length ? l.row(i).commit : null);
    for (const [ch, k] of splitKeys(input, key)) dispatch({ type: 'key', input: ch, key: k, shown, commitAt });
  });

  const position = list ? `${list.length === 0 ? 0 : s.selected + 1}/${list.length}` : '';
  const overlay = overlayOf();
  const bottom = s.view === 'filter' ? `/${s.draft}█` : history.error ? `cfgtrail: ${history.error}` : store.error ? `cfgtrail: ${store.error}` : hints();
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <StatusBar root={browser.root} store={store} position={position} filterText={s.filterText} width={columns} color={color} />
      {overlay ?? (
        <>
          <HistoryList list={list} top={s.top} height={listHeight} selected={s.selected} width={columns} focused={s.focus === 'list'} color={color} />
          <Text wrap="truncate" dimColor={color}>{fit(`── ${s.focus === 'detail' ? '[detail]' : 'detail'} ${'─'.repeat(columns)}`, columns)}</Text>
          <TextPane lines={lines} scroll={s.detailScroll} height={detailHeight} color={color} />
        </>
      )}
      <Text wrap="truncate" color={color && (history.error || store.error) ? 'red' : undefined}>{fit(bottom, columns)}</Text>
    </Box>
  );

  function overlayOf() {
    const height = body + 1;
    if (s.view === 'help') return <TextPane title="cfgtrail tui: keys" lines={HELP_LINES} scroll={0} height={height} footer="q/Esc: back" color={color} />;
    if (s.view === 'drift') {
      const shown = store.drift ? driftLines(store.drift, store.state, color) : ['reading the live files…'];
      return <TextPane title="live drift" lines={shown} scroll={0} height={height} footer="q/Esc/s: back" color={color} />;
    }
    if (s.view === 'dialog' && s.dialog) {
      const d = s.dialog;
      const title = `${d.kind === 'rollback' ? 'Roll back to' : 'Revert'} ${d.commit.slice(0, 7)}`;
      return <TextPane title={title} lines={action.lines} scroll={d.scroll} height={height} footer={dialogFooter(d)} color={color} />;
    }
    return null;
  }

  function hints(): string {
    return s.focus === 'list'
      ? 'j/k move  Enter/Tab detail  / filter  d diff side  s drift  r rollback  v revert  ? help  q quit'
      : 'j/k scroll  Enter/Tab list  d diff side  ? help  q quit';
  }

  function dialogFooter(d: DialogState): string {
    if (d.stage === 'planning') return 'planning…';
    if (d.stage === 'confirm') return `${d.kind === 'rollback' ? 'Roll back' : 'Revert'}? y: yes, restart and verify  n/Esc: cancel  j/k: scroll`;
    if (d.stage === 'reason') return `Reason (recorded in the commit; Enter: go on, Esc: cancel): ${d.reason}█`;
    if (d.stage === 'applying') return 'working… (the dialog closes when it is done)';
    if (d.stage === 'done') return `${action.failed ? 'FAILED — see above. ' : 'Done. '}Esc/Enter: close`;
    return 'Esc/Enter: close';
  }
}
