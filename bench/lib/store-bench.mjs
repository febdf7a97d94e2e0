// Benchmarks over one store: audit queries (process and in-process) and diff,
// each side by side with native git on the same store.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, countMatches, timeOnce } from './measure.mjs';
import { auditQueries } from './queries.mjs';
import { run } from './gen-store.mjs';

const INPROC = fileURLToPath(new URL('./inproc.mjs', import.meta.url));

/** Runs an in-process mode of inproc.mjs in a fresh node process. */
export function inproc(mode, args) {
  return JSON.parse(run(process.execPath, [INPROC, mode, JSON.stringify(args)]));
}

/** `queryTarget(size)`: the bound on cfgtrail/native for audit queries. */
function queryTarget(size) {
  if (size >= 100000) return { max: 0.5, text: '≤ 0.5× git' };
  return { max: 1, text: '≤ 1× git' };
}

/**
 * Measures the one-off index rebuild: through the CLI (`log -n 1` on a store
 * without index) and through the library with persisting, which later runs use.
 */
export function benchIndexRebuild(ctx, label, store) {
  rmSync(join(store.gitdir, 'cfgtrail-index'), { recursive: true, force: true });
  const cliRun = timeOnce([ctx.cli, '-C', store.root, 'log', '-n', '1']);
  ctx.row({ section: label, name: 'index rebuild (one-off): cfgtrail log -n 1, no index', oursMs: cliRun.ms, note: 'written back by log when the store lock is free' });
  const lib = inproc('rebuild', { root: store.root });
  ctx.row({ section: label, name: 'index rebuild (one-off): rebuildIndex(persist) in-process', oursMs: lib.ms, note: `${lib.count} commits, index ${(lib.bytes / 1e6).toFixed(1)} MB` });
}

/** Every audit query as a whole process vs native git. */
export function benchQueries(ctx, label, store, values, size) {
  const target = size ? queryTarget(size) : null;
  for (const q of auditQueries(values)) {
    const [ours, git] = compare(
      [
        { argv: [ctx.cli, '-C', store.root, ...q.cli] },
        { argv: ['git', '--git-dir', store.gitdir, ...q.git], cwd: store.root },
      ],
      ctx.runs,
    );
    const ratio = ours.ms / git.ms;
    ctx.row({
      section: label,
      name: `cfgtrail ${q.name}`,
      oursMs: ours.ms,
      native: q.gitNote,
      nativeMs: git.ms,
      ratio,
      target: target?.text,
      pass: target ? ratio <= target.max : undefined,
      note: `${countMatches(ours.stdout, q.cliCount)} vs ${countMatches(git.stdout, q.gitCount)} commits`,
    });
  }
}

/** queryIndex for each audit query, index read once (no process start-up). */
export function benchInProcess(ctx, label, store, values, size) {
  const queries = auditQueries(values).map((q) => ({ name: q.name, filter: q.filter }));
  const r = inproc('queries', { root: store.root, queries, runs: Math.max(ctx.runs, 5) });
  ctx.row({ section: label, name: 'readIndex (once per process)', oursMs: r.readMs, note: `${(r.bytes / 1e6).toFixed(1)} MB` });
  for (const q of queries) {
    const x = r.queries[q.name];
    const checked = size === 10000;
    ctx.row({
      section: label,
      name: `queryIndex: ${q.name}`,
      oursMs: x.ms,
      target: checked ? '< 50 ms' : undefined,
      pass: checked ? x.ms < 50 : undefined,
      note: `${x.matches} matches`,
    });
  }
}

/** `cfgtrail diff A B` vs `git diff A B`, revisions `apart` commits apart. */
export function benchDiff(ctx, label, store, apart) {
  const [a, b] = run('git', ['--git-dir', store.gitdir, 'rev-parse', `HEAD~${apart}`, 'HEAD']).trim().split('\n');
  const [ours, git] = compare(
    [
      { argv: [ctx.cli, '-C', store.root, 'diff', a, b] },
      { argv: ['git', '--git-dir', store.gitdir, 'diff', a, b], cwd: store.root },
    ],
    ctx.runs,
  );
  ctx.row({
    section: label,
    name: `cfgtrail diff REV~${apart} REV (field diff)`,
    oursMs: ours.ms,
    native: 'git diff REV1 REV2 (text diff)',
    nativeMs: git.ms,
    ratio: ours.ms / git.ms,
    note: `${ours.stdout.length} vs ${git.stdout.length} bytes of output`,
  });
}
