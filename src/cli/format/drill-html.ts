/**
 * A drill's report as one self-contained HTML page: the measured times, and
 * a timeline picture (inline SVG) of every health probe's latency, red when
 * it failed, with the phases as bands and the change, detection and recovery
 * as marks.
 */
import { formatDuration } from '../../core/record/duration.js';
import type { DrillResult } from '../../ops/drill/types.js';

const W = 900;
const H = 260;
const PAD = { left: 56, right: 16, top: 28, bottom: 36 };

/** Escapes text for HTML and SVG (messages come from services and may hold anything). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The inline SVG timeline. */
export function drillTimelineSvg(r: DrillResult): string {
  const end = Math.max(1, ...r.phases.map((p) => p.end), ...r.samples.map((s) => s.t));
  const maxLat = Math.max(10, ...r.samples.map((s) => s.latencyMs));
  const x = (t: number) => PAD.left + (t / end) * (W - PAD.left - PAD.right);
  const y = (ms: number) => H - PAD.bottom - (ms / maxLat) * (H - PAD.top - PAD.bottom);
  const colors: Record<string, string> = { snapshot: '#eee', apply: '#fde2c8', restart: '#fff1b8', detect: '#ffd6d6', rollback: '#d6e9ff', restore: '#d6ffe0', record: '#eee' };
  const bands = r.phases.map((p) => `<rect x="${x(p.start).toFixed(1)}" y="${PAD.top}" width="${Math.max(1, x(p.end) - x(p.start)).toFixed(1)}" height="${H - PAD.top - PAD.bottom}" fill="${colors[p.phase] ?? '#eee'}"><title>${escapeHtml(`${p.phase}: ${formatDuration(p.end - p.start)}${p.detail ? ` (${p.detail})` : ''}`)}</title></rect>`
    + `<text x="${(x(p.start) + 2).toFixed(1)}" y="${PAD.top - 6}" font-size="10">${escapeHtml(p.phase)}</text>`);
  const line = r.samples.map((s) => `${x(s.t).toFixed(1)},${y(s.latencyMs).toFixed(1)}`).join(' ');
  const dots = r.samples.map((s) => `<circle cx="${x(s.t).toFixed(1)}" cy="${y(s.latencyMs).toFixed(1)}" r="3.5" fill="${s.ok ? '#2a9d4b' : '#d62828'}"><title>${escapeHtml(`${formatDuration(s.t)} ${s.service} ${s.check}: ${s.message} (${s.latencyMs} ms)`)}</title></circle>`);
  const marks = ([['change', r.changeAt, '#e76f00'], ['detected', r.detectedAt, '#d62828'], ['recovered', r.recoveredAt, '#2a9d4b']] as const)
    .filter(([, t]) => t !== null)
    .map(([label, t, c]) => `<line x1="${x(t!).toFixed(1)}" x2="${x(t!).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="${c}" stroke-width="2" stroke-dasharray="4 3"/>`
      + `<text x="${(x(t!) + 3).toFixed(1)}" y="${H - PAD.bottom - 4}" font-size="11" fill="${c}">${label} ${escapeHtml(formatDuration(t!))}</text>`);
  const axis = `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#333"/>`
    + `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#333"/>`
    + `<text x="${PAD.left}" y="${H - 8}" font-size="11">0</text><text x="${W - PAD.right}" y="${H - 8}" font-size="11" text-anchor="end">${escapeHtml(formatDuration(end))}</text>`
    + `<text x="${PAD.left - 6}" y="${PAD.top + 4}" font-size="11" text-anchor="end">${maxLat} ms</text>`
    + `<text x="12" y="${(H / 2).toFixed(0)}" font-size="11" transform="rotate(-90 12 ${(H / 2).toFixed(0)})" text-anchor="middle">probe latency</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="drill timeline">`
    + `${bands.join('')}${axis}${line ? `<polyline points="${line}" fill="none" stroke="#555" stroke-width="1"/>` : ''}${dots.join('')}${marks.join('')}</svg>`;
}

/** The whole page. */
export function drillReportHtml(r: DrillResult): string {
  const t = r.plan.targets;
  const row = (what: string, ms: number | null, target: number, ok: boolean) =>
    `<tr><td>${what}</td><td>${ms === null ? '—' : escapeHtml(formatDuration(ms))}</td><td>${escapeHtml(formatDuration(target))}</td><td class="${ok ? 'ok' : 'bad'}">${ok ? 'pass' : 'FAIL'}</td></tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`Drill ${r.id}: ${r.outcome}`)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}.ok{color:#2a9d4b}.bad{color:#d62828;font-weight:bold}</style></head>
<body><h1>${escapeHtml(`Drill ${r.id}: ${r.outcome}`)}</h1>
<p>${escapeHtml(`${r.plan.change} in ${r.plan.file}; services ${r.plan.services.join(', ')}; started ${r.startedAt}.`)}</p>
<table><tr><th>measure</th><th>time</th><th>target</th><th>verdict</th></tr>
${row('time to detect', r.detectMs, t.maxDetectMs, r.verdicts.detect)}
${row('time to recover', r.recoverMs, t.maxRecoverMs, r.verdicts.recover)}</table>
<p>Detected by: ${escapeHtml(r.detectedBy ?? 'nothing')}. Original state restored: ${r.restored ? 'yes' : '<b class="bad">NO</b>'}.</p>
${drillTimelineSvg(r)}
${r.problems.length ? `<h2>Problems</h2><ul>${r.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
