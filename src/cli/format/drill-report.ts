/** A drill's report as JSON (snake_case, times in ms) and Markdown. */
import { formatDuration } from '../../core/record/duration.js';
import type { DrillHistoryEntry } from '../../ops/drill/history.js';
import type { DrillResult } from '../../ops/drill/types.js';

/** The JSON report: every phase, every sample, the measured times and the verdicts. */
export function drillReportJson(r: DrillResult): string {
  return `${JSON.stringify({
    id: r.id,
    outcome: r.outcome,
    started_at: r.startedAt,
    file: r.plan.file,
    change: r.plan.change,
    services: r.plan.services,
    detect: r.plan.detect === 'health' ? 'health' : 'watch',
    detected_by: r.detectedBy,
    detect_ms: r.detectMs,
    recover_ms: r.recoverMs,
    targets: { max_detect_ms: r.plan.targets.maxDetectMs, max_recover_ms: r.plan.targets.maxRecoverMs },
    verdicts: r.verdicts,
    restored: r.restored,
    phases: r.phases.map((p) => ({ phase: p.phase, start_ms: p.start, end_ms: p.end, ...(p.detail ? { detail: p.detail } : {}) })),
    marks: { change_ms: r.changeAt, detected_ms: r.detectedAt, recovered_ms: r.recoveredAt },
    samples: r.samples.map((s) => ({ t_ms: s.t, service: s.service, check: s.check, ok: s.ok, latency_ms: s.latencyMs, message: s.message })),
    commits: r.commits,
    problems: r.problems,
  }, null, 2)}\n`;
}

const time = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
const verdict = (ok: boolean) => (ok ? 'pass' : '**FAIL**');
/** Markdown table cells: a pipe or newline in a message must not break the table. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The Markdown report a team reads (and pastes into a post-mortem). */
export function drillReportMarkdown(r: DrillResult): string {
  const t = r.plan.targets;
  const lines = [
    `# Drill ${r.id}: ${r.outcome}`,
    '',
    `Started ${r.startedAt}. Bad change: \`${cell(r.plan.change)}\` in \`${r.plan.file}\`; services ${r.plan.services.join(', ')}; detection by ${r.plan.detect === 'health' ? 'health checks' : `watch's metric rules (${r.plan.detect.metrics.map((m) => m.name).join(', ')}; ${r.plan.detect.breaches} bad samples in a row)`}.`,
    '',
    '| measure | time | target | verdict |',
    '| --- | ---: | ---: | --- |',
    `| time to detect | ${time(r.detectMs)} | ${formatDuration(t.maxDetectMs)} | ${verdict(r.verdicts.detect)} |`,
    `| time to recover | ${time(r.recoverMs)} | ${formatDuration(t.maxRecoverMs)} | ${verdict(r.verdicts.recover)} |`,
    '',
    `Detected by: ${r.detectedBy ? cell(r.detectedBy) : 'nothing'}. Original state restored: ${r.restored ? 'yes' : '**NO**'}.`,
    '',
    '## Phases',
    '',
    '| phase | start | end | duration | detail |',
    '| --- | ---: | ---: | ---: | --- |',
    ...r.phases.map((p) => `| ${p.phase} | ${time(p.start)} | ${time(p.end)} | ${time(p.end - p.start)} | ${cell(p.detail ?? '')} |`),
    '',
    `## Samples (${r.samples.length})`,
    '',
    '| at | service | check | ok | latency | message |',
    '| ---: | --- | --- | --- | ---: | --- |',
    ...r.samples.map((s) => `| ${time(s.t)} | ${s.service} | ${cell(s.check)} | ${s.ok ? 'yes' : 'no'} | ${s.latencyMs} ms | ${cell(s.message)} |`),
    '',
    '## Commits',
    '',
    `original ${r.commits.original}, drill change ${r.commits.drill ?? '—'}, rollback ${r.commits.rollback ?? '—'}, record ${r.commits.record ?? '—'}`,
    ...(r.problems.length ? ['', '## Problems', '', ...r.problems.map((p) => `- ${cell(p)}`)] : []),
    '',
  ];
  return lines.join('\n');
}

/** `drill --history`: one line per drill, newest first, for the trend. */
export function formatDrillHistory(entries: DrillHistoryEntry[]): string {
  if (entries.length === 0) return 'no drills recorded in this store\n';
  const rows = entries.map((e) => `${e.date}  ${e.id}  ${e.outcome.padEnd(11)}  detect ${time(e.detectMs).padStart(8)}  recover ${time(e.recoverMs).padStart(8)}  ${e.author}`);
  return `${rows.join('\n')}\n`;
}
