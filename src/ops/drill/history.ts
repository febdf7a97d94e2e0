/** Past drills, from their record commits (`Drill-Result` trailers), newest first. */
import { queryHistory } from '../../core/audit/query.js';
import type { Store } from '../../core/store/open.js';
import { firstTrailer } from '../../core/record/trailers.js';

export interface DrillHistoryEntry {
  id: string;
  commit: string;
  date: string;
  author: string;
  outcome: string;
  detectMs: number | null;
  recoverMs: number | null;
  title: string;
}

/**
 * Every drill recorded in the store's history.
 * @example drillHistory(store).map((d) => d.recoverMs)
 */
export function drillHistory(store: Store): DrillHistoryEntry[] {
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  return queryHistory(store, { grep: /^Drill-Result: / }).entries().flatMap((e) => {
    const id = firstTrailer(e.trailers, 'Drill');
    const outcome = firstTrailer(e.trailers, 'Drill-Result');
    if (!id || !outcome) return [];
    return [{
      id, commit: e.commit, date: e.date, author: e.author.name, outcome,
      detectMs: num(firstTrailer(e.trailers, 'Drill-Detect-Ms')), recoverMs: num(firstTrailer(e.trailers, 'Drill-Recover-Ms')), title: e.title,
    }];
  });
}
