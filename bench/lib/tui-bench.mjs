// `cfgtrail tui` on the generated store: time to the first full screen (whole
// process, in a pseudo-terminal: bench/lib/tui-pty.py), the share of it spent
// importing dist/tui.mjs (ink, React and the browser), and the time from a
// key to the screen showing its effect. NODE_EXTRA_CA_CERTS is unset, as on a
// user's machine.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const DIST_TUI = join(here, '..', '..', 'dist', 'tui.mjs');
const env = () => {
  const e = { ...process.env, TERM: 'xterm-256color' };
  delete e.NODE_EXTRA_CA_CERTS;
  return e;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The keys each run presses, each with text only the screen after it shows. */
function keysFor(n) {
  const total = `/${n}`;
  return [
    { name: 'j', send: 'j', expect: `2${total}` },
    { name: 'j', send: 'j', expect: `3${total}` },
    { name: '↓', send: '\x1b[B', expect: `4${total}` },
    { name: 'k', send: 'k', expect: `3${total}` },
    // 30 rows leave the list 13 of them: a page down from row 3 is row 16
    { name: 'PgDn', send: '\x1b[6~', expect: `│ 16${total}` },
    { name: 'PgUp', send: '\x1b[5~', expect: `│ 3${total}` },
    { name: 'G', send: 'G', expect: `${n}${total}` },
    { name: 'g', send: 'g', expect: `1${total}` },
    { name: '?', send: '?', expect: 'cfgtrail tui: keys' },
    { name: 'Esc', send: 'q', expect: 'j/k move' },
    { name: '/', send: '/', expect: '/█' },
    { name: 'Esc', send: '\x1b', expect: 'j/k move' },
  ];
}

/** One run of the TUI in a 100×30 pseudo-terminal. */
function runOnce(cli, root, keys) {
  const r = spawnSync('python3', [join(here, 'tui-pty.py'), '100', '30', JSON.stringify(keys), '--', cli, '-C', root, 'tui'], { env: env(), encoding: 'utf8' });
  const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{}');
  if (out.error || r.status !== 0) throw new Error(`tui bench run failed: ${r.stdout}${r.stderr}`);
  return out;
}

/** ms to import dist/tui.mjs in a fresh process (median of `runs`). */
function importMs(runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', `const t = performance.now(); import(${JSON.stringify(DIST_TUI)}).then(() => console.log(performance.now() - t))`], { env: env(), encoding: 'utf8' });
    times.push(Number(r.stdout.trim()));
  }
  return median(times);
}

/** Rows for the results table. */
export function benchTui(ctx, label, store, size) {
  const section = `${label}: cfgtrail tui (whole process, 100×30 pseudo-terminal)`;
  runOnce(ctx.cli, store.root, []); // the index is read warm, as by any command after the first
  // CPU time to the first screen: what the load of a shared machine cannot inflate.
  const cpu = median(Array.from({ length: ctx.runs }, () => runOnce(ctx.cli, store.root, []).firstScreenCpuMs));
  const firsts = [];
  const keyTimes = [];
  for (let i = 0; i < ctx.runs; i++) {
    const out = runOnce(ctx.cli, store.root, keysFor(size));
    firsts.push(out.firstScreenMs);
    keyTimes.push(...out.keys.map((k) => k.ms));
  }
  const first = median(firsts);
  const load = `load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores`;
  const nodeBare = median(Array.from({ length: ctx.runs }, () => {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env: env() });
    return performance.now() - t;
  }));
  const imp = importMs(ctx.runs);
  const sorted = [...keyTimes].sort((a, b) => a - b);
  const p90 = sorted[Math.floor(sorted.length * 0.9)];
  ctx.row({ section, name: 'time to first screen (status bar, list, hints)', oursMs: first, native: 'node -e 0', nativeMs: nodeBare, target: '≤ 700 ms', pass: first <= 700, note: `runs: ${firsts.map((x) => x.toFixed(0)).join(', ')} ms` });
  ctx.row({ section, name: 'time to first screen, CPU (user + sys of the process)', oursMs: cpu, target: '≤ 700 ms', pass: cpu <= 700, note: load });
  ctx.row({ section, name: 'of which: import of dist/tui.mjs (ink, React, the browser)', oursMs: imp, note: `${((imp / first) * 100).toFixed(0)}% of the first screen` });
  ctx.row({ section, name: `key to re-rendered screen, median of ${keyTimes.length} (j k ↓ PgUp PgDn g G ? / Esc)`, oursMs: median(keyTimes), target: '≤ 50 ms', pass: median(keyTimes) <= 50, note: load });
  ctx.row({ section, name: 'key to re-rendered screen, 90th percentile / slowest', oursMs: p90, target: '≤ 50 ms', pass: p90 <= 50, note: `slowest ${sorted[sorted.length - 1].toFixed(1)} ms` });
}
