/**
 * A playbook run in history: one record commit (no file change) with
 * `Playbook: <kind> <id>` and its outcome, and the list of past runs.
 */
import type { Store } from '../../core/store/open.js';
import type { Person } from '../../core/types.js';
import { writeRecordCommit } from '../../core/store/record-commit.js';
import { queryHistory } from '../../core/audit/query.js';
import { firstTrailer } from '../../core/record/trailers.js';
import type { IncidentRecord } from './types.js';

/**
 * Records the finished run as a commit and stamps the record with its end.
 * @example await recordPlaybook(store, record, author, Date.now)
 */
export async function recordPlaybook(store: Store, record: IncidentRecord, author: Person, now: () => number): Promise<IncidentRecord> {
  record.endedAt = new Date(now()).toISOString();
  const trailers = [
    { key: 'Playbook', value: `${record.kind} ${record.id}` },
    { key: 'Playbook-Result', value: record.outcome },
    ...(record.rollbackCommit ? [{ key: 'Playbook-Rollback', value: record.rollbackCommit }] : []),
    ...(record.checklist.forced.length > 0 ? [{ key: 'Forced', value: record.checklist.forced.join(', ') }] : []),
  ];
  const body = record.timeline.map((t) => `${t.at} ${t.step}: ${t.detail}`).join('\n');
  record.recordCommit = await writeRecordCommit(store, { title: summaryOf(record), body, trailers, author, now, reflogMessage: `playbook: ${record.kind} ${record.id}` });
  record.timeline.push({ at: record.endedAt, step: 'record', detail: `recorded as ${record.recordCommit.slice(0, 7)}` });
  return record;
}

export interface PlaybookHistoryEntry {
  id: string;
  kind: string;
  outcome: string;
  commit: string;
  rollback: string | null;
  date: string;
  author: string;
  title: string;
}

/**
 * Every playbook run recorded in the store's history, newest first.
 * @example playbookHistory(store).filter((p) => p.kind === 'emergency')
 */
export function playbookHistory(store: Store): PlaybookHistoryEntry[] {
  return queryHistory(store, { grep: /^Playbook-Result: / }).entries().flatMap((e) => {
    const [kind, id] = (firstTrailer(e.trailers, 'Playbook') ?? '').split(' ');
    const outcome = firstTrailer(e.trailers, 'Playbook-Result');
    if (!kind || !id || !outcome) return [];
    return [{ id, kind, outcome, commit: e.commit, rollback: firstTrailer(e.trailers, 'Playbook-Rollback') ?? null, date: e.date, author: e.author.name, title: e.title }];
  });
}

/** One line for the alert and the record commit's title. */
export function summaryOf(r: IncidentRecord): string {
  const to = r.target ? ` to ${r.target.commit.slice(0, 7)}` : '';
  const what = r.kind === 'gradual' ? `${r.services.length} instance${r.services.length === 1 ? '' : 's'}` : `${r.files.length} file${r.files.length === 1 ? '' : 's'}`;
  return `playbook ${r.kind} ${r.id}: ${r.outcome}; rolled back ${what}${to}${r.freezeCommit ? '; changes stay frozen until unfreeze' : ''}`;
}
