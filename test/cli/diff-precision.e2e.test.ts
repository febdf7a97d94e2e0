import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { cfgtrail, FIXTURES, git } from '../helpers/cli.js';

/**
 * Issue 11 end to end, through bin/ on real stores: a field query finds every
 * change to one container's image whatever the order of documents and
 * containers; list identifiers named in settings drive diff and the index;
 * `!!binary` values print as size and base64 everywhere.
 */

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

function newStore(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

function ok(dir: string, args: string[]): string {
  const r = cfgtrail(args, { cwd: dir });
  if (r.code !== 0) throw new Error(`cfgtrail ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function snap(dir: string, title: string): string {
  return (JSON.parse(ok(dir, ['snapshot', '-m', title, '--json'])) as { commit: string }).commit;
}

const titles = (out: string): string[] => (JSON.parse(out) as { title: string }[]).map((e) => e.title);

// A Deployment + Service + ConfigMap bundle, written in a given document and container order.
const container = (name: string, image: string) => `      - name: ${name}\n        image: ${image}\n        ports:\n          - containerPort: 8080\n`;
function bundle(order: string[], containers: [string, string][], data = 'level: info'): string {
  const docs: Record<string, string> = {
    deploy:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n' +
      containers.map(([n, i]) => container(n, i).replace(/^ {6}/gm, '        ')).join(''),
    svc: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n',
    cm: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: default\ndata:\n  app.yaml: |\n    ${data}\n`,
  };
  return order.map((k) => `---\n${docs[k]}`).join('');
}

describe('log --field follows one container image through reordered documents and containers', () => {
  let dir = '';
  const FIELD = 'spec.template.spec.containers[name=app].image';

  beforeAll(() => {
    dir = newStore('cfgtrail-field-');
    const steps: [string, string[], [string, string][], string?][] = [
      ['1 initial bundle', ['deploy', 'svc', 'cm'], [['app', 'app:1'], ['sidecar', 'proxy:1']]],
      ['2 documents and containers reordered', ['cm', 'svc', 'deploy'], [['sidecar', 'proxy:1'], ['app', 'app:1']]],
      ['3 app image 2', ['svc', 'deploy', 'cm'], [['sidecar', 'proxy:1'], ['app', 'app:2']]],
      ['4 sidecar image only, reordered again', ['deploy', 'cm', 'svc'], [['app', 'app:2'], ['sidecar', 'proxy:2']]],
      ['5 app image 3 while containers swap', ['deploy', 'cm', 'svc'], [['sidecar', 'proxy:2'], ['app', 'app:3']]],
      ['6 config map only', ['svc', 'cm', 'deploy'], [['sidecar', 'proxy:2'], ['app', 'app:3']], 'level: debug'],
    ];
    ok(dir, ['init']);
    for (const [title, order, containers, data] of steps) {
      writeFileSync(join(dir, 'k8s.yaml'), bundle(order, containers, data));
      snap(dir, title);
    }
  });

  it('finds exactly the snapshots that changed the image, named with or without the resource', () => {
    for (const q of [FIELD, `k8s.yaml:${FIELD}`, `k8s.yaml:Deployment/default/web.${FIELD}`, `k8s.yaml:[doc=Deployment/default/web].${FIELD}`]) {
      expect(titles(ok(dir, ['log', '--field', q, '--json'])), q).toEqual(['5 app image 3 while containers swap', '3 app image 2', '1 initial bundle']);
    }
    expect(titles(ok(dir, ['log', '--field', 'spec.template.spec.containers[name=sidecar].image', '--json']))).toEqual([
      '4 sidecar image only, reordered again',
      '1 initial bundle',
    ]);
    // native git as witness: six commits, and a text search for the image lines also lists
    // snapshot 2, which only moved them: a field query must not
    const store = join(dir, '.cfgtrail');
    expect(git(['--git-dir', store, 'rev-list', '--count', 'HEAD']).trim()).toBe('6');
    const byText = git(['--git-dir', store, 'log', '--format=%s', '-G', 'image: app:']).trim().split('\n');
    expect(byText).toEqual(expect.arrayContaining(['5 app image 3 while containers swap', '3 app image 2', '2 documents and containers reordered', '1 initial bundle']));
  });

  it('a rebuilt index answers the same (the index is derived data)', () => {
    rmSync(join(dir, '.cfgtrail', 'cfgtrail-index'), { recursive: true, force: true });
    expect(titles(ok(dir, ['log', '--field', FIELD, '--json']))).toEqual(['5 app image 3 while containers swap', '3 app image 2', '1 initial bundle']);
  });

  it('show and diff name the change by resource and container; order changes are their own kind', () => {
    expect(ok(dir, ['show', 'HEAD~3'])).toContain(`  [doc=Deployment/default/web].${FIELD}: app:1 → app:2`);
    expect(ok(dir, ['diff', 'HEAD~5', 'HEAD~4'])).toBe(
      'k8s.yaml (modified)\n⇆ [doc=Deployment/default/web].spec.template.spec.containers: order app, sidecar → sidecar, app\n',
    );
    const rows = JSON.parse(ok(dir, ['diff', '--json', 'HEAD~2', 'HEAD~1'])) as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'changed', pathText: `[doc=Deployment/default/web].${FIELD}`, from: 'app:2', to: 'app:3' }),
      expect.objectContaining({ kind: 'reordered', by: 'name', from: ['app', 'sidecar'], to: ['sidecar', 'app'], document: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' } }),
    ]);
    const exported = ok(dir, ['export', 'HEAD~1', '--json']);
    expect(exported).toContain('"kind": "reordered"');
  });
});

