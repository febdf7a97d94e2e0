import { describe, expect, it } from 'vitest';
import { changeTouchesLeaf, fieldLeaves, valueAtPath } from '../../../src/core/diff/field-leaves.js';
import { parsePathText } from '../../../src/core/diff/path-text.js';
import { diffDocuments } from '../../../src/core/diff/diff-trees.js';

const leafNamed = (docs: unknown[], text: string) => fieldLeaves(docs).find((l) => l.pathText === text)!;

describe('fieldLeaves', () => {
  it('names leaves as the field diff does: keys, identities, positions, documents', () => {
    const doc = { spec: { containers: [{ name: 'web', image: 'a' }, { name: 'side', image: 'b' }], args: ['-v', '-x'], empty: {}, none: [] } };
    expect(fieldLeaves([doc]).map((l) => [l.pathText, l.value])).toEqual([
      ['spec.containers[name=web].name', 'web'], ['spec.containers[name=web].image', 'a'],
      ['spec.containers[name=side].name', 'side'], ['spec.containers[name=side].image', 'b'],
      ['spec.args[0]', '-v'], ['spec.args[1]', '-x'], ['spec.empty', {}], ['spec.none', []],
    ]);
    const k8s = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } }, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'p' }, spec: { replicas: 2 } }];
    expect(fieldLeaves(k8s).map((l) => l.pathText)).toContain('[doc=Deployment/p/web].spec.replicas');
    expect(fieldLeaves([{ a: 1 }, { a: 2 }]).map((l) => l.pathText)).toEqual(['[0].a', '[1].a']);
  });

  it('every path a field diff reports touches the leaves it changed, named however the diff named them', () => {
    const before = { jobs: [{ job_name: 'a', x: 1 }, { job_name: 'b', x: 2 }, { job_name: 'c', x: 3 }, { job_name: 'd', x: 4 }] };
    const after = { jobs: [{ job_name: 'a', x: 1 }, { job_name: 'b', x: 9 }, { job_name: 'c', x: 3 }, { job_name: 'd', x: 4 }] };
    const [change] = diffDocuments('f.yaml', [before], [after]);
    expect(change!.pathText).toBe('jobs[job_name=b].x');
    const leaves = fieldLeaves([after]);
    expect(leaves.filter((l) => changeTouchesLeaf(change!.path, l)).map((l) => l.pathText)).toEqual([leaves.find((l) => l.value === 9)!.pathText]);
    // a positional or other-key name of the same entry touches it too
    const leaf = leaves.find((l) => l.value === 9)!;
    for (const text of ['jobs[1].x', 'jobs[job_name=b]', 'jobs', '']) expect([text, changeTouchesLeaf(parsePathText(text), leaf)]).toEqual([text, true]);
    for (const text of ['jobs[0].x', 'jobs[job_name=c].x', 'other']) expect([text, changeTouchesLeaf(parsePathText(text), leaf)]).toEqual([text, false]);
  });

  it('a change path without the document part touches the leaf in any document', () => {
    const docs = [{ apiVersion: 'v1', kind: 'A', metadata: { name: 'x' }, spec: { n: 1 } }, { apiVersion: 'v1', kind: 'B', metadata: { name: 'y' }, spec: { n: 2 } }];
    const leaf = leafNamed(docs, '[doc=B/y].spec.n');
    expect(changeTouchesLeaf(parsePathText('spec.n'), leaf)).toBe(true);
    expect(changeTouchesLeaf(parsePathText('[doc=A/x].spec.n'), leaf)).toBe(false);
    expect(changeTouchesLeaf(parsePathText('[1].spec.n'), leaf)).toBe(true);
  });
});

describe('valueAtPath', () => {
  it('follows keys, identities, positions and plain names of entries', () => {
    const docs = [{ up: [{ name: 'auth', t: '2s' }, { name: 'api', t: '1s' }], l: [5, 6], m: [{ job: 'x', v: 1 }] }];
    expect(valueAtPath(docs, parsePathText('up[name=auth].t'))).toEqual({ found: true, value: '2s' });
    expect(valueAtPath(docs, parsePathText('up.api.t'))).toEqual({ found: true, value: '1s' });
    expect(valueAtPath(docs, parsePathText('l[1]'))).toEqual({ found: true, value: 6 });
    expect(valueAtPath(docs, parsePathText('m.x.v'))).toEqual({ found: true, value: 1 });
    expect(valueAtPath(docs, parsePathText('up.nope.t'))).toEqual({ found: false });
    expect(valueAtPath(docs, parsePathText('l[7]'))).toEqual({ found: false });
    // a key inherited from Object.prototype is no field
    expect(valueAtPath([{}], parsePathText('constructor'))).toEqual({ found: false });
    expect(valueAtPath([{}], parsePathText('__proto__'))).toEqual({ found: false });
  });
});
