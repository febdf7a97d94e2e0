import { Box, Text } from 'ink';
import type { HistoryList as List } from '../../core/audit/history-rows.js';
import { rowColumns } from '../row-text.js';

export interface HistoryListProps {
  list: List | null;
  top: number;
  height: number;
  selected: number;
  width: number;
  focused: boolean;
  color: boolean;
}

const RISK_COLOR: Record<string, string> = { high: 'yellow', critical: 'red' };

/** The visible rows of the history list (only those are built and rendered). */
export function HistoryList({ list, top, height, selected, width, focused, color }: HistoryListProps) {
  if (!list) return <Box height={height}><Text>loading history…</Text></Box>;
  if (list.length === 0) return <Box height={height}><Text>no change matches (/ to change the filter)</Text></Box>;
  const rows = [];
  for (let i = top; i < Math.min(list.length, top + height); i++) {
    const c = rowColumns(list.row(i), width);
    const on = i === selected;
    const paint = (name: string | undefined) => (color && !on ? name : undefined);
    rows.push(
      <Text key={i} wrap="truncate" inverse={on && focused} bold={on}>
        {on ? '> ' : '  '}
        <Text color={paint('yellow')}>{c.commit}</Text> {c.changeId} <Text color={paint('gray')}>{c.date}</Text> {c.author}{' '}
        <Text color={paint('cyan')}>{c.marks}</Text>
        <Text color={paint(c.verification === '✗' ? 'red' : 'green')}>{c.verification}</Text>{' '}
        <Text color={paint(RISK_COLOR[c.risk.trim()])}>{c.risk}</Text> {c.title}
      </Text>,
    );
  }
  return <Box flexDirection="column" height={height}>{rows}</Box>;
}
