import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffFile } from '../../../src/core/diff/diff-file.js';
import { formatPathText } from '../../../src/core/diff/path-text.js';
import type { TreeChange } from '../../../src/core/diff/diff-trees.js';
import type { PathSegment } from '../../../src/core/types.js';

/**
 * dyff's own reference cases (fixtures/dyff: its `assets/`, MIT) and the
 * expectations its `pkg/dyff/compare_test.go` and `expected-dyff*.human` files
 * state for them: cfgtrail's field diff must mean what dyff's does. The
 * expectations below are dyff's, translated into cfgtrail's path syntax; where
 * cfgtrail deliberately differs, the test says so and pins what cfgtrail does
 * (README, "Where cfgtrail and dyff differ").
 */
const asset = (path: string): Buffer => readFileSync(new URL(`../../../fixtures/dyff/${path}`, import.meta.url));

function compare(dir: string, ext = 'yml'): TreeChange[] {
  const d = diffFile(`case.${ext}`, asset(`${dir}/from.${ext}`), asset(`${dir}/to.${ext}`));
  expect(d.format).toBe('tree');
  return d.changes as TreeChange[];
}

function compareText(from: string, to: string, ext = 'yaml'): TreeChange[] {
  return diffFile(`case.${ext}`, Buffer.from(from), Buffer.from(to)).changes as TreeChange[];
}

/**
 * dyff's report shape: one "diff" per path, holding its details. dyff files an
 * added or removed map key or list entry under its parent (`/yaml/map` holds
 * "2 entries removed, 2 added"), a whole document under itself, and an order
 * change under the list. Returns path → kinds, in cfgtrail's path syntax.
 */
function dyffReport(changes: readonly TreeChange[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of changes) {
    const wholeDocument = c.path.length === 1 && typeof c.path[0] === 'object';
    const place = (c.kind === 'changed' || wholeDocument ? c.path : c.path.slice(0, -1)) as PathSegment[];
    const key = formatPathText(place);
    const kind = c.reorder === true ? 'order' : c.kind;
    const kinds = out.get(key) ?? [];
    if (!kinds.includes(kind)) kinds.push(kind);
    out.set(key, kinds);
  }
  return out;
}

const valuesAt = (changes: readonly TreeChange[], kind: 'added' | 'removed', pathText: string): unknown[] =>
  changes.filter((c) => c.kind === kind && formatPathText(c.path.slice(0, -1)) === pathText).map((c) => (kind === 'added' ? c.to : c.from));

