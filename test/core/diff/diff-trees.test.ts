import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diffDocuments, diffTrees, diffWholeFile } from '../../../src/core/diff/diff-trees.js';
import { applyChanges, deepCopy } from './apply-changes.js';

const container = (name: string, image = `${name}:1`): Record<string, unknown> => ({ name, image, ports: [{ containerPort: 80 }] });
const deployment = (...containers: Record<string, unknown>[]): Record<string, unknown> => ({
  kind: 'Deployment',
  spec: { replicas: 2, containers },
});
const summary = (changes: ReturnType<typeof diffTrees>): string[] => changes.map((c) => `${c.kind} ${c.pathText}`);

describe('diffTrees', () => {
  it('reports a nested scalar change with its path', () => {
    const changes = diffTrees('c.yaml', { database: { pool: { max: 20 } } }, { database: { pool: { max: 50 } } });
    expect(changes).toEqual([
      { file: 'c.yaml', path: ['database', 'pool', 'max'], pathText: 'database.pool.max', kind: 'changed', from: 20, to: 50 },
    ]);
  });

  it('treats a type change as a change and key order as none', () => {
    expect(summary(diffTrees('c', { port: '10' }, { port: 10 }))).toEqual(['changed port']);
    expect(diffTrees('c', { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toEqual([]);
    expect(summary(diffTrees('c', { x: null }, { x: 0 }))).toEqual(['changed x']);
    expect(summary(diffTrees('c', { x: [] }, { x: {} }))).toEqual(['changed x']);
  });

  it('reports an added or removed map as one change carrying the whole subtree', () => {
    const flags = { beta: true, gamma: { on: false } };
    const added = diffTrees('c', {}, { feature: { flags } });
    expect(added).toEqual([{ file: 'c', path: ['feature'], pathText: 'feature', kind: 'added', to: { flags } }]);
    const removed = diffTrees('c', { feature: { flags } }, {});
    expect(removed).toMatchObject([{ pathText: 'feature', kind: 'removed', from: { flags } }]);
  });

  it('matches containers by name: inserting one at the front is exactly one added entry', () => {
    const before = deployment(container('nginx'), container('sidecar'), container('logger'));
    const after = deployment(container('init'), container('nginx'), container('sidecar'), container('logger'));
    const changes = diffTrees('d.yaml', before, after);
    expect(changes).toEqual([
      {
        file: 'd.yaml',
        path: ['spec', 'containers', { name: 'init' }],
        pathText: 'spec.containers[name=init]',
        kind: 'added',
        to: container('init'),
        index: 0,
      },
    ]);
    expect(applyChanges(before, changes)).toEqual(after);
  });

  it('descends into key-matched entries and reports removals and order changes', () => {
    const before = deployment(container('nginx'), container('sidecar'), container('logger'));
    const after = deployment(container('logger'), container('nginx', 'nginx:2'));
    const changes = diffTrees('d', before, after);
    expect(summary(changes)).toEqual([
      'removed spec.containers[name=sidecar]',
      'changed spec.containers[name=nginx].image',
      'changed spec.containers',
    ]);
    expect(changes[2]).toMatchObject({ reorder: true, from: ['nginx', 'logger'], to: ['logger', 'nginx'] });
    expect(applyChanges(before, changes)).toEqual(after);
  });

  it('gives an order change the identities as the entries hold them (numbers stay numbers)', () => {
    const l = (ids: number[]) => ({ l: ids.map((id) => ({ id, v: `x${id}` })) });
    const changes = diffTrees('c', l([1, 2, 3]), l([3, 1, 2]));
    expect(changes).toMatchObject([{ pathText: 'l', reorder: true, orderKey: 'id', from: [1, 2, 3], to: [3, 1, 2] }]);
    expect(applyChanges(l([1, 2, 3]), changes)).toEqual(l([3, 1, 2]));
  });

  it('tries key before id, as dyff does', () => {
    const before = { list: [{ id: 1, key: 'a' }, { id: 2, key: 'b' }] };
    const after = { list: [{ id: 3, key: 'a' }, { id: 2, key: 'b' }] };
    const changes = diffTrees('c', before, after);
    expect(changes.map((c) => [c.pathText, c.from, c.to])).toEqual([['list[key=a].id', 1, 3]]);
    expect(applyChanges(before, changes)).toEqual(after);
  });

  it('falls back to key, then id, and to positions when identities are missing or repeated', () => {
    expect(summary(diffTrees('c', { l: [{ id: 1 }, { id: 2, v: 1 }] }, { l: [{ id: 2, v: 2 }] }))).toEqual([
      'removed l[id=1]',
      'changed l[id=2].v',
    ]);
    expect(summary(diffTrees('c', { l: [{ key: 'a' }] }, { l: [{ key: 'b' }] }))).toEqual(['removed l[key=a]', 'added l[key=b]']);
    const dup = diffTrees('c', { l: [{ name: 'a', v: 1 }, { name: 'a', v: 2 }] }, { l: [{ name: 'a', v: 1 }] });
    expect(summary(dup)).toEqual(['removed l[1]']);
    // no identity: aligned by value, so the first entry is the one removed
    expect(summary(diffTrees('c', { l: [{ name: 'a' }, { other: 1 }] }, { l: [{ other: 1 }] }))).toEqual(['removed l[0]']);
  });

  it('compares scalar lists by value: a replaced entry is a removal and an addition (as dyff)', () => {
    expect(summary(diffTrees('c', { items: [1, 2, 3] }, { items: [1, 5] }))).toEqual(['removed items[2]', 'removed items[1]', 'added items[1]']);
    expect(summary(diffTrees('c', { items: [1] }, { items: [1, 2, 3] }))).toEqual(['added items[1]', 'added items[2]']);
  });

  it('quotes keys that would be ambiguous in a path', () => {
    expect(summary(diffTrees('c', { 'a.b': { 'x y': 1 } }, { 'a.b': { 'x y': 2 } }))).toEqual(['changed "a.b"."x y"']);
  });

  it('handles __proto__ and constructor as ordinary keys without touching Object.prototype', () => {
    const a = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"x": 1}}}') as unknown;
    const b = JSON.parse('{"__proto__": {"polluted": 2}, "constructor": {"prototype": {"x": 2}}}') as unknown;
    const changes = diffTrees('c', a, b);
    expect(summary(changes)).toEqual(['changed __proto__.polluted', 'changed constructor.prototype.x']);
    expect(summary(diffTrees('c', {}, b))).toEqual(['added __proto__', 'added constructor']);
    expect(applyChanges(a, changes)).toEqual(b);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('diffDocuments and diffWholeFile', () => {
  it('uses the document index as first segment only for multi-document files', () => {
    expect(summary(diffDocuments('m', [{ a: 1 }], [{ a: 2 }]))).toEqual(['changed a']);
    expect(summary(diffDocuments('m', [{ a: 1 }, { b: 1 }], [{ a: 1 }, { b: 2 }]))).toEqual(['changed [1].b']);
    expect(summary(diffDocuments('m', [{ a: 1 }], [{ a: 1 }, { b: 1 }]))).toEqual(['added [1]']);
    expect(summary(diffDocuments('m', [{ a: 1 }, { b: 1 }, { c: 1 }], [{ a: 1 }]))).toEqual(['removed [2]', 'removed [1]']);
  });

  it('matches Kubernetes documents by apiVersion/kind/namespace/name, whatever their order', () => {
    const deploy = (replicas: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas } });
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
    expect(diffDocuments('k', [deploy(1), svc], [svc, deploy(1)])).toEqual([]);
    const changes = diffDocuments('k', [deploy(1), svc], [svc, deploy(3)]);
    expect(changes).toEqual([
      {
        file: 'k',
        path: [{ doc: 'Deployment/default/web' }, 'spec', 'replicas'],
        pathText: '[doc=Deployment/default/web].spec.replicas',
        kind: 'changed',
        from: 1,
        to: 3,
        document: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      },
    ]);
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'admin' } };
    expect(summary(diffDocuments('k', [deploy(1), null], [deploy(1), role, null]))).toEqual(['added [doc=ClusterRole/admin]']);
  });

  it('falls back to document positions unless every document is a resource with a unique identity', () => {
    const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    expect(summary(diffDocuments('k', [cm('a'), { plain: 1 }], [cm('b'), { plain: 1 }]))).toEqual(['changed [0].metadata.name']);
    expect(summary(diffDocuments('k', [cm('a'), cm('a')], [cm('a'), cm('b')]))).toEqual(['changed [1].metadata.name']);
  });

  it('names documents with their apiVersion when only it tells two apart (a CRD served at two versions)', () => {
    const crd = (apiVersion: string, size: number) => ({ apiVersion, kind: 'Widget', metadata: { name: 'w' }, spec: { size } });
    expect(diffDocuments('k', [crd('v1beta1', 1), crd('v1alpha1', 1)], [crd('v1alpha1', 1), crd('v1beta1', 1)])).toEqual([]);
    expect(summary(diffDocuments('k', [crd('v1beta1', 1), crd('v1alpha1', 1)], [crd('v1alpha1', 1), crd('v1beta1', 2)]))).toEqual([
      'changed [doc=v1beta1/Widget/w].spec.size',
    ]);
    expect(summary(diffWholeFile('k', [crd('v1beta1', 1), crd('v1alpha1', 1)], 'added')).slice(0, 1)).toEqual(['added [doc=v1beta1/Widget/w].apiVersion']);
  });

  it('names the documents of a new multi-document file by resource', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: {} };
    expect(summary(diffWholeFile('k', [cm, { ...cm, metadata: { name: 'b' } }], 'added'))).toEqual([
      'added [doc=ConfigMap/a].apiVersion', 'added [doc=ConfigMap/a].kind', 'added [doc=ConfigMap/a].metadata', 'added [doc=ConfigMap/a].data',
      'added [doc=ConfigMap/b].apiVersion', 'added [doc=ConfigMap/b].kind', 'added [doc=ConfigMap/b].metadata', 'added [doc=ConfigMap/b].data',
    ]);
  });

  it('matches the items of a *List by metadata namespace/name, by kind too when names repeat', () => {
    const pod = (name: string, image: string) => ({ metadata: { name }, spec: { image } });
    const before = { kind: 'PodList', items: [pod('a', 'x:1'), pod('b', 'y:1')] };
    const after = { kind: 'PodList', items: [pod('c', 'z:1'), pod('b', 'y:2')] };
    const changes = diffTrees('l', before, after);
    expect(summary(changes)).toEqual(['removed items[resource=a]', 'changed items[resource=b].spec.image', 'added items[resource=c]']);
    expect(applyChanges(before, changes)).toEqual(after);
    const res = (kind: string, replicas: number) => ({ apiVersion: 'v1', kind, metadata: { name: 'web', namespace: 'ns' }, spec: { replicas } });
    const mixed = diffTrees('l', { kind: 'List', items: [res('Deployment', 1), res('Service', 1)] }, { kind: 'List', items: [res('Service', 1), res('Deployment', 2)] });
    expect(summary(mixed)).toEqual(['changed items[resource=Deployment/ns/web].spec.replicas', 'changed items']);
    // not a List: by position, as before
    expect(summary(diffTrees('l', { kind: 'Pod', items: [pod('a', 'x:1')] }, { kind: 'Pod', items: [pod('b', 'x:1')] }))).toEqual(['changed items[0].metadata.name']);
  });

  it('guesses an identifier, as dyff does, from a string key unique in every entry of lists of more than three', () => {
    const route = (receiver: string, wait: string) => ({ receiver, group_wait: wait, continue: true });
    const before = { routes: [route('a', '1s'), route('b', '1s'), route('c', '1s'), route('d', '1s')] };
    const after = { routes: [route('b', '1s'), route('a', '1s'), route('c', '5s'), route('e', '1s')] };
    const changes = diffTrees('am', before, after);
    expect(summary(changes)).toEqual(['removed routes[receiver=d]', 'changed routes[receiver=c].group_wait', 'changed routes', 'added routes[receiver=e]']);
    expect(applyChanges(before, changes)).toEqual(after);
    // three entries: too few to trust a guess (every string field is unique there); aligned by value instead
    const three = diffTrees('am', { routes: before.routes.slice(0, 3) }, { routes: after.routes.slice(0, 3) });
    expect(summary(three)).toEqual(['changed routes[2].group_wait', 'changed routes']);
    // numbers are not guessed (dyff takes string values only), nor keys a path could not name
    const nums = (n: number[]) => ({ l: n.map((port) => ({ port, 'x.y': `v${port}` })) });
    // so the entries are aligned by value: an order change of the entries themselves, not of identities
    expect(diffTrees('n', nums([1, 2, 3, 4]), nums([2, 1, 3, 4]))).toMatchObject([
      { pathText: 'l', reorder: true, from: nums([1, 2, 3, 4]).l, to: nums([2, 1, 3, 4]).l },
    ]);
  });

  it('lists one change per top-level key for a file on one side only', () => {
    expect(summary(diffWholeFile('n', [{ db: { a: 1 }, web: 2 }], 'added'))).toEqual(['added db', 'added web']);
    expect(summary(diffWholeFile('n', [{ a: 1 }, [1, 2]], 'removed'))).toEqual(['removed [0].a', 'removed [1]']);
    expect(diffWholeFile('n', [null], 'added')).toEqual([]);
  });
});

