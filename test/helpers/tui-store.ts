/**
 * A config store with real history for the TUI tests: versions of a chart's
 * values.yaml from the helm-values corpus, each recorded by the real CLI with
 * the corpus's author date and subject.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, tempDir } from './cli.js';
import { chartVersions } from './corpus.js';

export interface ReplayedStore {
  dir: string;
  /** The versions replayed, oldest first. */
  versions: { version: string; file: string; date: string; subject: string }[];
}

/**
 * Replays the first `count` versions of `chart` into a new store; every
 * `riskEvery`-th change gets `--risk high` and `--component monitoring`.
 */
export function replayStore(count: number, opts: { chart?: string; riskEvery?: number } = {}): ReplayedStore {
  const versions = chartVersions(opts.chart ?? 'alertmanager').slice(0, count);
  const dir = tempDir('cfgtrail-tui-');
  copyFileSync(versions[0]!.file, join(dir, 'values.yaml'));
  const init = cfgtrail(['init'], { cwd: dir });
  if (init.code !== 0) throw new Error(init.stderr);
  versions.forEach((v, i) => {
    copyFileSync(v.file, join(dir, 'values.yaml'));
    const extra = opts.riskEvery && i % opts.riskEvery === 0 ? ['--risk', 'high', '--component', 'monitoring'] : [];
    const r = cfgtrail(['snapshot', '-m', v.subject, '--allow-empty', ...extra], { cwd: dir, env: { GIT_AUTHOR_DATE: v.date } });
    if (r.code !== 0) throw new Error(r.stderr);
  });
  return { dir, versions };
}
