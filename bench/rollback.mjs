// Rollback benchmark (run after `npm run build`): node bench/rollback.mjs [--changes 1000] [--runs 5]
// 1. whole-process rollback of a 50-file config dir to a revision 1,000 changes back
//    (--no-restart --no-verify --yes), next to `git restore --source=REV -- .` and `node -e 0`;
// 2. time to recover a sample service under a real supervisord, split by phase.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initStore, openStore, writeSnapshot } from '../dist/lib.js';
import { median, timeOnce } from './lib/measure.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/cfgtrail.js');
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? Number(process.argv[i + 1]) : d; };
const CHANGES = arg('--changes', 1000);
const RUNS = arg('--runs', 5);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com' };
const time = (file, args, cwd) => {
  const r = timeOnce([file, ...args], { cwd, env });
  return { ms: r.ms, stdout: r.stdout.toString('utf8') };
};

/** Waits until supervisord reports `program` RUNNING (it started, then passed startsecs). */
async function waitRunning(svConf, program) {
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('supervisorctl', ['-c', svConf, 'status', program], { encoding: 'utf8' });
    if (/\bRUNNING\b/.test(r.stdout)) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`supervisord did not report ${program} RUNNING within 10 s`);
}

/**
 * A copy of the 1,001-commit store (built once into bench/out, ~10 s, then
 * copied for each run: the rollbacks change it). An untimed `log -n 1` brings
 * its index up to date with this build.
 */
async function copyOfStore() {
  const cache = join(ROOT, `bench/out/rollback-store-${CHANGES}`);
  if (!existsSync(join(cache, '.complete'))) {
    rmSync(cache, { recursive: true, force: true });
    await buildStore(cache);
    writeFileSync(join(cache, '.complete'), '');
  }
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-bench-rb-'));
  cpSync(cache, dir, { recursive: true, filter: (src) => !src.endsWith('.complete') });
  time(BIN, ['log', '-n', '1'], dir);
  return dir;
}

async function buildStore(dir) {
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: 50 }, (_, i) => `conf.d/svc${String(i).padStart(2, '0')}.yaml`);
  mkdirSync(join(dir, 'conf.d'));
  for (const [i, f] of files.entries()) writeFileSync(join(dir, f), `name: svc${i}\nreplicas: 1\nimage: app:1.0.0\nlimits:\n  cpu: 100m\n  memory: 128Mi\n`);
  await initStore(dir);
  let t = Date.UTC(2026, 0, 1);
  const author = { name: 'Bench', email: 'bench@example.com' };
  for (let c = 0; c <= CHANGES; c++) {
    const i = c % 50;
    if (c > 0) writeFileSync(join(dir, files[i]), `name: svc${i}\nreplicas: ${1 + (c % 7)}\nimage: app:1.0.${c}\nlimits:\n  cpu: ${100 + c}m\n  memory: 128Mi\n`);
    await writeSnapshot(openStore(dir), { title: `change ${c}`, trailers: [], author, now: () => (t += 60_000), tzOffset: 0 });
  }
}

