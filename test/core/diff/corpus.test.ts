import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diffDocuments } from '../../../src/core/diff/diff-trees.js';
import { parseConfig } from '../../../src/core/diff/parse-config.js';
import { applyChanges } from './apply-changes.js';

import { CORPUS, chartVersions } from '../../helpers/corpus.js';

/** Every version of a chart's values.yaml, oldest first, parsed (read-only corpus: nothing is written). */
function loadChart(chart: string): { name: string; docs: unknown[] }[] {
  const dir = join(CORPUS, chart);
  return readdirSync(dir)
    .filter((f) => /^\d{4}\.yaml$/.test(f))
    .sort()
    .map((name) => {
      const parsed = parseConfig(name, readFileSync(join(dir, name)));
      if (parsed === null || !parsed.ok) throw new Error(`${chart}/${name} does not parse: ${JSON.stringify(parsed)}`);
      return { name, docs: parsed.docs };
    });
}

/** Replays diff(a, b) onto a copy of a; returns a failure description or null. */
function replay(a: unknown[], b: unknown[]): { failure: string | null; count: number; positional: number } {
  const changes = diffDocuments('values.yaml', a, b);
  const positional = changes.filter((c) => c.path.some((s) => typeof s === 'number')).length;
  try {
    const applied = a.length <= 1 && b.length <= 1 ? [applyChanges(a[0] ?? null, changes)] : applyChanges(a, changes);
    const expected = a.length <= 1 && b.length <= 1 ? [b[0] ?? null] : b;
    return { failure: isDeepStrictEqual(applied, expected) ? null : 'replayed tree differs', count: changes.length, positional };
  } catch (e) {
    return { failure: (e as Error).message, count: changes.length, positional };
  }
}

describe.each(['prometheus', 'alertmanager'])('helm values history of %s', (chart) => {
  it('replaying each consecutive diff (both directions) rebuilds the other version exactly', () => {
    const versions = loadChart(chart);
    // every version the manifest lists, so the slice and the full corpus are both read whole
    expect(versions.map((v) => v.name)).toEqual(chartVersions(chart).map((v) => `${v.version}.yaml`));
    expect(versions.length).toBeGreaterThan(1);
    const failures: string[] = [];
    let withChanges = 0;
    let positional = 0;
    for (let i = 1; i < versions.length; i += 1) {
      const prev = versions[i - 1]!;
      const next = versions[i]!;
      const forward = replay(prev.docs, next.docs);
      const backward = replay(next.docs, prev.docs);
      if (forward.failure !== null) failures.push(`${prev.name} → ${next.name}: ${forward.failure}`);
      if (backward.failure !== null) failures.push(`${next.name} → ${prev.name}: ${backward.failure}`);
      const equal = isDeepStrictEqual(prev.docs, next.docs);
      // no changes exactly when the trees are equal: nothing missed, nothing invented
      if ((forward.count === 0) !== equal) failures.push(`${prev.name} → ${next.name}: ${forward.count} changes, trees equal: ${equal}`);
      if (forward.count > 0) withChanges += 1;
      positional += forward.positional;
    }
    expect(failures).toEqual([]);
    expect(withChanges).toBeGreaterThan(versions.length / 2);
    // the history exercises lists compared by position too, not only maps
    if (chart === 'prometheus') expect(positional).toBeGreaterThan(0);
  });
});
