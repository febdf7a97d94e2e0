import { Text } from 'ink';
import type { StoreView } from '../hooks/use-store-state.js';
import { fit } from '../row-text.js';

export interface StatusBarProps {
  root: string;
  store: StoreView;
  position: string;
  filterText: string;
  width: number;
  color: boolean;
}

/** The top line: store, drift, freeze and pending-rollback state, the filter, the position. */
export function StatusBar({ root, store, position, filterText, width, color }: StatusBarProps) {
  const { state, drift } = store;
  const driftText = drift === null ? 'drift: …' : drift.diffs.length === 0 ? 'clean' : `drift: ${drift.files.length} file(s)`;
  const freeze = state?.freeze ? `FROZEN${state.freeze.until ? ` until ${state.freeze.until}` : ''}${state.freeze.reason ? ` (${state.freeze.reason})` : ''}` : null;
  const pending = state?.pending ? `ROLLBACK PENDING (${state.pending.stage === 'write' ? 'files half restored' : 'services not verified'})` : null;
  const parts = [`cfgtrail ${root}`, driftText, freeze, pending, filterText ? `filter: ${filterText}` : null, position, '? help'].filter((p): p is string => p !== null);
  const warn = Boolean(freeze || pending || (drift && drift.diffs.length > 0));
  return (
    <Text wrap="truncate" inverse bold={warn} color={color && warn ? 'yellow' : undefined}>
      {fit(parts.join(' │ '), width)}
    </Text>
  );
}