describe("dyff's compare_test.go cases", () => {
  it('examples: map keys added and removed, type changes, simple and named-entry lists', () => {
    const changes = compare('examples');
    expect(dyffReport(changes)).toEqual(
      new Map([
        ['yaml.map', ['removed', 'added']],
        ['yaml.map.type-change-1', ['changed']],
        ['yaml.map.type-change-2', ['changed']],
        ['yaml.map.whitespaces', ['changed']],
        ['yaml.simple-list', ['removed', 'added']],
        ['yaml.named-entry-list-using-name', ['removed', 'added']],
        ['yaml.named-entry-list-using-key', ['removed', 'added']],
        ['yaml.named-entry-list-using-id', ['removed', 'added']],
      ]),
    );
    // dyff: REMOVAL [X, Z], ADDITION [D, E]; type-change-1 "string" → 147; type-change-2 "12" → 12
    expect(valuesAt(changes, 'removed', 'yaml.simple-list').sort()).toEqual(['X', 'Z']);
    expect(valuesAt(changes, 'added', 'yaml.simple-list')).toEqual(['D', 'E']);
    expect(valuesAt(changes, 'removed', 'yaml.named-entry-list-using-key')).toEqual([{ key: 'X' }, { key: 'Z' }]);
    expect(changes.find((c) => c.pathText === 'yaml.map.type-change-1')).toMatchObject({ from: 'string', to: 147 });
    expect(changes.find((c) => c.pathText === 'yaml.map.type-change-2')).toMatchObject({ from: '12', to: 12 });
    expect(valuesAt(changes, 'removed', 'yaml.map')).toEqual(['fOObAr', 10, 2.71, false, { key0: 'B', key1: 'B' }, ['B', 'B', 'B']]);
  });

  for (const [what, from, to] of [
    ['named entry lists', 'list: [ {name: A}, {name: C}, {name: B}, {name: D}, {name: E} ]', 'list: [ {name: A}, {name: X1}, {name: B}, {name: C}, {name: D}, {name: X2} ]'],
    ['simple lists', 'list: [ A, C, B, D, E ]', 'list: [ A, X1, B, C, D, X2 ]'],
  ] as const) {
    it(`order changes in ${what}: one order change (A, C, B, D → A, B, C, D), one removal, two additions`, () => {
      const changes = compareText(from, to);
      expect(dyffReport(changes)).toEqual(new Map([['list', ['removed', 'order', 'added']]]));
      const order = changes.find((c) => c.reorder === true)!;
      const ids = (v: unknown): unknown[] => (v as unknown[]).map((e) => (typeof e === 'object' ? (e as { name: string }).name : e));
      expect([ids(order.from), ids(order.to)]).toEqual([['A', 'C', 'B', 'D'], ['A', 'B', 'C', 'D']]);
      expect(changes.filter((c) => c.kind === 'removed')).toHaveLength(1);
      expect(changes.filter((c) => c.kind === 'added')).toHaveLength(2);
    });
  }

  it('a change where one side is null is a modification', () => {
    expect(compareText('foo: null\n', 'foo: "bar"\n')).toMatchObject([{ kind: 'changed', pathText: 'foo', from: null, to: 'bar' }]);
  });

  it('simple lists that are equal give no change', () => {
    expect(compareText('list: [ A, B, C, D, E ]\n', 'list: [ A, B, C, D, E ]\n')).toEqual([]);
  });

  it('kubernetes/multi-docs: the four changes, in the resources dyff names by document index', () => {
    const changes = compare('kubernetes/multi-docs');
    const rc = '[doc=ReplicationController/kube-system/kube-registry-v0].spec.template.spec.containers[name=registry]';
    // dyff: #0/…/containers/name=registry/resources/limits/cpu and …/memory, …/ports ADDITION; #1/spec/ports ADDITION
    expect(dyffReport(changes)).toEqual(
      new Map([
        [`${rc}.resources.limits.cpu`, ['changed']],
        [`${rc}.resources.limits.memory`, ['changed']],
        [`${rc}.ports`, ['added']],
        ['[doc=Service/kube-system/kube-registry].spec.ports', ['added']],
      ]),
    );
    expect(changes.find((c) => c.pathText.endsWith('cpu'))).toMatchObject({ from: '100m', to: '1000m' });
    expect(changes.find((c) => c.pathText.endsWith('memory'))).toMatchObject({ from: '100Mi', to: '10Gi' });
    expect(valuesAt(changes, 'added', `${rc}.ports`)).toEqual([{ containerPort: 5001, name: 'backdoor', protocol: 'TCP' }]);
    expect(valuesAt(changes, 'added', '[doc=Service/kube-system/kube-registry].spec.ports')).toEqual([{ name: 'backdoor', port: 5001, protocol: 'TCP' }]);
  });

  it('prometheus: scrape_configs matched by the guessed job_name: one order change and two field changes', () => {
    const changes = compare('prometheus');
    expect(dyffReport(changes)).toEqual(
      new Map([
        ['scrape_configs', ['order']],
        ['scrape_configs[job_name=kubernetes-apiservers].scheme', ['changed']],
        ['scrape_configs[job_name=kubernetes-apiservers].relabel_configs[0].regex', ['changed']],
      ]),
    );
    const rest = ['kubernetes-cadvisor', 'kubernetes-service-endpoints', 'kubernetes-services', 'kubernetes-ingresses', 'kubernetes-pods'];
    expect(changes.find((c) => c.reorder === true)).toMatchObject({
      from: ['kubernetes-nodes', 'kubernetes-apiservers', ...rest],
      to: ['kubernetes-apiservers', 'kubernetes-nodes', ...rest],
    });
    expect(changes.find((c) => c.pathText.endsWith('.scheme'))).toMatchObject({ from: 'http', to: 'https' });
    expect(changes.find((c) => c.pathText.endsWith('.regex'))).toMatchObject({ from: 'default;kubernetes;http', to: 'default;kubernetes;https' });
  });

  it('kubernetes/lists: items matched by metadata name: an order change and foo-1’s label, not foo-2’s', () => {
    const changes = compare('kubernetes/lists');
    expect(dyffReport(changes)).toEqual(
      new Map([
        ['items', ['order']],
        ['items[resource=foobar/foo-1].metadata.labels.foo', ['changed']],
      ]),
    );
    // dyff names them v1/Pod/foobar/foo-2 …; cfgtrail leaves out what all items share
    expect(changes.find((c) => c.reorder === true)).toMatchObject({ from: ['foobar/foo-2', 'foobar/foo-1'], to: ['foobar/foo-1', 'foobar/foo-2'] });
    expect(changes.find((c) => c.kind === 'changed' && c.reorder !== true)).toMatchObject({ from: 'bAr', to: 'bar' });
  });

  it('kubernetes/lists-versioned-crds: items told apart by kind: only an order change', () => {
    const changes = compare('kubernetes/lists-versioned-crds');
    expect(changes).toMatchObject([{ pathText: 'items', reorder: true, from: ['kindv2/item', 'kindv1/item'], to: ['kindv1/item', 'kindv2/item'] }]);
  });

  it('kubernetes/multi-docs-versioned-crds: documents told apart only by apiVersion, swapped: no change', () => {
    // no expectation in compare_test.go; dyff's Kubernetes matching (apiVersion/kind/name) sees only a document order change
    const d = diffFile('case.yml', asset('kubernetes/multi-docs-versioned-crds/from.yml'), asset('kubernetes/multi-docs-versioned-crds/to.yml'));
    expect(d.changes).toEqual([]);
    expect(d.formattingOnly).toBe(true);
  });

  it('issue 38: a named-entry list whose names repeat, unchanged: no difference', () => {
    expect(compare('issues/issue-38')).toEqual([]);
  });

  it('issue 76: YAML anchors are resolved; the two places dyff reports', () => {
    const changes = compare('issues/issue-76');
    // dyff: 2 diffs, /global_defaults and /cluster-1. cfgtrail compares the aliased list inside cluster-1
    // field by field (its entry gained x10), so the same two top-level places show three changes.
    expect([...new Set(changes.map((c) => c.path[0]))]).toEqual(['global_defaults', 'cluster-1']);
    expect(changes.map((c) => [c.kind, c.pathText, c.to])).toEqual([
      ['added', 'global_defaults[2]', 'x10'],
      ['added', 'cluster-1[0][2]', 'x10'],
      ['added', 'cluster-1[1]', 'x999'],
    ]);
  });

  it('issue 132: string content is taken as it is', () => {
    const changes = compare('issues/issue-132');
    expect(changes[0]).toMatchObject({ pathText: 'example_one', from: '%{one}' });
    expect(changes[1]).toMatchObject({ pathText: 'example_two', to: '%{two}' });
  });

  it('issue 143: a duplicate introduced in a simple list is a change', () => {
    expect(compare('issues/issue-143', 'json')).toMatchObject([{ kind: 'added', pathText: 'keys[2]', to: 'value1' }]);
  });

  it('order changes in simple lists with duplicate entries', () => {
    const changes = compareText('{ "keys": [ "value1", "value2", "value1", "value2" ] }', '{ "keys": [ "value1", "value1", "value2", "value2" ] }', 'json');
    expect(changes).toMatchObject([
      { pathText: 'keys', reorder: true, from: ['value1', 'value2', 'value1', 'value2'], to: ['value1', 'value1', 'value2', 'value2'] },
    ]);
  });

  it('issue 125: an order change inside a list entry that is a list', () => {
    expect(compare('issues/issue-125', 'json')).toMatchObject([{ pathText: '[1]', reorder: true, from: [2, 3], to: [3, 2] }]);
  });

  it('issue 605: identifiers with dots and slashes, unchanged: no difference', () => {
    expect(compare('issues/issue-605')).toEqual([]);
  });

  it('issue 580: the number 123 and the string "123" differ: one place', () => {
    const changes = compare('issues/issue-580');
    expect(dyffReport(changes)).toEqual(new Map([['list', ['removed', 'added']]]));
    expect(changes.map((c) => c.from ?? c.to)).toEqual([123, '123']);
  });

  it('edge/empty: an empty file against two documents is two added documents', () => {
    expect(compare('edge/empty').map((c) => [c.kind, c.pathText])).toEqual([
      ['added', '[doc=Namespace/foo]'],
      ['added', '[doc=ServiceAccount/foo/bar]'],
    ]);
  });

  it('issue 184: Kubernetes documents that only change order (cfgtrail: no field change, dyff: a document order change)', () => {
    const d = diffFile('case.yml', asset('issues/issue-184/from.yml'), asset('issues/issue-184/to.yml'));
    expect(d.changes).toEqual([]);
    expect(d.formattingOnly).toBe(true);
  });

  const deployX = '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}}';
  const serviceY = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "y"}}';
  it('a document added, a document removed, and empty documents left out', () => {
    expect(compareText(`${deployX}\n`, `${deployX}\n---\n${serviceY}\n`).map((c) => [c.kind, c.pathText])).toEqual([['added', '[doc=Service/y]']]);
    expect(compareText(`${deployX}\n---\n${serviceY}\n`, `${deployX}\n`).map((c) => [c.kind, c.pathText])).toEqual([['removed', '[doc=Service/y]']]);
    expect(compareText(`${deployX}\n---\n${serviceY}\n`, `${deployX}\n---\n---\n${serviceY}\n---\n`)).toEqual([]);
  });

  it('issue 243: with no identifier dyff reports differences; cfgtrail finds only order changes', () => {
    // compare_test.go loads to.yml as the old side
    const d = diffFile('case.yml', asset('issues/issue-243/to.yml'), asset('issues/issue-243/from.yml'));
    const changes = d.changes as TreeChange[];
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.reorder === true)).toBe(true);
  });

  it('issue 525: lists with a guessed identifier give the same four places on every run', () => {
    for (let run = 0; run < 20; run += 1) {
      const changes = compare('issues/issue-525', 'yaml');
      expect(dyffReport(changes)).toEqual(
        new Map([
          ['allowed', ['removed', 'added']],
          ['allowed[image=name/container].tag', ['changed']],
          ['allowed[image=yes/i-am-an-image].tag', ['changed']],
          ['allowed[image=you-would-not/guess].digest', ['changed']],
        ]),
      );
    }
  });
});

