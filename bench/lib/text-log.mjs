// The everyday text log, `cfgtrail log` and `cfgtrail log --oneline`, next to
// `git log` and `git log --oneline` on the same store: whole processes,
// interleaved, both writing their whole output to the benchmark's pipe.
import { compare, countMatches } from './measure.mjs';

const COMMIT_RE = /^commit [0-9a-f]{40}/gm;
const LINE_RE = /^[0-9a-f]{7,} /gm;

/** Rows for the text formats of an N-change store (targets as for the audit queries). */
export function benchTextLog(ctx, label, store, size) {
  const target = size >= 100000 ? { max: 0.5, text: '≤ 0.5× git' } : { max: 1, text: '≤ 1× git' };
  const rows = [
    { name: 'log --oneline', cli: ['log', '--oneline'], git: ['log', '--oneline'], count: LINE_RE, note: 'git prints an abbreviated id and the subject; cfgtrail adds the short Change-Id and the risk' },
    { name: 'log', cli: ['log'], git: ['log'], count: COMMIT_RE, note: "git's medium format; cfgtrail adds the Change-Id line and the changed files" },
  ];
  for (const q of rows) {
    const [ours, git] = compare(
      [
        { argv: [ctx.cli, '-C', store.root, ...q.cli] },
        { argv: ['git', '--git-dir', store.gitdir, ...q.git], cwd: store.root },
      ],
      ctx.runs,
    );
    const ratio = ours.ms / git.ms;
    const best = Math.min(...ours.samples) / Math.min(...git.samples);
    ctx.row({
      section: label,
      name: `cfgtrail ${q.name}`,
      oursMs: ours.ms,
      native: `git ${q.git.join(' ')}`,
      nativeMs: git.ms,
      ratio,
      target: target.text,
      pass: ratio <= target.max,
      note: `${countMatches(ours.stdout, q.count)} vs ${countMatches(git.stdout, q.count)} commits; best of ${ours.samples.length} ${best.toFixed(2)}×; ${q.note}`,
    });
  }
}