/** Deterministic PRNG so a failing case can be reproduced. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function mutate(tree: Record<string, unknown>, rand: () => number): Record<string, unknown> {
  const out = deepCopy(tree) as { spec: { containers: Record<string, unknown>[]; replicas: number } };
  const list = out.spec.containers;
  const pick = (): number => Math.floor(rand() * list.length);
  for (let n = 0; n < 4; n += 1) {
    const r = rand();
    if (r < 0.25 && list.length > 0) list.splice(pick(), 1);
    else if (r < 0.5) list.splice(Math.floor(rand() * (list.length + 1)), 0, container(`c${Math.floor(rand() * 1000)}x${n}`));
    else if (r < 0.7 && list.length > 1) list.reverse();
    else if (list.length > 0) list[pick()]!['image'] = `v${Math.floor(rand() * 5)}`;
    else out.spec.replicas += 1;
  }
  return out as unknown as Record<string, unknown>;
}

describe('diffTrees replay', () => {
  it('rebuilds randomly edited key-matched lists exactly (inserts, removals, reorders, edits)', () => {
    const rand = rng(42);
    let checked = 0;
    for (let i = 0; i < 300; i += 1) {
      const before = deployment(...['a', 'b', 'c', 'd'].slice(0, 1 + (i % 4)).map((n) => container(n)));
      const after = mutate(before, rand);
      const changes = diffTrees('d', before, after);
      expect(isDeepStrictEqual(applyChanges(before, changes), after)).toBe(true);
      expect(changes.length === 0).toBe(isDeepStrictEqual(before, after));
      checked += changes.length;
    }
    expect(checked).toBeGreaterThan(300);
  });
});
