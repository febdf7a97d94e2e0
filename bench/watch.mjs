// Watcher benchmark (run after `npm run build`): node bench/watch.mjs [--rounds 100] [--runs 3]
// 1. CPU per evaluation round of `cfgtrail watch` with 10 HTTP metrics on a
//    local server, read from /proc for the watcher process, next to the
//    obvious alternative: a cron-style shell loop running `curl` per metric;
// 2. time from the first bad sample to a verified-healthy sample service
//    (SIGHUP reload, HTTP health check), against the target
//    breaches × interval + restart + verify + 1 s.
// Writes bench/out/watch.json; started without NODE_EXTRA_CA_CERTS (see LIBRARY-NOTES).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/cfgtrail.js');
const SERVER = join(ROOT, 'fixtures/sample-service/server.mjs');
const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? Number(process.argv[i + 1]) : d; };
const ROUNDS = arg('--rounds', 100);
const RUNS = arg('--runs', 3);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com' };
const TICK_MS = 10; // USER_HZ 100
const log = (s) => process.stderr.write(`[watch bench] ${s}\n`);

function cli(args, cwd) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cfgtrail ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** user + system CPU of a process so far, in ms (/proc/PID/stat fields 14 and 15). */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : null;
}

/** A config dir with a store; `watchLines` go under `watch:` in settings.yaml. */
function configDir(files, settings) {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-bench-watch-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  cli(['init'], dir);
  writeFileSync(join(dir, '.cfgtrail/settings.yaml'), settings);
  return dir;
}

/** Spawns `cfgtrail watch` and calls `onLine` for each JSON line. */
function startWatch(dir, onLine) {
  const child = spawn(process.execPath, [BIN, 'watch'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
    }
  });
  return child;
}

function stop(child) {
  return new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); });
}

async function benchCpu() {
  const server = createServer((req, res) => res.end(JSON.stringify({ stats: { value: 1 } })));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  const metrics = Array.from({ length: 10 }, (_, i) => `    - { name: m${i}, http: { url: "${url}/m${i}", field: stats.value }, max: 100 }`);
  const dir = configDir({ 'a.yaml': 'a: 1\n' }, ['watch:', '  interval: 100ms', '  grace: 0s', '  metrics:', ...metrics, ''].join('\n'));
  cli(['snapshot', '-m', 'bench'], dir);
  let rounds = 0;
  let mark = null;
  const done = new Promise((resolveDone) => {
    const child = startWatch(dir, (l) => {
      if (l.type !== 'decision') return;
      rounds++;
      if (rounds === 10) mark = { cpu: cpuMs(child.pid), t: performance.now() }; // start-up excluded
      if (rounds === 10 + ROUNDS) {
        const cpu = cpuMs(child.pid) - mark.cpu;
        const wall = performance.now() - mark.t;
        const rss = rssMiB(child.pid);
        void stop(child).then(() => resolveDone({ cpuPerRoundMs: cpu / ROUNDS, wallPerRoundMs: wall / ROUNDS, rssMiB: rss }));
      }
    });
  });
  const ours = await done;
  // The alternative: a shell loop calling curl once per metric (bash's `times` gives its children's CPU).
  let curl = null;
  if (spawnSync('sh', ['-c', 'command -v curl'], { stdio: 'ignore' }).status === 0) {
    const loops = 20;
    const script = `for r in $(seq ${loops}); do for i in 0 1 2 3 4 5 6 7 8 9; do curl -s ${url}/m$i >/dev/null; done; done; times`;
    // Not spawnSync: the server answering curl runs in this process.
    const stdout = await new Promise((r) => {
      let out = '';
      const c = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      c.stdout.on('data', (d) => { out += d; });
      c.on('close', () => r(out));
    });
    const [, children] = stdout.trim().split('\n');
    const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
    curl = { cpuPerRoundMs: (secs * 1000) / loops };
  }
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return { rounds: ROUNDS, ...ours, curl };
}

async function benchRecovery() {
  const goodText = 'name: sample\nmode: normal\npool_max: 10\n';
  const badText = 'name: sample\nmode: normal\npool_max: 5000\n';
  const tmp = mkdtempSync(join(tmpdir(), 'cfgtrail-bench-svc-'));
  const pidfile = join(tmp, 'sample.pid');
  const dir = configDir({ 'config.yaml': goodText }, '');
  const svc = spawn(process.execPath, [SERVER, '--config', join(dir, 'config.yaml'), '--pidfile', pidfile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => svc.stdout.on('data', (d) => { const m = /listening (\d+)/.exec(d.toString()); if (m) r(Number(m[1])); }));
  const interval = 1000;
  const breaches = 3;
  writeFileSync(join(dir, '.cfgtrail/settings.yaml'), [
    'services:',
    '  - { name: sample, files: ["config.yaml"], restart: { signal: HUP, pidfile: "' + pidfile + '" }, timeout: 10s,',
    `      health: [{ http: "http://127.0.0.1:${port}/health", retries: 10, timeout: 1s }] }`,
    'watch:',
    `  interval: ${interval}ms`, `  breaches: ${breaches}`, '  grace: 0s', '  cooldown: 1ms', '  max_rollbacks: 100',
    `  metrics: [{ name: problems, http: { url: "http://127.0.0.1:${port}/metrics.json", field: problems }, max: 0 }]`,
    '',
  ].join('\n'));
  cli(['snapshot', '-m', 'good'], dir);
  cli(['verify'], dir);
  const runs = [];
  let current = null;
  let wake = null;
  const child = startWatch(dir, (l) => {
    if (!current) return;
    if (l.type === 'sample' && l.verdict === 'breach' && current.first === undefined) current.first = Date.parse(l.at);
    if (l.type === 'rollback' && l.step === 'done' && (l.phase === 'restart' || l.phase === 'verify')) current[l.phase] = l.durationMs;
    if (l.type === 'rollback-done') {
      current.done = Date.parse(l.at);
      current.ok = l.ok;
      wake?.();
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  for (let i = 0; i < RUNS; i++) {
    current = {};
    const finished = new Promise((r) => { wake = r; });
    writeFileSync(join(dir, 'config.yaml'), badText);
    cli(['snapshot', '-m', `bad ${i}`], dir);
    process.kill(Number(readFileSync(pidfile, 'utf8')), 'SIGHUP');
    await finished;
    const measured = current.done - current.first;
    const target = breaches * interval + (current.restart ?? 0) + (current.verify ?? 0) + 1000;
    runs.push({ measuredMs: measured, targetMs: target, restartMs: current.restart, verifyMs: current.verify, ok: current.ok });
    log(`recovery run ${i + 1}: ${measured} ms (target ${target} ms)`);
    current = null;
    await new Promise((r) => setTimeout(r, 1500));
  }
  await stop(child);
  svc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
  return { interval, breaches, runs };
}

mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
log(`CPU per round: 10 HTTP metrics, ${ROUNDS} rounds`);
const cpu = await benchCpu();
log(`cfgtrail ${cpu.cpuPerRoundMs.toFixed(2)} ms CPU per round; curl loop ${cpu.curl ? cpu.curl.cpuPerRoundMs.toFixed(1) : '-'} ms`);
log(`time to recover: ${RUNS} runs`);
const recovery = await benchRecovery();
writeFileSync(join(ROOT, 'bench/out/watch.json'), `${JSON.stringify({ cpu, recovery }, null, 2)}\n`);