describe('list_identifiers in settings', () => {
  let dir = '';
  const issue243 = (name: string) => readFileSync(join(FIXTURES, 'dyff', 'issues', 'issue-243', name));

  beforeAll(() => {
    dir = newStore('cfgtrail-ids-');
    ok(dir, ['init']);
    appendFileSync(join(dir, '.cfgtrail', 'settings.yaml'), '');
    const settings = readFileSync(join(dir, '.cfgtrail', 'settings.yaml'), 'utf8');
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), settings.replace('list_identifiers: {}', 'list_identifiers:\n  protectedbranches: branch\n  spec.ports: [port, protocol]'));
    // dyff's issue 243, old side first as compare_test.go loads it
    writeFileSync(join(dir, 'project.yml'), issue243('to.yml'));
    snap(dir, 'gitlab project');
    writeFileSync(join(dir, 'project.yml'), issue243('from.yml'));
    snap(dir, 'same project, keys and entries reordered');
  });

  it('diff matches protected branches by the named key: only order changes remain, as dyff finds with branch', () => {
    const rows = JSON.parse(ok(dir, ['diff', '--json', 'HEAD~1', 'HEAD'])) as { kind: string; pathText: string; by: string }[];
    expect(rows.map((r) => r.kind)).toEqual(rows.map(() => 'reordered'));
    expect(rows.map((r) => r.pathText)).toContain('repository.protectedbranches[branch=main].allowedtopush');
    expect(titles(ok(dir, ['log', '--field', 'repository.protectedbranches[branch=main].allowedtopush', '--json']))).toEqual([
      'same project, keys and entries reordered',
      'gitlab project',
    ]);
  });

  it('changing the settings rebuilds the index: paths follow the new identifiers', () => {
    const file = join(dir, '.cfgtrail', 'settings.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/list_identifiers:\n {2}protectedbranches: branch\n {2}spec\.ports: \[port, protocol\]/, 'list_identifiers: {}'));
    expect(titles(ok(dir, ['log', '--field', 'repository.protectedbranches[branch=main].allowedtopush', '--json']))).toEqual(['gitlab project']);
    expect(titles(ok(dir, ['log', '--field', 'repository.protectedbranches[0].allowedtopush', '--json']))).toEqual([
      'same project, keys and entries reordered',
      'gitlab project',
    ]);
  });

  it('a bad list_identifiers entry is one line naming file, line and key, exit 5', () => {
    const file = join(dir, '.cfgtrail', 'settings.yaml');
    const good = readFileSync(file, 'utf8');
    for (const [bad, message] of [
      ['list_identifiers:\n  "spec.ports[0]": port', /list_identifiers: "spec\.ports\[0\]": name the list by its map keys only/],
      ['list_identifiers:\n  spec.ports: "port number"', /list_identifiers/],
      ['list_identifiers:\n  spec.ports: []', /list_identifiers/],
    ] as const) {
      writeFileSync(file, good.replace('list_identifiers: {}', bad));
      const r = cfgtrail(['diff'], { cwd: dir });
      expect(r.code, bad).toBe(5);
      expect(r.stderr, bad).toMatch(message);
      expect(r.stderr.trim().split('\n'), bad).toHaveLength(1);
      expect(r.stderr).toMatch(/settings\.yaml:\d+: /);
    }
    writeFileSync(file, good);
  });
});

describe('!!binary values', () => {
  let dir = '';
  const hello = '<binary 5 bytes: SGVsbG8=>';
  const world = '<binary 6 bytes: V29ybGQh>';

  beforeAll(() => {
    dir = newStore('cfgtrail-binary-');
    ok(dir, ['init']);
    writeFileSync(join(dir, 'certs.yaml'), 'ca: !!binary SGVsbG8=\nname: ca\n');
    snap(dir, 'ca');
    writeFileSync(join(dir, 'certs.yaml'), 'ca: !!binary V29ybGQh\nname: ca\n');
    snap(dir, 'new ca');
  });

  it('print as size and base64 in diff, --json, show and export, never as a Buffer', () => {
    const outputs = [
      ok(dir, ['diff', 'HEAD~1', 'HEAD']),
      ok(dir, ['diff', '--json', 'HEAD~1', 'HEAD']),
      ok(dir, ['show', 'HEAD']),
      ok(dir, ['show', '--json', 'HEAD']),
      ok(dir, ['export', 'HEAD']),
      ok(dir, ['export', '--json', 'HEAD']),
    ];
    expect(outputs[0]).toBe(`certs.yaml (modified)\n  ca: ${hello} → ${world}\n`);
    expect(JSON.parse(outputs[1]!)).toEqual([{ file: 'certs.yaml', path: ['ca'], pathText: 'ca', kind: 'changed', from: hello, to: world }]);
    for (const out of outputs) {
      expect(out).toContain(world);
      expect(out).not.toMatch(/Buffer|"0": 87|\b87, 111\b/);
    }
  });
});

