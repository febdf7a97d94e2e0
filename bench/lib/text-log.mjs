// The everyday text log, `cfgtrail log` and `cfgtrail log --oneline`, next to
// `git log` and `git log --oneline` on the same store: whole processes,
// interleaved, both writing their whole output to the benchmark's pipe.
// The target (issue 10: at most git's time at 10,000 changes, half of it at
// 100,000; best of the runs) is judged on CPU time, user + system: on this
// shared 2-core machine wall time follows the other users' load. Wall time
// is printed next to it with its own ratio.
import { compare, compareCpu, countMatches } from './measure.mjs';

const COMMIT_RE = /^commit [0-9a-f]{40}/gm;
const LINE_RE = /^[0-9a-f]{7,} /gm;

/** Rows for the text formats of an N-change store. */
export function benchTextLog(ctx, label, store, size) {
  const target = size >= 100000 ? { max: 0.5, text: '≤ 0.5× git' } : { max: 1, text: '≤ 1× git' };
  const rows = [
    { name: 'log --oneline', cli: ['log', '--oneline'], git: ['log', '--oneline'], count: LINE_RE, note: 'git prints an abbreviated id and the subject; cfgtrail adds the short Change-Id and the risk' },
    { name: 'log', cli: ['log'], git: ['log'], count: COMMIT_RE, note: "git's medium format; cfgtrail adds the Change-Id line and the changed files" },
  ];
  for (const q of rows) {
    const cmds = [
      { argv: [ctx.cli, '-C', store.root, ...q.cli] },
      { argv: ['git', '--git-dir', store.gitdir, ...q.git], cwd: store.root },
    ];
    const [ours, git] = compare(cmds, ctx.runs);
    const [oursCpu, gitCpu] = compareCpu(cmds, ctx.runs);
    const best = (r) => Math.min(...r.samples);
    const counts = `${countMatches(ours.stdout, q.count)} vs ${countMatches(git.stdout, q.count)} commits`;
    const ratio = best(oursCpu) / best(gitCpu);
    ctx.row({
      section: label,
      name: `cfgtrail ${q.name} (CPU, user + sys, best of ${oursCpu.samples.length})`,
      oursMs: best(oursCpu),
      native: `git ${q.git.join(' ')}`,
      nativeMs: best(gitCpu),
      ratio,
      target: target.text,
      pass: ratio <= target.max,
      note: `median ${oursCpu.ms.toFixed(1)} vs ${gitCpu.ms.toFixed(1)} ms; ${counts}; ${q.note}`,
    });
    ctx.row({
      section: label,
      name: `cfgtrail ${q.name} (wall, best of ${ours.samples.length})`,
      oursMs: best(ours),
      native: `git ${q.git.join(' ')}`,
      nativeMs: best(git),
      ratio: best(ours) / best(git),
      note: `median ${ours.ms.toFixed(1)} vs ${git.ms.toFixed(1)} ms (${(ours.ms / git.ms).toFixed(2)}×); target judged on CPU`,
    });
  }
}
