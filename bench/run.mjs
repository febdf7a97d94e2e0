// cfgtrail benchmark suite: `npm run bench` (10,000 snapshots) or
// `npm run bench -- --large` (also 100,000). See bench/README.md.
// Never fails on a missed target: it reports PASS/MISS per row.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureStore, run } from './lib/gen-store.mjs';
import { benchDiff, benchIndexRebuild, benchInProcess, benchQueries } from './lib/store-bench.mjs';
import { benchFetchedRebuild } from './lib/fetched-rebuild.mjs';
import { benchGc, benchSnapshot } from './lib/snapshot-gc.mjs';
import { benchYaml, CORPUS, corpusQueryValues, ensureCorpusStore } from './lib/corpus-yaml.mjs';
import { formatTables } from './lib/report.mjs';
import { benchBigDiff } from './lib/big-diff.mjs';
import { benchTextLog } from './lib/text-log.mjs';
import { benchTracing } from './lib/tracing.mjs';
import { benchBlame } from './lib/blame-bench.mjs';
import { benchTui } from './lib/tui-bench.mjs';
import { benchRemote } from './lib/remote-bench.mjs';
import { benchFleet, ensureFleetStore } from './lib/fleet-bench.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const OUT = join(here, 'out');
const CLI = join(here, '..', 'bin', 'cfgtrail.js');

