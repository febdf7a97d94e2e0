import { describe, expect, it } from 'vitest';
import { compileIdentifierRules, identifierKeysFor } from '../../../src/core/diff/identifier-rules.js';
import { diffTrees } from '../../../src/core/diff/diff-trees.js';
import { fieldMatches } from '../../../src/core/diff/field-match.js';
import { formatPathText, parsePathText } from '../../../src/core/diff/path-text.js';
import { applyChanges } from './apply-changes.js';

const rules = compileIdentifierRules({ scrape_configs: 'job_name', 'spec.ports': ['port', 'protocol'], ports: 'name' });
if (typeof rules === 'string') throw new Error(rules);
const summary = (changes: ReturnType<typeof diffTrees>) => changes.map((c) => `${c.kind} ${c.pathText}`);

describe('list_identifiers rules', () => {
  it('match the trailing map keys of a list path, the longest rule first, list entries skipped', () => {
    expect(identifierKeysFor(rules, ['scrape_configs'])).toEqual(['job_name']);
    expect(identifierKeysFor(rules, [{ doc: 'Service/default/dns' }, 'spec', 'ports'])).toEqual(['port', 'protocol']);
    expect(identifierKeysFor(rules, ['spec', 'template', 'spec', 'containers', { name: 'app' }, 'ports'])).toEqual(['name']);
    expect(identifierKeysFor(rules, ['other'])).toBeNull();
    expect(identifierKeysFor([], ['scrape_configs'])).toBeNull();
  });

  it('refuse a path that is not plain map keys, or a key named twice', () => {
    expect(compileIdentifierRules({ 'a[0].b': 'x' })).toMatch(/map keys only/);
    expect(compileIdentifierRules({ 'a[': 'x' })).toMatch(/bad field path/);
    expect(compileIdentifierRules({ a: ['x', 'x'] })).toMatch(/named twice/);
  });

  it('a compound identity: reordering DNS ports is one order change, an edit names port+protocol', () => {
    const port = (p: number, protocol: string, target: number) => ({ port: p, protocol, targetPort: target });
    const before = { spec: { ports: [port(53, 'UDP', 53), port(53, 'TCP', 53), port(9153, 'TCP', 9153)] } };
    const after = { spec: { ports: [port(53, 'TCP', 53), port(53, 'UDP', 5353), port(9153, 'TCP', 9153)] } };
    const changes = diffTrees('svc.yaml', before, after, { identifiers: rules });
    expect(summary(changes)).toEqual(['changed spec.ports[port+protocol=53/UDP].targetPort', 'changed spec.ports']);
    expect(changes[1]).toMatchObject({ reorder: true, orderKey: 'port+protocol', from: ['53/UDP', '53/TCP', '9153/TCP'], to: ['53/TCP', '53/UDP', '9153/TCP'] });
    expect(applyChanges(before, changes)).toEqual(after);
    // the path text reads back, and log --field finds it
    expect(formatPathText(parsePathText(changes[0]!.pathText))).toBe(changes[0]!.pathText);
    expect(fieldMatches(changes[0]!.path, 'spec.ports[port+protocol=53/UDP]')).toBe(true);
    expect(fieldMatches(changes[0]!.path, 'spec.ports[port+protocol=53/TCP]')).toBe(false);
    // without the rule, Kubernetes' own port identity gives the same
    expect(summary(diffTrees('svc.yaml', before, after))).toEqual(summary(changes));
    // a rule naming keys the entries lack falls back to the usual rules (here: the port identity)
    const other = compileIdentifierRules({ 'spec.ports': ['host', 'path'] });
    if (typeof other === 'string') throw new Error(other);
    expect(summary(diffTrees('svc.yaml', before, after, { identifiers: other }))).toEqual(summary(changes));
  });

  it('a named key that is missing or repeats falls back to the usual rules', () => {
    const before = { scrape_configs: [{ job_name: 'a', name: 'x' }, { name: 'y' }] };
    const after = { scrape_configs: [{ name: 'y' }, { job_name: 'a', name: 'x', v: 1 }] };
    expect(summary(diffTrees('p.yaml', before, after, { identifiers: rules }))).toEqual(['added scrape_configs[name=x].v', 'changed scrape_configs']);
  });

  it('takes precedence over name (settings know better)', () => {
    const only = compileIdentifierRules({ upstreams: 'host' });
    if (typeof only === 'string') throw new Error(only);
    const before = { upstreams: [{ name: 'a', host: 'h1' }, { name: 'b', host: 'h2' }] };
    const after = { upstreams: [{ name: 'b', host: 'h1' }, { name: 'a', host: 'h2' }] };
    expect(summary(diffTrees('u.yaml', before, after, { identifiers: only }))).toEqual(['changed upstreams[host=h1].name', 'changed upstreams[host=h2].name']);
  });
});

describe('unnamed Kubernetes ports', () => {
  it('are matched by port+protocol (containerPort+protocol) without settings, as Kubernetes merges them', () => {
    const svc = (ports: [number, string, number][]) => ({ spec: { ports: ports.map(([port, protocol, targetPort]) => ({ port, protocol, targetPort })) } });
    const before = svc([[53, 'UDP', 53], [53, 'TCP', 53]]);
    const after = svc([[53, 'TCP', 53], [53, 'UDP', 5353], [9153, 'TCP', 9153]]);
    const changes = diffTrees('svc.yaml', before, after);
    expect(summary(changes)).toEqual(['changed spec.ports[port+protocol=53/UDP].targetPort', 'changed spec.ports', 'added spec.ports[port+protocol=9153/TCP]']);
    expect(applyChanges(before, changes)).toEqual(after);
    const pod = (ports: [number, string][]) => ({ containers: [{ name: 'dns', ports: ports.map(([containerPort, protocol]) => ({ containerPort, protocol })) }] });
    expect(summary(diffTrees('pod.yaml', pod([[53, 'UDP'], [53, 'TCP']]), pod([[53, 'TCP']])))).toEqual(['removed containers[name=dns].ports[containerPort+protocol=53/UDP]']);
    // a name, when every port has one, still comes first
    const named = (n: string[]) => ({ ports: n.map((name, i) => ({ name, port: 80 + i, protocol: 'TCP' })) });
    expect(summary(diffTrees('n.yaml', named(['http', 'https']), named(['https', 'http'])))).toEqual(['changed ports[name=https].port', 'changed ports[name=http].port', 'changed ports']);
  });
});
