import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { cfgtrail } from '../helpers/cli.js';
import { chartVersions } from '../helpers/corpus.js';
import { pyLoad, replayVersions } from '../helpers/replay.js';

const ABSENT = Symbol('absent');

/** Follows a blame path through a plain tree: keys, positions, and `{key: value}` entries by that key. */
function at(tree: unknown, path: unknown[]): unknown {
  let cur: unknown = tree;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return ABSENT;
    if (typeof seg === 'object' && seg !== null) {
      if (!Array.isArray(cur)) return ABSENT;
      const [k, v] = Object.entries(seg)[0]!;
      const hit = (cur as Record<string, unknown>[]).find((item) => item !== null && typeof item === 'object' && String(item[k]) === v);
      if (hit === undefined) return ABSENT;
      cur = hit;
    } else {
      const rec = cur as Record<string | number, unknown>;
      if (!Object.hasOwn(rec, seg as string | number)) return ABSENT;
      cur = rec[seg as string | number];
    }
  }
  return cur;
}

interface Blame {
  fields: { path: unknown[]; pathText: string; change: { commit: string } }[];
}

interface History {
  values: { present: boolean; value?: unknown; change: { commit: string } }[];
}

describe.each(['alertmanager', 'prometheus'])('blame and history on real chart history (%s), checked against the versions themselves', (chart) => {
  it('blame names, for every field at several revisions, the newest version whose value differs from the one before; history lists each value once', () => {
    const versions = chartVersions(chart);
    const dir = replayVersions(versions);
    const log = (JSON.parse(cfgtrail(['log', '--json'], { cwd: dir }).stdout) as { commit: string }[]).map((e) => e.commit).reverse();
    expect(log).toHaveLength(versions.length);
    const trees = pyLoad(versions.map((v) => v.file));
    let checked = 0;
    let keyed = 0;
    // HEAD and a few older revisions
    for (const n of [versions.length - 1, Math.floor(versions.length / 2), 10]) {
      const r = cfgtrail(['blame', 'values.yaml', '--rev', log[n]!, '--json', '--show-secrets'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const blame = JSON.parse(r.stdout) as Blame;
      expect(blame.fields.length).toBeGreaterThan(20);
      for (const f of blame.fields) {
        // walk the versions directly: the newest one up to n whose value differs from its predecessor's
        let expected = 0;
        for (let i = n; i > 0; i--) {
          if (!isDeepStrictEqual(at(trees[i], f.path), at(trees[i - 1], f.path))) {
            expected = i;
            break;
          }
        }
        expect(`${f.pathText} @${n}: ${f.change.commit}`).toBe(`${f.pathText} @${n}: ${log[expected]}`);
        checked++;
        if (f.path.some((s) => typeof s === 'object')) keyed++;
      }
    }
    console.log(`blame-corpus ${chart}: ${checked} fields checked at 3 revisions over ${versions.length} versions (${keyed} inside key-matched list entries)`);
    expect(keyed).toBeGreaterThan(0);

    // history: the fields blame names most recent, their values walked version by version
    const head = JSON.parse(cfgtrail(['blame', 'values.yaml', '--json', '--show-secrets'], { cwd: dir }).stdout) as Blame;
    const sample = head.fields.filter((f) => f.path.every((s) => typeof s === 'string')).slice(0, 400).filter((_, i) => i % 40 === 0);
    for (const f of sample) {
      const want: { commit: string; value: unknown }[] = [];
      for (let i = versions.length - 1; i >= 0; i--) {
        const v = at(trees[i], f.path);
        if (i === 0 ? v !== ABSENT : !isDeepStrictEqual(v, at(trees[i - 1], f.path))) want.push({ commit: log[i]!, value: v === ABSENT ? '(removed)' : v });
      }
      const r = cfgtrail(['history', f.pathText, '--file', 'values.yaml', '--json', '--show-secrets'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const got = (JSON.parse(r.stdout) as History).values.map((x) => ({ commit: x.change.commit, value: x.present ? x.value : '(removed)' }));
      expect(got, f.pathText).toEqual(want);
    }
    expect(sample.length).toBeGreaterThan(3);
  });
});