function parseArgs(argv) {
  const opts = { large: false, runs: 5, only: null, sizes: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--large') opts.large = true;
    else if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--only') opts.only = argv[++i].split(',');
    else if (argv[i] === '--sizes') opts.sizes = argv[++i].split(',').map(Number);
    else throw new Error(`unknown option ${argv[i]} (use --large, --runs N, --only store,corpus,yaml,bigdiff,rollback,tracing,watch,tui,remote,fleet, --sizes 10000,100000)`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (s) => process.stderr.write(`[bench ${elapsed()}] ${s}\n`);
const rows = [];
const ctx = {
  cli: CLI,
  runs: opts.runs,
  row: (r) => {
    rows.push(r);
    const v = r.ours !== undefined ? `${r.ours} B` : r.oursMs !== undefined ? `${r.oursMs.toFixed(1)} ms` : '';
    log(`  ${r.name}: ${v}${r.nativeMs !== undefined ? ` vs ${r.nativeMs.toFixed(1)} ms` : ''}${r.pass === undefined ? '' : r.pass ? ' PASS' : ' MISS'}`);
  },
};
const wanted = (part) => !opts.only || opts.only.includes(part);
mkdirSync(OUT, { recursive: true });

/** Query values of the generated stores (see lib/synth.mjs). */
const SYNTH_VALUES = {
  author: 'Dana',
  grep: 'capacity review',
  risk: 'high',
  file: 'services/payments-00.yaml',
  field: { file: 'services/payments-00.yaml', path: 'database.pool.max' },
};

async function benchGenerated(size) {
  const label = `${size.toLocaleString('en')} snapshots × 50 files`;
  const store = await ensureStore(OUT, size, CLI, log);
  const saved = { ...ctx };
  if (size >= 100000) ctx.runs = Math.min(ctx.runs, 3);
  log(`${label}: index rebuild`);
  benchIndexRebuild(ctx, label, store);
  log(`${label}: index rebuild of the same history fetched into a new store`);
  benchFetchedRebuild(ctx, label, store, size, OUT, log);
  log(`${label}: audit queries`);
  benchQueries(ctx, label, store, SYNTH_VALUES, size);
  benchTextLog(ctx, label, store, size);
  benchBlame(ctx, label, store, { file: SYNTH_VALUES.file, field: SYNTH_VALUES.field.path });
  benchInProcess(ctx, `${label}, in-process`, store, SYNTH_VALUES, size);
  benchDiff(ctx, label, store, 5000);
  log(`${label}: snapshot and gc`);
  benchSnapshot(ctx, label, store, join(OUT, `work-${size}`));
  benchGc(ctx, `${label}, store size`, store, join(OUT, `gc-${size}`));
  ctx.runs = saved.runs;
}

async function benchCorpus() {
  const store = ensureCorpusStore(OUT, CLI, log);
  const r = store.replay;
  const label = `replayed corpus: ${CORPUS.split('/').pop()} (${r.versions} versions of its values.yaml, from ${CORPUS.includes('/fixtures/') ? 'the committed slice' : 'the full corpus'})`;
  ctx.row({ section: label, name: `replay: ${r.versions} × cfgtrail snapshot (median per snapshot)`, oursMs: r.medianMs, note: `total ${(r.totalMs / 1000).toFixed(1)} s, max ${r.maxMs.toFixed(0)} ms${store.cached ? ' (cached from an earlier run)' : ''}` });
  const values = corpusQueryValues(store);
  benchQueries(ctx, label, store, values, null);
  benchBlame(ctx, label, store, { file: values.field.file, field: values.field.path });
  benchInProcess(ctx, `${label}, in-process`, store, values, null);
}

if (opts.large) log('--large: the 100,000-snapshot store takes much longer (see bench/README.md)');
for (const size of opts.sizes ?? (opts.large ? [10000, 100000] : [10000])) if (wanted('store')) await benchGenerated(size);
if (wanted('tui')) {
  // The TUI on the 10,000-change store (the one the store rows use).
  log('cfgtrail tui: first screen and keystrokes');
  benchTui(ctx, '10,000 snapshots × 50 files', await ensureStore(OUT, 10000, CLI, log), 10000);
}
if (wanted('remote')) {
  // push and fetch of the 10,000-change store through git http-backend, next to native git.
  log('fleet: push and fetch over smart HTTP');
  await benchRemote(ctx, '10,000 snapshots × 50 files', await ensureStore(OUT, 10000, CLI, log), log);
}
if (wanted('corpus')) await benchCorpus();
if (wanted('fleet')) {
  log('fleet: log --all-hosts and --host on fetched hosts');
  const fleet = await ensureFleetStore(OUT, 10, 10000, CLI, log);
  benchFleet(ctx, fleet, { hosts: 10, size: 10000, field: SYNTH_VALUES.field });
}
if (wanted('yaml')) benchYaml(ctx, OUT);
if (wanted('bigdiff')) benchBigDiff(ctx, OUT, log);
if (wanted('tracing')) {
  log('tracing start-up');
  await benchTracing(ctx);
}
if (wanted('rollback')) {
  // Rollback (whole process) and time to recover a real supervisord service: bench/rollback.mjs.
  log('rollback and recovery');
  const r = spawnSync(process.execPath, [join(here, 'rollback.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) log(`rollback bench exited ${r.status}`);
  else rollbackRows(JSON.parse(readFileSync(join(OUT, 'rollback.json'), 'utf8')));
}

if (wanted('watch')) {
  // The watcher's own cost and its time to recover a service: bench/watch.mjs.
  log('watch: CPU per round and time to recover');
  const r = spawnSync(process.execPath, [join(here, 'watch.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) log(`watch bench exited ${r.status}`);
  else watchRows(JSON.parse(readFileSync(join(OUT, 'watch.json'), 'utf8')));
}

/** The watch bench's numbers (bench/out/watch.json) as rows of the results. */
function watchRows({ cpu, recovery }) {
  const section = 'cfgtrail watch: 10 HTTP metrics on a local server, CPU of the watcher process per evaluation round';
  ctx.row({ section, name: `CPU per round (user + sys, mean of ${cpu.rounds} rounds at 100 ms)`, oursMs: cpu.cpuPerRoundMs, native: cpu.curl ? 'shell loop: curl once per metric' : undefined, nativeMs: cpu.curl?.cpuPerRoundMs, ratio: cpu.curl ? cpu.cpuPerRoundMs / cpu.curl.cpuPerRoundMs : undefined, note: `RSS ${cpu.rssMiB?.toFixed(0)} MiB` });
  const rs = `cfgtrail watch: first bad sample to verified-healthy sample service (interval ${recovery.interval / 1000} s, breaches ${recovery.breaches}, SIGHUP reload, HTTP health check)`;
  recovery.runs.forEach((x, i) => ctx.row({ section: rs, name: `run ${i + 1}`, oursMs: x.measuredMs, target: `≤ ${x.targetMs} ms (breaches × interval + restart ${x.restartMs} ms + verify ${x.verifyMs} ms + 1 s)`, pass: x.ok && x.measuredMs <= x.targetMs }));
}

/** The rollback bench's numbers (bench/out/rollback.json) as rows of the results. */
function rollbackRows({ rollback: rb, recovery: rec }) {
  const section = `rollback: ${rb.files} files to a revision ${rb.changes} changes back (--yes --no-restart --no-verify)`;
  const name = 'cfgtrail rollback (whole process)';
  ctx.row({ section, name, oursMs: rb.cfgtrailRollbackMs, native: 'node -e 0', nativeMs: rb.nodeBareMs, target: '≤ node -e 0 + 100 ms', pass: rb.withinBudget, note: `budget ${rb.budgetMs.toFixed(1)} ms` });
  ctx.row({ section, name, oursMs: rb.cfgtrailRollbackMs, native: 'git restore --source=REV -- . (no fsync, no commit)', nativeMs: rb.gitRestoreMs, ratio: rb.cfgtrailRollbackMs / rb.gitRestoreMs });
  const phases = Object.entries(rec.phases).map(([p, ms]) => `${p} ${ms} ms`).join(', ');
  ctx.row({ section: 'recovery of the supervisord sample (HTTP 500 to 200)', name: 'rollback --previous --yes, whole process', oursMs: rec.totalMs, note: phases });
}

const gitVersion = run('git', ['--version']).trim();
const meta = { date: new Date().toISOString(), node: process.version, git: gitVersion, cpus: cpus().length, cpu: cpus()[0]?.model, runs: opts.runs, large: opts.large, totalSeconds: (performance.now() - started) / 1000 };
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify({ meta, rows }, null, 2)}\n`);
process.stdout.write(`## cfgtrail benchmarks\n\n${meta.date}, ${meta.node}, ${gitVersion}, ${meta.cpus} × ${meta.cpu}; median of ${opts.runs} runs (3 at 100k; gc and rebuild once)\n\n`);
process.stdout.write(`${formatTables(rows)}\n\nTotal ${meta.totalSeconds.toFixed(0)} s. Results: bench/out/results.json\n`);