describe('a Helm chart’s rendered bundle from the values corpus', () => {
  /**
   * A manifest as `helm template` renders it (`# Source:` headers, one document
   * per template) from a version of the alertmanager chart's values.yaml in
   * fixtures/helm-values: a StatefulSet with the server and a config reloader,
   * its Service and its ConfigMap. `order` and `swap` vary what a chart upgrade
   * may vary without changing any field: document and container order.
   */
  function render(values: Record<string, any>, order: string[], swap: boolean): string {
    const image = `${values.image.repository}:${values.image.tag || 'v0.25.0'}`;
    const reload = values.configmapReload?.image ?? { repository: 'jimmidyson/configmap-reload', tag: 'v0.5.0' };
    const containers = [
      { name: 'alertmanager', image, args: ['--config.file=/etc/alertmanager/alertmanager.yml'], ports: [{ name: 'http', containerPort: 9093 }] },
      { name: 'config-reloader', image: `${reload.repository}:${reload.tag}`, args: ['--webhook-url=http://127.0.0.1:9093/-/reload'] },
    ];
    const ports = [{ name: 'http', port: values.service.port, targetPort: 'http' }];
    if (values.service.clusterPort) ports.push({ name: 'cluster', port: values.service.clusterPort, targetPort: 'cluster' });
    const meta = { name: 'alertmanager', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'alertmanager' } };
    const docs: Record<string, [string, unknown]> = {
      cm: ['configmap.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { 'alertmanager.yml': stringify(values.config) } }],
      svc: ['service.yaml', { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { type: values.service.type, ports } }],
      sts: ['statefulset.yaml', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { replicas: values.replicaCount, template: { spec: { containers: swap ? [...containers].reverse() : containers } } } }],
    };
    return order.map((k) => `---\n# Source: alertmanager/templates/${docs[k]![0]}\n${stringify(docs[k]![1])}`).join('');
  }

  it('a values upgrade rendered in another document and container order shows exactly the fields the values changed', () => {
    const dir = newStore('cfgtrail-helm-');
    const values = (v: string) => parse(readFileSync(join(FIXTURES, 'helm-values', 'alertmanager', `${v}.yaml`), 'utf8')) as Record<string, any>;
    const [a, b] = [values('0005'), values('0020')];
    ok(dir, ['init']);
    writeFileSync(join(dir, 'alertmanager.yaml'), render(a, ['cm', 'svc', 'sts'], false));
    snap(dir, 'chart 0005');
    writeFileSync(join(dir, 'alertmanager.yaml'), render(b, ['sts', 'svc', 'cm'], true));
    snap(dir, 'chart 0020');
    // what the values say changed, worked out from the values themselves
    const sts = '[doc=StatefulSet/monitoring/alertmanager].spec.template.spec.containers';
    const expected = [`reordered ${sts}`];
    if (a.image.repository !== b.image.repository || a.image.tag !== b.image.tag) expected.push(`changed ${sts}[name=alertmanager].image`);
    if (!a.service.clusterPort && b.service.clusterPort) expected.push('added [doc=Service/monitoring/alertmanager].spec.ports[name=cluster]');
    if (stringify(a.config) !== stringify(b.config)) expected.push('changed [doc=ConfigMap/monitoring/alertmanager].data."alertmanager.yml"');
    expect(expected.length).toBeGreaterThanOrEqual(3); // the slice does change image and ports between these versions
    const rows = JSON.parse(ok(dir, ['diff', '--json', 'HEAD~1', 'HEAD'])) as { kind: string; pathText: string; from?: unknown; to?: unknown }[];
    expect(rows.map((r) => `${r.kind} ${r.pathText}`).sort()).toEqual(expected.sort());
    expect(rows.find((r) => r.pathText.endsWith('[name=alertmanager].image'))).toMatchObject({ from: 'prom/alertmanager:v0.25.0', to: 'quay.io/prometheus/alertmanager:v0.25.0' });
    expect(titles(ok(dir, ['log', '--field', 'spec.template.spec.containers[name=config-reloader]', '--json']))).toEqual(['chart 0005']);
  });
});
