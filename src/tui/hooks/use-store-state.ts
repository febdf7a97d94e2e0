import { useEffect, useState } from 'react';
import type { Browser, StoreState } from '../../ops/browse.js';
import type { DriftStatus } from '../../ops/drift-status.js';
import { messageOf } from './use-history.js';

export interface StoreView {
  state: StoreState | null;
  drift: DriftStatus | null;
  error: string | null;
}

/**
 * Freeze, pending rollback and drift for the status bar. Drift reads every
 * live file, so it is loaded once the list is on screen (`ready`), and again
 * when `version` changes (after a rollback, or when the drift screen opens).
 */
export function useStoreState(browser: Browser, version: number, ready: boolean): StoreView {
  const [view, setView] = useState<StoreView>({ state: null, drift: null, error: null });
  useEffect(() => {
    if (!ready) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      Promise.all([browser.state(), browser.drift()]).then(
        ([state, drift]) => live && setView({ state, drift, error: null }),
        (e: unknown) => live && setView((v) => ({ ...v, error: messageOf(e) })),
      );
    }, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [browser, version, ready]);
  return view;
}
