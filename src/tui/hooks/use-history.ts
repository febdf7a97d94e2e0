import { useEffect, useState } from 'react';
import type { HistoryList } from '../../core/audit/history-rows.js';
import type { Browser } from '../../ops/browse.js';

/**
 * The history list for `filterText`, reloaded when it or `version` (bumped
 * after a rollback or revert) changes. A filter the query refuses keeps the
 * previous list and reports why.
 */
export function useHistory(browser: Browser, filterText: string, version: number): { list: HistoryList | null; error: string | null } {
  const [list, setList] = useState<HistoryList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
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
