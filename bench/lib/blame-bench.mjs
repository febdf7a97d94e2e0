// blame and history (whole process) next to `git blame` of the same file in the same run.
import { compare } from './measure.mjs';

/** The bound for blame and history: whole process, from the index. */
const TARGET_MS = 300;

/** Rows for `cfgtrail blame FILE` and `cfgtrail history FIELD --file FILE`, each against `git blame FILE`. */
export function benchBlame(ctx, label, store, { file, field }) {
  const git = { argv: ['git', '--git-dir', store.gitdir, 'blame', 'HEAD', '--', file], cwd: store.root };
  const cases = [
    { name: `cfgtrail blame ${file}`, argv: [ctx.cli, '-C', store.root, 'blame', file] },
    { name: `cfgtrail history ${field} --file ${file}`, argv: [ctx.cli, '-C', store.root, 'history', field, '--file', file] },
  ];
  for (const c of cases) {
    const [ours, native] = compare([{ argv: c.argv }, git], ctx.runs);
    const lines = ours.stdout.toString('utf8').split('\n').filter(Boolean).length;
    ctx.row({
      section: label,
      name: c.name,
      oursMs: ours.ms,
      native: `git blame ${file}`,
      nativeMs: native.ms,
      ratio: ours.ms / native.ms,
      target: `≤ ${TARGET_MS} ms`,
      pass: ours.ms <= TARGET_MS,
      note: `${lines} ${c.name.includes('blame') ? 'fields/lines' : 'values'}`,
    });
  }
}
