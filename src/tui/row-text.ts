/**
 * One history row as fixed-width columns (pure, so list rendering is only
 * slicing): commit, Change-Id, date, author, markers, risk, title.
 */
import type { HistoryRow, Marker } from '../core/audit/history-rows.js';

/** One letter per marker, explained on the `?` screen. */
export const MARKER_LETTER: Record<Marker, string> = { rollback: 'R', 'auto-rollback': 'A', revert: 'V', drill: 'D', freeze: 'F', unfreeze: 'U', playbook: 'P' };

/** A verification result as one character. */
export const VERIFICATION_MARK: Record<NonNullable<HistoryRow['verification']>, string> = { passed: '✓', failed: '✗', unverified: '?', 'marked-good': '✓' };

export interface RowColumns {
  commit: string;
  changeId: string;
  date: string;
  author: string;
  marks: string;
  verification: string;
  risk: string;
  title: string;
}

const AUTHOR_WIDTH = 12;
const RISK_WIDTH = 8;

/**
 * The columns of `row`, each padded to its width; the title gets what is
 * left of `width` (cut with `…`).
 * @example rowColumns(row, 80).commit // 'a1b2c3d'
 */
export function rowColumns(row: HistoryRow, width: number): RowColumns {
  const cols = {
    commit: row.commit.slice(0, 7),
    changeId: (row.changeId ?? '-').slice(0, 9).padEnd(9),
    date: shortDate(row.date),
    author: fit(row.author, AUTHOR_WIDTH),
    marks: row.markers.map((m) => MARKER_LETTER[m]).join('').padEnd(2).slice(0, 2),
    verification: row.verification ? VERIFICATION_MARK[row.verification] : ' ',
    risk: fit(row.risk ?? '', RISK_WIDTH),
  };
  // Two for the cursor, one space between columns.
  const used = 2 + Object.values(cols).reduce((n, c) => n + c.length + 1, 0);
  return { ...cols, title: fit(row.title, Math.max(0, width - used), false) };
}

/** `2026-11-20 14:02` from ISO 8601, in the author's own time as recorded. */
export function shortDate(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** `text` cut to `width` with `…`, padded to it unless `pad` is false. */
export function fit(text: string, width: number, pad = true): string {
  const flat = text.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ');
  const cut = flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…`.slice(0, width) : flat;
  return pad ? cut.padEnd(width) : cut;
}