async function rollbackBench() {
  const t0 = performance.now();
  const dir = await copyOfStore();
  const buildMs = performance.now() - t0;
  const gitdir = join(dir, '.cfgtrail');
  const head = execFileSync('git', ['--git-dir', gitdir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const target = execFileSync('git', ['--git-dir', gitdir, 'rev-parse', `HEAD~${CHANGES}`], { encoding: 'utf8' }).trim();
  const ours = [];
  const gitRestore = [];
  const nodeBare = [];
  // Each timed command starts with the page cache flushed (`sync`, untimed): git restore
  // does not fsync, and its 50 dirty files were otherwise written back during the next
  // command's fsyncs, which then paid for them.
  const settle = () => spawnSync('sync');
  for (let r = 0; r < RUNS; r++) {
    settle();
    nodeBare.push(time(process.execPath, ['-e', '0'], dir).ms);
    settle();
    ours.push(time(BIN, ['rollback', target, '--yes', '--no-restart', '--no-verify'], dir).ms);
    time(BIN, ['rollback', head, '--yes', '--no-restart', '--no-verify'], dir); // back, not measured
    settle();
    gitRestore.push(time('git', ['--git-dir', gitdir, '--work-tree', dir, 'restore', `--source=${target}`, '--', '.'], dir).ms);
    rmSync(join(dir, '.cfgtrail-meta'), { force: true });
    time('git', ['--git-dir', gitdir, '--work-tree', dir, 'restore', `--source=${head}`, '--', '.'], dir);
    rmSync(join(dir, '.cfgtrail-meta'), { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  const [oursMs, nodeBareMs] = [median(ours), median(nodeBare)];
  // The target: the whole rollback within node -e 0 + 100 ms.
  const budgetMs = nodeBareMs + 100;
  return { changes: CHANGES, files: 50, runs: RUNS, buildStoreMs: buildMs, cfgtrailRollbackMs: oursMs, gitRestoreMs: median(gitRestore), nodeBareMs, budgetMs, withinBudget: oursMs <= budgetMs, all: { ours, gitRestore, nodeBare } };
}

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

async function recoveryBench() {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-bench-rec-'));
  const sv = join(dir, 'sv');
  mkdirSync(sv);
  const port = await freePort();
  const cfg = (pool) => `name: sample\nmode: normal\npool_max: ${pool}\n`;
  const conf = join(dir, 'config.yaml');
  writeFileSync(conf, cfg(10));
  const svConf = join(sv, 'supervisord.conf');
  writeFileSync(svConf, [
    '[unix_http_server]', `file=${join(sv, 's.sock')}`, '[supervisord]', `logfile=${join(sv, 'log')}`, `pidfile=${join(sv, 'pid')}`, `childlogdir=${sv}`, 'nodaemon=true',
    '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '[supervisorctl]', `serverurl=unix://${join(sv, 's.sock')}`,
    '[program:sample]', `command='${process.execPath}' '${join(ROOT, 'fixtures/sample-service/server.mjs')}' --config '${conf}' --port ${port}`, 'autostart=true', 'autorestart=false', 'startsecs=1', 'startretries=0', 'stopasgroup=true', 'killasgroup=true', '',
  ].join('\n'));
  const sup = spawn('supervisord', ['-n', '-c', svConf], { stdio: 'ignore' });
  try {
    await waitRunning(svConf, 'sample');
    time(BIN, ['init'], dir);
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), `services:\n  - name: sample\n    files: ["config.yaml"]\n    restart: { supervisor: { program: sample, config: "${svConf}" } }\n    timeout: 10s\n    health: [{ http: "http://127.0.0.1:${port}/health", retries: 20, timeout: 2s }]\n`);
    time(BIN, ['snapshot', '-m', 'good'], dir);
    writeFileSync(conf, cfg(5000));
    time(BIN, ['snapshot', '-m', 'bad'], dir);
    time(BIN, ['restart', 'sample'], dir);
    const status = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
    // Detected bad (status 500) -> rollback -> healthy: the whole process as an operator runs it.
    const t0 = performance.now();
    const r = time(BIN, ['rollback', '--previous', '--yes', '--json', '-m', 'bench'], dir);
    const totalMs = performance.now() - t0;
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((x) => x.status);
    const timings = JSON.parse(r.stdout).result.timings;
    // Every phase, in the order they run (0 for one that did not run).
    const phases = Object.fromEntries(['lock', 'drift-snapshot', 'write', 'commit', 'restart', 'verify', 'record'].map((p) => [p, timings[p] ?? 0]));
    return { badStatus: status, healthyStatus: healthy, totalMs, phases };
  } finally {
    sup.kill('SIGTERM');
    await new Promise((r) => sup.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const rollback = await rollbackBench();
const recovery = await recoveryBench();
const row = (k, v) => `${k.padEnd(44)} ${typeof v === 'number' ? `${v.toFixed(1).padStart(9)} ms` : v}`;
console.log(`rollback: ${rollback.files} files to a revision ${rollback.changes} changes back (median of ${rollback.runs})`);
console.log(row('  cfgtrail rollback (whole process)', rollback.cfgtrailRollbackMs));
console.log(row('  git restore --source=REV -- .', rollback.gitRestoreMs));
console.log(row('  node -e 0', rollback.nodeBareMs));
console.log(row('  budget (node -e 0 + 100 ms)', rollback.budgetMs));
console.log(row('  within budget', rollback.withinBudget ? 'yes' : 'NO'));
console.log(`recovery of the supervisord sample (bad: HTTP ${recovery.badStatus} -> HTTP ${recovery.healthyStatus})`);
for (const [p, ms] of Object.entries(recovery.phases)) console.log(row(`  ${p}`, ms));
console.log(row('  total (whole rollback process)', recovery.totalMs));
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(join(ROOT, 'bench/out/rollback.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rollback, recovery }, null, 2)}\n`);
