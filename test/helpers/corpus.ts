/**
 * The real-world config history that corpus tests read (see fixtures/helm-values/README.md).
 * By default: the slice committed in `fixtures/helm-values`, so a fresh clone runs them.
 * The full corpus is used only when asked for:
 * `CFGTRAIL_CORPUS=../shared/corpus/helm-values npx vitest run ...` (relative to the repository root).
 * Each test file that imports this prints one line saying which one it read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The committed slice. */
export const CORPUS_SLICE = join(ROOT, 'fixtures', 'helm-values');

function pickCorpus(): string {
  const asked = process.env.CFGTRAIL_CORPUS;
  if (!asked) return CORPUS_SLICE;
  const dir = resolve(ROOT, asked);
  // An explicit opt-in that finds nothing must not quietly test less.
  if (!existsSync(join(dir, 'LICENSE'))) throw new Error(`CFGTRAIL_CORPUS=${asked}: no helm-values corpus at ${dir}`);
  return dir;
}

/** The helm-values corpus directory in use: `<chart>/NNNN.yaml` and `<chart>/manifest.tsv`. */
export const CORPUS = pickCorpus();

console.log(
  CORPUS === CORPUS_SLICE
    ? 'corpus: fixtures/helm-values (committed slice; CFGTRAIL_CORPUS=../shared/corpus/helm-values runs the full corpus)'
    : `corpus: ${relative(ROOT, CORPUS) || CORPUS} (full corpus, from CFGTRAIL_CORPUS)`,
);

/** A chart's versions as its manifest lists them, oldest first. */
export function chartVersions(chart: string): { version: string; file: string; date: string; subject: string }[] {
  const lines = readFileSync(join(CORPUS, chart, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [version, , date, subject] = l.split('\t') as [string, string, string, string];
    return { version, file: join(CORPUS, chart, `${version}.yaml`), date, subject };
  });
}
