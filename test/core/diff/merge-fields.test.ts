import { describe, expect, it } from 'vitest';
import { compileIdentifierRules } from '../../../src/core/diff/identifier-rules.js';
import { mergeFields } from '../../../src/core/diff/merge-fields.js';

/** base = the reverted commit, ours = now, theirs = before it: the revert's three sides. */
const merge = (file: string, base: string, ours: string, theirs: string, pick?: 'ours' | 'theirs') => mergeFields(file, base, ours, theirs, pick ? { pick } : {});

describe('mergeFields (YAML)', () => {
  it('undoes one field and keeps a later change to another, comments and spacing untouched', () => {
    const base = '# pool settings\ndb:\n  pool: 50   # raised\n  host: "db1"\n';
    const ours = '# pool settings\ndb:\n  pool: 50   # raised\n  host: "db2"\n';
    const theirs = '# pool settings\ndb:\n  pool: 20\n  host: "db1"\n';
    const r = merge('a.yaml', base, ours, theirs);
    expect(r).toEqual({ ok: true, text: '# pool settings\ndb:\n  pool: 20   # raised\n  host: "db2"\n', applied: ['db.pool'], kept: [], forced: [] });
  });

  it('refuses a field a later change touched and lists it', () => {
    const r = merge('a.yaml', 'a: 2\nb: 1\n', 'a: 3\nb: 1\n', 'a: 1\nb: 1\n');
    expect(r).toEqual({ ok: false, conflicts: [{ path: 'a', reason: 'changed-later' }] });
  });

  it('a later change inside a field the revert changes is a conflict too', () => {
    const r = merge('a.yaml', 'a:\n  x: 1\n', 'a:\n  x: 1\n  y: 2\n', 'a: off\n');
    expect(r).toEqual({ ok: false, conflicts: [{ path: 'a', reason: 'changed-later' }] });
  });

  it('--ours keeps the later value, --theirs forces the revert\'s value', () => {
    const base = 'a: 2\nb: 5\n';
    const ours = 'a: 3\nb: 5\n';
    const theirs = 'a: 1\nb: 4\n';
    expect(merge('a.yaml', base, ours, theirs, 'ours')).toEqual({ ok: true, text: 'a: 3\nb: 4\n', applied: ['b'], kept: ['a'], forced: [] });
    expect(merge('a.yaml', base, ours, theirs, 'theirs')).toEqual({ ok: true, text: 'a: 1\nb: 4\n', applied: ['a', 'b'], kept: [], forced: ['a'] });
  });

  it('nothing to do for a field a later change already set to the old value', () => {
    const r = merge('a.yaml', 'a: 2\n', 'a: 1\n', 'a: 1\n');
    expect(r).toEqual({ ok: true, text: 'a: 1\n', applied: [], kept: [], forced: [] });
  });

  it('removes a key the reverted change added and puts back one it removed, in its place', () => {
    const base = 'a: 1\n# about c\nc: 3\nnew: yes\n';
    const ours = 'a: 1\n# about c\nc: 30\nnew: yes\nlater: 1\n';
    const theirs = 'a: 1\nb:\n  deep: [1, 2]   # kept\n# about c\nc: 3\n';
    const r = merge('a.yaml', base, ours, theirs);
    expect(r).toEqual({ ok: true, text: 'a: 1\nb:\n  deep: [1, 2]   # kept\n# about c\nc: 30\nlater: 1\n', applied: ['new', 'b'], kept: [], forced: [] });
  });

  it('matches list entries by name, not position', () => {
    const base = 'containers:\n  - name: web\n    image: web:2   # pinned\n  - name: side\n    image: side:1\n';
    const ours = 'containers:\n  - name: init\n    image: init:1\n  - name: web\n    image: web:2   # pinned\n  - name: side\n    image: side:5\n';
    const theirs = 'containers:\n  - name: web\n    image: web:1\n  - name: side\n    image: side:1\n';
    const r = merge('pod.yaml', base, ours, theirs);
    expect(r).toEqual({
      ok: true,
      text: 'containers:\n  - name: init\n    image: init:1\n  - name: web\n    image: web:1   # pinned\n  - name: side\n    image: side:5\n',
      applied: ['containers[name=web].image'], kept: [], forced: [],
    });
  });

  it('removes and re-adds whole named list entries', () => {
    const base = 'jobs:\n  - name: a\n    run: x\n  - name: b\n    run: y\n';
    const ours = 'jobs:\n  - name: a\n    run: x2\n  - name: b\n    run: y\n';
    const theirs = 'jobs:\n  - name: a\n    run: x\n  - name: c\n    run: z\n';
    const r = merge('ci.yaml', base, ours, theirs);
    expect(r).toEqual({ ok: true, text: 'jobs:\n  - name: a\n    run: x2\n  - name: c\n    run: z\n', applied: ['jobs[name=b]', 'jobs[name=c]'], kept: [], forced: [] });
  });

  it('says "not exact" rather than rewrite a field whose old value came through a merge key', () => {
    const base = 'defaults: &d\n  pool: 2\nsvc:\n  <<: *d\n  pool: 5\n';
    const theirs = 'defaults: &d\n  pool: 2\nsvc:\n  <<: *d\n';
    const r = merge('m.yaml', base, `${base}other: 1\n`, theirs);
    expect(r).toEqual({ ok: false, conflicts: [{ path: 'svc.pool', reason: 'not-exact' }] });
  });

  it('reverts a field of an unnamed Kubernetes port, found by port+protocol, in place', () => {
    const svc = (udp: number, tcp: number, extra = '') => `spec:\n  ports:\n    - port: 53\n      protocol: UDP\n      targetPort: ${udp}\n    - port: 53\n      protocol: TCP\n      targetPort: ${tcp}\n${extra}`;
    // the reverted change set UDP's targetPort 53 → 5353; later the file gained a key
    const r = merge('svc.yaml', svc(5353, 53), svc(5353, 53, 'z: 1\n'), svc(53, 53));
    expect(r).toEqual(expect.objectContaining({ ok: true, text: svc(53, 53, 'z: 1\n'), applied: ['spec.ports[port+protocol=53/UDP].targetPort'] }));
  });

  it('finds entries by the identifiers settings name (list_identifiers), also after a later insertion', () => {
    const rules = compileIdentifierRules({ protectedbranches: 'branch' });
    if (typeof rules === 'string') throw new Error(rules);
    const doc = (entries: [string, string][]) => `protectedbranches:\n${entries.map(([b, p]) => `  - branch: ${b}\n    push: ${p}\n`).join('')}`;
    const base = doc([['main', 'devs'], ['dev', 'all']]); // the reverted change set main's push to devs
    const theirs = doc([['main', 'admins'], ['dev', 'all']]);
    const ours = doc([['feature', 'x'], ['main', 'devs'], ['dev', 'all']]); // a later change inserted a branch first
    const r = mergeFields('p.yaml', base, ours, theirs, { identifiers: rules });
    expect(r).toEqual(expect.objectContaining({ ok: true, text: doc([['feature', 'x'], ['main', 'admins'], ['dev', 'all']]), applied: ['protectedbranches[branch=main].push'] }));
    // without the rule the entries have no identity: positions moved, so it is a conflict, never a wrong edit
    expect(mergeFields('p.yaml', base, ours, theirs)).toMatchObject({ ok: false });
  });

  it('edits positions of a plain list in place', () => {
    const r = merge('m.yaml', 'a: [1, 2]   # order\n', 'a: [1, 2]   # order\nz: 1\n', 'a: [2, 1]\n');
    expect(r).toEqual(expect.objectContaining({ ok: true, text: 'a: [2, 1]   # order\nz: 1\n' }));
  });

  it('gives up (null) on files that do not parse or are not YAML/JSON', () => {
    expect(merge('a.txt', 'a', 'b', 'c')).toBeNull();
    expect(merge('a.yaml', 'a: [', 'a: 1\n', 'a: 2\n')).toBeNull();
  });
});

