// The fleet part: an auditor's store that fetched `hosts` hosts of `size`
// changes each (distinct histories, imported by git fast-import straight to
// refs/remotes/origin/hosts/host-K, as `cfgtrail fetch` lays them out), and
// `log --all-hosts` / `log --host` against native git on the same refs.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importHistory, run } from './gen-store.mjs';
import { compare, countMatches, timeOnce } from './measure.mjs';

/** Returns `{ root, gitdir }` of the auditor's store, generating it unless cached. */
export async function ensureFleetStore(outDir, hosts, size, cli, log) {
  const base = join(outDir, `fleet-${hosts}x${size}`);
  const root = join(base, 'auditor');
  const gitdir = join(root, '.cfgtrail');
  if (existsSync(join(base, 'ready'))) return { root, gitdir, cached: true };
  rmSync(base, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  log(`generating an auditor with ${hosts} fetched hosts × ${size} changes in ${base} ...`);
  const t0 = performance.now();
  run(cli, ['-C', root, 'init']);
  for (let k = 0; k < hosts; k++) {
    // each host its own history: another seed, dates a few seconds apart
    await importHistory(gitdir, size, { ref: `refs/remotes/origin/hosts/host-${k}`, seed: 1000 + k, offset: 7 * k });
  }
  writeFileSync(join(base, 'ready'), `${new Date().toISOString()}\n`);
  log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { root, gitdir, cached: false };
}

const HEADER = /^commit [0-9a-f]{40}$/gm;
const ONELINE = /^\[host-\d+\] [0-9a-f]{7} /gm;
const GIT_ONELINE = /^[0-9a-f]{7,} /gm;

/**
 * First run (every host's index built) and warm runs of the fleet queries,
 * side by side with native git over the same refs.
 */
export function benchFleet(ctx, store, { hosts, size, field }) {
  const section = `fleet: an auditor with ${hosts} fetched hosts × ${size.toLocaleString('en')} changes`;
  rmSync(join(store.gitdir, 'cfgtrail-hosts'), { recursive: true, force: true });
  const cold = timeOnce([ctx.cli, '-C', store.root, 'log', '-n', '20', '--all-hosts', '--oneline']);
  ctx.row({ section, name: 'log -n 20 --all-hosts --oneline, first run (builds every host index)', oursMs: cold.ms, note: `${hosts * size} changes indexed` });
  const [ours, git] = compare(
    [
      { argv: [ctx.cli, '-C', store.root, 'log', '-n', '20', '--all-hosts', '--oneline'] },
      { argv: ['git', '--git-dir', store.gitdir, 'log', '--remotes', '--date-order', '-n', '20', '--oneline'] },
    ],
    ctx.runs,
  );
  ctx.row({ section, name: 'log -n 20 --all-hosts --oneline, warm', oursMs: ours.ms, native: 'git log --remotes --date-order -n 20 --oneline', nativeMs: git.ms, ratio: ours.ms / git.ms, note: `${countMatches(ours.stdout, ONELINE)} vs ${countMatches(git.stdout, GIT_ONELINE)} lines` });
  const fieldQuery = `${field.file}:${field.path}`;
  const [host, gitField] = compare(
    [
      { argv: [ctx.cli, '-C', store.root, 'log', '--host', 'host-3', '--field', fieldQuery] },
      { argv: ['git', '--git-dir', store.gitdir, 'log', '-G', `${field.path.split('.').pop()}:`, 'refs/remotes/origin/hosts/host-3', '--', field.file] },
    ],
    ctx.runs,
  );
  ctx.row({ section, name: `log --host host-3 --field ${fieldQuery}, warm`, oursMs: host.ms, native: `git log -G '${field.path.split('.').pop()}:' host-3 -- ${field.file} (a line match, not a field)`, nativeMs: gitField.ms, ratio: host.ms / gitField.ms, note: `${countMatches(host.stdout, HEADER)} vs ${countMatches(gitField.stdout, HEADER)} commits` });
  const whole = compare(
    [
      { argv: [ctx.cli, '-C', store.root, 'log', '--all-hosts', '--oneline'] },
      { argv: ['git', '--git-dir', store.gitdir, 'log', '--remotes', '--date-order', '--oneline'] },
    ],
    ctx.runs,
  );
  ctx.row({ section, name: 'log --all-hosts --oneline (the whole fleet), warm', oursMs: whole[0].ms, native: 'git log --remotes --date-order --oneline', nativeMs: whole[1].ms, ratio: whole[0].ms / whole[1].ms, note: `${countMatches(whole[0].stdout, ONELINE)} vs ${countMatches(whole[1].stdout, GIT_ONELINE)} lines` });
  const all = compare(
    [
      { argv: [ctx.cli, '-C', store.root, 'log', '--all-hosts', '--oneline', '--risk', 'high'] },
      { argv: ['git', '--git-dir', store.gitdir, 'log', '--remotes', '--date-order', '--oneline', '--grep', '^Risk: high$'] },
    ],
    ctx.runs,
  );
  ctx.row({ section, name: 'log --all-hosts --oneline --risk high (whole fleet), warm', oursMs: all[0].ms, native: "git log --remotes --date-order --oneline --grep '^Risk: high$'", nativeMs: all[1].ms, ratio: all[0].ms / all[1].ms, note: `${countMatches(all[0].stdout, ONELINE)} vs ${countMatches(all[1].stdout, GIT_ONELINE)} lines` });
}
