// The results as a markdown table (one per section) and as JSON.
const fmtMs = (ms) => (ms === undefined ? '' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const fmtBytes = (n) => (n === undefined ? '' : `${(n / 1048576).toFixed(2)} MiB`);

function cell(row, side) {
  if (side === 'ours') return row.ours !== undefined ? fmtBytes(row.ours) : fmtMs(row.oursMs);
  return row.theirs !== undefined ? fmtBytes(row.theirs) : fmtMs(row.nativeMs);
}

const esc = (s) => String(s ?? '').replace(/\|/g, '\\|');

/** Markdown tables of all rows, grouped by section in first-seen order. */
export function formatTables(rows) {
  const sections = [...new Set(rows.map((r) => r.section))];
  const out = [];
  for (const s of sections) {
    out.push(`### ${s}`, '', '| measure | cfgtrail | native / baseline | native | ratio | target | result | note |', '|---|---:|---|---:|---:|---|---|---|');
    for (const r of rows.filter((x) => x.section === s)) {
      const verdict = r.pass === undefined ? '' : r.pass ? 'PASS' : 'MISS';
      const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`;
      out.push(`| ${esc(r.name)} | ${cell(r, 'ours')} | ${esc(r.native)} | ${cell(r, 'theirs')} | ${ratio} | ${esc(r.target)} | ${verdict} | ${esc(r.note)} |`);
    }
    out.push('');
  }
  const judged = rows.filter((r) => r.pass !== undefined);
  out.push(`Targets: ${judged.filter((r) => r.pass).length} PASS, ${judged.filter((r) => !r.pass).length} MISS of ${judged.length}.`);
  return out.join('\n');
}
