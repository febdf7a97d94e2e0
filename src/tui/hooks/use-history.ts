import { useEffect, useRef, useState } from 'react';
import type { HistoryList } from '../../core/audit/history-rows.js';
import type { Browser } from '../../ops/browse.js';

/**
 * The history list for `filterText`, reloaded when it or `version` (bumped
 * after a rollback or revert) changes. A filter the query refuses keeps the
 * previous list and reports why. `initial`: the list for the starting filter,
 * already queried (while the TUI loaded), so the first screen needs no second render.
 */
export function useHistory(browser: Browser, filterText: string, version: number, initial?: HistoryList): { list: HistoryList | null; error: string | null } {
  const [list, setList] = useState<HistoryList | null>(initial ?? null);
  const [error, setError] = useState<string | null>(null);
  const first = useRef(initial !== undefined);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return undefined;
    }
    let live = true;
    browser.list(filterText).then(
      (l) => {
        if (!live) return;
        setList(l);
        setError(null);
      },
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [browser, filterText, version]);
  return { list, error };
}

/** An error as the one line the browser shows. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
