import { Box, Text } from 'ink';

export interface TextPaneProps {
  lines: readonly string[];
  scroll: number;
  height: number;
  /** A bordered box with a title (help, drift, dialogs), else a plain pane. */
  title?: string;
  footer?: string;
  color: boolean;
}

/** A window onto `lines` (already formatted, maybe with colour codes); only the visible ones are rendered. */
export function TextPane({ lines, scroll, height, title, footer, color }: TextPaneProps) {
  const inner = title === undefined ? height : height - 2 - (footer ? 1 : 0) - 1;
  const first = Math.max(0, Math.min(scroll, lines.length - inner));
  const shown = lines.slice(first, first + inner).map((l, i) => (
    <Text key={first + i} wrap="truncate">{l === '' ? ' ' : l}</Text>
  ));
  if (title === undefined) return <Box flexDirection="column" height={height}>{shown}</Box>;
  const more = lines.length > inner ? ` (${first + 1}-${Math.min(lines.length, first + inner)} of ${lines.length})` : '';
  return (
    <Box flexDirection="column" height={height} borderStyle="round" borderColor={color ? 'cyan' : undefined} paddingX={1}>
      <Text bold wrap="truncate">{title}{more}</Text>
      <Box flexDirection="column" height={inner}>{shown}</Box>
      {footer ? <Text wrap="truncate" dimColor={color}>{footer}</Text> : null}
    </Box>
  );
}
