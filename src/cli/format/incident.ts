/** A playbook's checklist, its incident record (JSON and Markdown) and the list of past runs. */
import type { Checklist, IncidentRecord } from '../../ops/playbook/types.js';
import type { PlaybookHistoryEntry } from '../../ops/playbook/record.js';

const MARK = { pass: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
/** Markdown table cells: a pipe or newline in a message must not break the table. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The evaluated checklist, one line a check, then the changes in the incident window. */
export function formatChecklist(c: Checklist): string {
  const lines = ['Pre-rollback checklist:'];
  for (const x of c.checks) lines.push(`  [${MARK[x.status]}] ${x.name}: ${x.detail}${c.forced.includes(x.name) ? ' (passed over: --force)' : ''}`);
  if (c.window.changes.length > 0) {
    lines.push(`Changes since the last good verification (${c.window.since}):`);
    for (const w of c.window.changes) lines.push(`  ${w.date}  ${w.commit.slice(0, 7)}  ${w.kind.padEnd(8)} ${w.author}  ${w.title}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the run will do, in order (for --dry-run and the confirmation). */
export function formatSteps(r: IncidentRecord): string {
  const to = r.target ? `the last good revision ${r.target.commit.slice(0, 7)} (${r.target.title})` : 'the last good revision';
  const steps = {
    emergency: `freeze changes; roll back every file to ${to}; restart and verify ${r.services.join(', ') || 'no service'}; notify; record. The freeze stays until 'cfgtrail unfreeze'.`,
    selective: `roll back ${r.files.join(', ')} to ${to}; restart and verify only ${r.services.join(', ') || 'no service'}; notify; record.`,
    gradual: `roll the instances back to ${r.target?.changeId ?? r.target?.commit.slice(0, 7) ?? 'last good'} (${to}) batch by batch, each batch's gate before the next; notify; record.`,
  }[r.kind];
  return `Playbook ${r.kind} ${r.id}: ${steps}\n`;
}

/** The incident record as JSON (snake_case, ISO times). */
export function incidentJson(r: IncidentRecord): string {
  return `${JSON.stringify({
    id: r.id, kind: r.kind, outcome: r.outcome, started_at: r.startedAt, ended_at: r.endedAt, ran_by: r.ranBy, host: r.host,
    services: r.services, files: r.files, target: r.target,
    checklist: { checks: r.checklist.checks, forced: r.checklist.forced, notified: r.checklist.notified, window: r.checklist.window },
    undone: r.undone, commits: { freeze: r.freezeCommit, rollback: r.rollbackCommit, record: r.recordCommit },
    verification: r.verification, timeline: r.timeline, next: r.next,
  }, null, 2)}\n`;
}

/** The incident record a post-mortem starts from. */
export function incidentMarkdown(r: IncidentRecord): string {
  const lines = [
    `# Incident ${r.id}: playbook ${r.kind}, ${r.outcome}`,
    '',
    `Run by ${r.ranBy} on ${r.host}, ${r.startedAt} to ${r.endedAt}.`,
    r.target ? `Rolled back to the last good revision \`${r.target.commit.slice(0, 7)}\` (${cell(r.target.title)}): ${r.files.map((f) => `\`${f}\``).join(', ') || 'no file'}; services ${r.services.join(', ') || 'none'}.` : '',
    r.freezeCommit ? `Changes are frozen (\`${r.freezeCommit.slice(0, 7)}\`) until \`cfgtrail unfreeze\`.` : '',
    ...(r.next.length > 0 ? ['', '**Not finished.** Next:', ...r.next.map((n) => `- \`${n}\``)] : []),
    '',
    '## Timeline',
    '',
    '| time | step | what |',
    '| --- | --- | --- |',
    ...r.timeline.map((t) => `| ${t.at} | ${t.step} | ${cell(t.detail)} |`),
    '',
    '## Pre-rollback checklist',
    '',
    ...r.checklist.checks.map((c) => `- **${c.name}**: ${c.status}${r.checklist.forced.includes(c.name) ? ' (passed over with --force)' : ''}: ${c.detail}`),
    '',
    `## Changes in the incident window (since ${r.checklist.window.since ?? '—'})`,
    '',
    ...(r.checklist.window.changes.length === 0 ? ['None recorded.'] : ['| time | commit | kind | author | title |', '| --- | --- | --- | --- | --- |',
      ...r.checklist.window.changes.map((w) => `| ${w.date} | \`${w.commit.slice(0, 7)}\` | ${w.kind} | ${cell(w.author)} | ${cell(w.title)} |`)]),
    '',
    '## What was undone',
    '',
    ...(r.undone.length === 0 ? ['Nothing.'] : r.undone.map((u) => `- \`${u.commit.slice(0, 7)}\` ${u.changeId ?? ''} ${cell(u.title)}`)),
    '',
    '## Verification',
    '',
    ...(r.verification.length === 0 ? ['Not run.'] : r.verification.map((v) => `- ${v.service}: ${v.ok ? 'healthy' : '**FAILED**'}: ${cell(v.message)}`)),
    '',
  ];
  return `${lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')}\n`;
}

/** `playbook --history`: one line a run, newest first. */
export function formatPlaybookHistory(h: PlaybookHistoryEntry[]): string {
  if (h.length === 0) return 'no playbook has been run\n';
  return h.map((p) => `${p.date}  ${p.commit.slice(0, 7)}  ${p.kind.padEnd(9)} ${p.id}  ${p.outcome.padEnd(14)} ${p.author}\n`).join('');
}
