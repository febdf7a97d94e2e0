import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, git } from '../helpers/cli.js';
import { chartVersions } from '../helpers/corpus.js';
import { pyLoad, replayVersions } from '../helpers/replay.js';

/** Follows a `diff --json` path through a plain tree (key-matched entries by their identity key). */
function at(tree: unknown, path: unknown[]): unknown {
  let cur = tree;
  for (const seg of path) {
    if (cur === undefined || cur === null) return undefined;
    if (typeof seg === 'object' && seg !== null) {
      const [k, v] = Object.entries(seg)[0]!;
      cur = (cur as Record<string, unknown>[]).find((item) => String(item[k]) === v);
    } else cur = (cur as Record<string | number, unknown>)[seg as string | number];
  }
  return cur;
}

describe('replaying real chart history (alertmanager, every version)', () => {
  it('log, show and diff --json tell the same story as the files', () => {
    const versions = chartVersions('alertmanager');
    const dir = replayVersions(versions);
    const log = JSON.parse(cfgtrail(['log', '--json'], { cwd: dir }).stdout) as { commit: string; title: string; date: string }[];
    expect(log.map((e) => e.title)).toEqual(versions.map((v) => v.subject.trim()).reverse());
    expect(log.map((e) => Date.parse(e.date))).toEqual(versions.map((v) => Date.parse(v.date)).reverse());
    // native git agrees on the commits
    expect(git(['--git-dir', join(dir, '.cfgtrail'), 'rev-list', 'HEAD']).trim().split('\n')).toEqual(log.map((e) => e.commit));

    const trees = pyLoad(versions.map((v) => v.file));
    let checked = 0;
    for (let i = 1; i < versions.length; i += 3) {
      const rev = log[versions.length - 1 - i]!.commit;
      const rows = JSON.parse(cfgtrail(['diff', '--json', '--show-secrets', `${rev}~1`, rev], { cwd: dir }).stdout) as {
        kind: string;
        path: unknown[];
        from?: unknown;
        to?: unknown;
      }[];
      const show = JSON.parse(cfgtrail(['show', '--json', '--show-secrets', rev], { cwd: dir }).stdout) as { diff: unknown[] };
      expect(show.diff).toEqual(rows);
      const same = readFileSync(versions[i]!.file).equals(readFileSync(versions[i - 1]!.file));
      if (same) expect(rows).toEqual([]);
      for (const row of rows) {
        if (row.kind === 'text') throw new Error('a corpus file fell back to a text diff');
        if (row.kind === 'formatting') continue;
        const before = at(trees[i - 1], row.path);
        const after = at(trees[i], row.path);
        if (row.kind === 'changed') {
          expect(JSON.parse(JSON.stringify(row.from ?? null))).toEqual(before ?? null);
          expect(JSON.parse(JSON.stringify(row.to ?? null))).toEqual(after ?? null);
        }
        if (row.kind === 'added') expect(before).toBeUndefined();
        if (row.kind === 'removed') expect(after).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  }, 120_000);
});
