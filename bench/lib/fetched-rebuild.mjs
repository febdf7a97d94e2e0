// The audit index of a fleet's history that arrived by `git fetch` (issue 15):
// a new `cfgtrail init` store into which native git fetches the generated
// history, so it holds one received pack, then the whole index rebuilt from
// scratch and saved, next to native git walking every diff of the same history.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { run } from './gen-store.mjs';
import { median } from './measure.mjs';
import { inproc } from './store-bench.mjs';

/** The target for 100,000 fetched changes, scaled to `size`. */
const targetMs = (size) => (20_000 * size) / 100_000;

/** `bench/out/fetched-N/config`: a fresh store holding the generated history as one fetched pack (cached). */
export function ensureFetchedStore(outDir, size, source, cli, log) {
  const base = join(outDir, `fetched-${size}`);
  const root = join(base, 'config');
  const gitdir = join(root, '.cfgtrail');
  if (existsSync(join(base, 'ready'))) return { root, gitdir };
  rmSync(base, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  log(`fetching the ${size}-change history into a new store in ${base} ...`);
  run(cli, ['-C', root, 'init']);
  // The new store's HEAD names main, which has no commit yet: --update-head-ok lets fetch create it.
  run('git', ['--git-dir', gitdir, 'fetch', '-q', '--update-head-ok', source.gitdir, 'main:refs/heads/main']);
  writeFileSync(join(base, 'ready'), `${new Date().toISOString()}\n`);
  return { root, gitdir };
}

/** Wall ms of a native git command with its output thrown away (as the rebuild prints nothing). */
function timeQuiet(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Rows: the whole index rebuilt and saved in-process (wall, CPU, peak RSS,
 * against the 20 s target) vs `git log --first-parent -p` over the same
 * history, and the first CLI command on the fetched store (it rebuilds too).
 */
export function benchFetchedRebuild(ctx, label, source, size, outDir, log) {
  const store = ensureFetchedStore(outDir, size, source, ctx.cli, log);
  const section = `${label}: audit index of ${size.toLocaleString('en')} fetched changes (one received pack)`;
  const runs = size >= 100000 ? 1 : Math.min(ctx.runs, 3);
  const ours = [];
  const native = [];
  for (let i = 0; i < runs; i++) {
    // interleaved, one fresh process each; the index is dropped by the rebuild mode itself
    ours.push(inproc('rebuild', { root: store.root }));
    native.push(timeQuiet(['git', '--git-dir', store.gitdir, 'log', '--first-parent', '-p', '--no-color', 'main']));
  }
  const ms = median(ours.map((r) => r.ms));
  const nativeMs = median(native);
  const target = targetMs(size);
  const last = ours.at(-1);
  ctx.row({
    section,
    name: 'rebuildIndex(persist) from scratch, in-process',
    oursMs: ms,
    native: 'git log --first-parent -p --no-color (every diff, output to /dev/null)',
    nativeMs,
    ratio: ms / nativeMs,
    target: size === 100000 ? '< 20 s' : `< ${(target / 1000).toFixed(0)} s (20 s at 100,000, scaled)`,
    pass: ms < target,
    note: `${last.count} commits, index ${(last.bytes / 1e6).toFixed(1)} MB, peak RSS ${median(ours.map((r) => r.rssMiB)).toFixed(0)} MiB, CPU ${(median(ours.map((r) => r.cpuMs)) / 1000).toFixed(1)} s (user+sys, all threads), ${last.threads} threads; median of ${runs}`,
  });
  rmSync(join(store.gitdir, 'cfgtrail-index'), { recursive: true, force: true });
  const t0 = process.hrtime.bigint();
  run(ctx.cli, ['-C', store.root, 'log', '-n', '1', '--oneline']);
  ctx.row({ section, name: 'first command on the fetched store: cfgtrail log -n 1, no index (whole process)', oursMs: Number(process.hrtime.bigint() - t0) / 1e6, note: 'rebuilds the index and writes it back' });
}
