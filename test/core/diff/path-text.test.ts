import { describe, expect, it } from 'vitest';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { fieldMatches, orderChangeMatches } from '../../../src/core/diff/field-match.js';
import { formatPathText, parsePathText } from '../../../src/core/diff/path-text.js';
import type { PathSegment } from '../../../src/core/types.js';
import { caught } from '../../helpers/errors.js';

const cases: [PathSegment[], string][] = [
  [[], ''],
  [['database', 'pool', 'max'], 'database.pool.max'],
  [['spec', 'containers', { name: 'nginx' }, 'image'], 'spec.containers[name=nginx].image'],
  [['items', 2], 'items[2]'],
  [[0, 'spec'], '[0].spec'],
  [['a.b', 'c'], '"a.b".c'],
  [['x y', '[z]', 'q"uote', ''], '"x y"."[z]"."q\\"uote".""'],
  [['l', { id: 'a]b c' }, 0, 1], 'l[id="a]b c"][0][1]'],
  [['0', 0], '0[0]'],
  [['__proto__', 'constructor'], '__proto__.constructor'],
  [['k8s.io/name', 'héllo'], '"k8s.io/name".héllo'],
];

describe('formatPathText / parsePathText', () => {
  it.each(cases)('%j <-> %s', (path, text) => {
    expect(formatPathText(path)).toBe(text);
    expect(parsePathText(text)).toEqual(path);
  });

  it('round-trips awkward keys', () => {
    const keys = ['a.b', ' lead', 'tab\there', 'ends.', '[', ']', '"', "'", '=', 'a=b', '\\', 'üñí', '1.5', '-'];
    for (const key of keys) {
      const path: PathSegment[] = [key, { name: key }, 3, key];
      expect(parsePathText(formatPathText(path))).toEqual(path);
    }
  });

  it.each(['a..b', 'a.', 'a[', 'a[x]', '"open', 'a[name="x]', 'a]b'])('rejects %s with BAD_INPUT', (text) => {
    const error = caught(() => parsePathText(text));
    expect(isCfgtrailError(error, 'BAD_INPUT')).toBe(true);
  });
});

describe('fieldMatches', () => {
  it('matches equal paths and prefixes either way', () => {
    expect(fieldMatches(['database', 'pool', 'max'], 'database.pool.max')).toBe(true);
    expect(fieldMatches(['database'], 'database.pool.max')).toBe(true);
    expect(fieldMatches(['database', 'pool', 'max'], 'database.pool')).toBe(true);
    expect(fieldMatches(['database', 'pool', 'min'], 'database.pool.max')).toBe(false);
    expect(fieldMatches(['databases'], 'database')).toBe(false);
    expect(fieldMatches('database.pool.max', 'database')).toBe(true);
  });

  it('lets a plain segment name a key-matched entry or a position', () => {
    const path = ['spec', 'containers', { name: 'nginx' }, 'image'];
    expect(fieldMatches(path, 'spec.containers.nginx.image')).toBe(true);
    expect(fieldMatches(path, 'spec.containers[name=nginx].image')).toBe(true);
    expect(fieldMatches(path, 'spec.containers.envoy')).toBe(false);
    expect(fieldMatches(path, 'spec.containers[id=nginx]')).toBe(false);
    expect(fieldMatches('items[2]', 'items.2')).toBe(true);
    expect(fieldMatches('items[2]', 'items[3]')).toBe(false);
    expect(fieldMatches('"a.b".c', 'a.b.c')).toBe(false);
  });

  it('lets a query leave out the document index of a multi-document file', () => {
    expect(fieldMatches([1, 'spec', 'replicas'], 'spec.replicas')).toBe(true);
    expect(fieldMatches([1, 'spec', 'replicas'], '[1].spec')).toBe(true);
    expect(fieldMatches([1, 'spec', 'replicas'], '[0].spec')).toBe(false);
  });

  it('lets a query leave out, or name plainly, the resource of a multi-document file', () => {
    const path = '[doc=Deployment/default/web].spec.replicas';
    expect(fieldMatches(path, 'spec.replicas')).toBe(true);
    expect(fieldMatches(path, 'Deployment/default/web.spec')).toBe(true);
    expect(fieldMatches(path, '[doc=Deployment/default/web].spec.replicas')).toBe(true);
    expect(fieldMatches(path, '[doc=Deployment/default/api].spec')).toBe(false);
    expect(fieldMatches(path, 'Service/default/web')).toBe(false);
  });
});

describe('orderChangeMatches: an order change touches the list, not its entries', () => {
  it('matches a query for the list or a parent, with or without the document, never a field inside an entry', () => {
    const change = parsePathText('[doc=Deployment/default/web].spec.containers');
    const q = (text: string) => orderChangeMatches(change, parsePathText(text));
    expect([q('spec.containers'), q('spec'), q('[doc=Deployment/default/web].spec.containers'), q('Deployment/default/web.spec')]).toEqual([true, true, true, true]);
    expect([q('spec.containers[name=app]'), q('spec.containers[name=app].image'), q('[doc=Deployment/default/web].spec.containers.app')]).toEqual([false, false, false]);
    expect(q('spec.volumes')).toBe(false);
  });
});