describe('mergeFields (JSON)', () => {
  it('edits values and keys in place, commas included, keeping the layout', () => {
    const base = '{\n  "a": 1,\n  "b": {"x": true},\n  "added": "yes"\n}\n';
    const ours = '{\n  "a": 1,\n  "b": {"x": true},\n  "added": "yes",\n  "later": 2\n}\n';
    const theirs = '{\n  "a": 0,\n  "gone": [1, 2],\n  "b": {"x": true}\n}\n';
    const r = merge('c.json', base, ours, theirs);
    expect(r).toEqual({ ok: true, text: '{\n  "a": 0,\n  "gone": [1, 2],\n  "b": {"x": true},\n  "later": 2\n}\n', applied: ['a', 'added', 'gone'], kept: [], forced: [] });
    expect(JSON.parse((r as { text: string }).text)).toEqual({ a: 0, gone: [1, 2], b: { x: true }, later: 2 });
  });

  it('removes the last key with the comma before it', () => {
    const r = merge('c.json', '{"a": 1, "b": 2}', '{"a": 5, "b": 2}', '{"a": 1}');
    expect(r).toEqual({ ok: true, text: '{"a": 5}', applied: ['b'], kept: [], forced: [] });
  });

  it('makes a change to an entry of a Kubernetes List, found by its namespace/name', () => {
    const list = (a: string, b: string) => `kind: List\nitems:\n  - metadata: {name: a, namespace: n}\n    image: ${a}\n  - metadata: {name: b, namespace: n}\n    image: ${b}\n`;
    const r = merge('l.yaml', list('x:1', 'y:1'), `# ours\n${list('x:1', 'y:1')}`, list('x:1', 'y:2'));
    expect(r).toMatchObject({ ok: true, applied: ['items[resource=n/b].image'], text: `# ours\n${list('x:1', 'y:2')}` });
  });
});
