import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cfgtrail } from '../helpers/cli.js';

/** Multi-document Kubernetes manifests through the built CLI: documents are matched by resource. */
const deployment = (replicas: number): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: ${replicas}\n`;
const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  ports:\n    - port: 80\n';

let dir = '';
const revs: string[] = [];

function snap(title: string, manifest: string): void {
  writeFileSync(join(dir, 'app.yaml'), manifest);
  const r = cfgtrail(['snapshot', '-m', title, '--json'], { cwd: dir });
  if (r.code !== 0) throw new Error(r.stderr);
  revs.push((JSON.parse(r.stdout) as { commit: string }).commit);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfgtrail-diff-k8s-'));
  writeFileSync(join(dir, 'app.yaml'), '');
  cfgtrail(['init'], { cwd: dir });
  snap('deployment then service', `${deployment(1)}---\n${service}`);
  snap('service then deployment', `${service}---\n${deployment(1)}`);
  snap('scale web', `${service}---\n${deployment(3)}`);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('diff of multi-document Kubernetes files', () => {
  it('sees no field change when documents only change order', () => {
    const r = cfgtrail(['diff', '--json', revs[0] ?? '', revs[1] ?? ''], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ file: 'app.yaml', kind: 'formatting' }]);
  });

  it('names the document by resource in the path and carries its identity in --json', () => {
    const r = cfgtrail(['diff', '--json', revs[0] ?? '', revs[2] ?? ''], { cwd: dir });
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file: 'app.yaml',
        path: [{ doc: 'Deployment/default/web' }, 'spec', 'replicas'],
        pathText: '[doc=Deployment/default/web].spec.replicas',
        kind: 'changed',
        from: 1,
        to: 3,
        document: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' },
      },
    ]);
    const text = cfgtrail(['diff', revs[1] ?? '', revs[2] ?? ''], { cwd: dir });
    expect(text.stdout).toContain('[doc=Deployment/default/web].spec.replicas');
  });

  it('finds the change with log --field, with or without the resource', () => {
    for (const field of ['spec.replicas', 'app.yaml:Deployment/default/web.spec.replicas', 'app.yaml:[doc=Deployment/default/web].spec']) {
      const r = cfgtrail(['log', '--field', field, '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { title: string }[]).map((e) => e.title), field).toContain('scale web');
      expect((JSON.parse(r.stdout) as { title: string }[]).map((e) => e.title), field).not.toContain('service then deployment');
    }
  });
});