describe("dyff's expected-dyff.human cases", () => {
  it('kubernetes/multi-docs-file-level: foo gains an annotation, foo-2 removed, bar and baz added', () => {
    const changes = compare('kubernetes/multi-docs-file-level', 'yaml');
    expect(changes.map((c) => `${c.kind} ${c.pathText}`)).toEqual([
      'added [doc=Service/foo].metadata.annotations',
      'removed [doc=Service/foo-2]',
      'added [doc=Service/bar]',
      'added [doc=Service/baz]',
    ]);
    expect(changes[0]!.to).toEqual({ foo: 'bar' });
    expect(changes[1]!.document).toEqual({ apiVersion: 'v1', kind: 'Service', name: 'foo-2' });
  });

  it('kubernetes/rename: one document each side, compared as it is: the embedded file and the name changed', () => {
    const changes = compare('kubernetes/rename', 'yaml');
    expect(dyffReport(changes)).toEqual(new Map([['data."pinniped.yaml"', ['changed']], ['metadata.name', ['changed']]]));
    expect(changes[1]).toMatchObject({ from: 'pinniped-concierge-config-9bfbmfgt2f', to: 'pinniped-concierge-config-296567ccmt' });
    // dyff: "one insert, no deletions" in the multiline text
    expect(String(changes[0]!.to)).toBe(String(changes[0]!.from).replace('\nnames:\n', '\nnames:\n  # Example comment\n'));
  });

  it('kubernetes/configmaps: the embedded file changed in place', () => {
    const changes = compare('kubernetes/configmaps');
    expect(dyffReport(changes)).toEqual(new Map([['data."pinniped.yaml"', ['changed']]]));
    expect(String(changes[0]!.to)).toContain('renewBeforeSeconds: 12160000');
  });

  it('binary: one content change of yaml.data, shown as size and base64', () => {
    const changes = compare('binary');
    expect(changes.map((c) => [c.kind, c.pathText])).toEqual([['changed', 'yaml.data']]);
    expect(changes[0]!.from).toMatch(/^<binary 539 bytes: QlpoOTFBWSZTWRW\/8S4AADh[A-Za-z0-9+/=]+>$/);
    expect(changes[0]!.to).toMatch(/^<binary 681 bytes: QlpoOTFBWSZTWUzGwD4AAFN[A-Za-z0-9+/=]+>$/);
    // dyff's hex dump starts with the bzip2 magic 42 5a 68 39 ("BZh9")
    const bytes = Buffer.from(/: (.*)>$/.exec(String(changes[0]!.from))![1]!, 'base64');
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('BZh9');
  });
});
