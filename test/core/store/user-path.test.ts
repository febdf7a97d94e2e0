import { describe, expect, it } from 'vitest';
import { rootRelativeField, rootRelativePath } from '../../../src/core/store/user-path.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { caught } from '../../helpers/errors.js';

const ROOT = '/etc/app';
// What exists under the root, for the root-relative fallback.
const FILES = new Set(['/etc/app', '/etc/app/k8s', '/etc/app/k8s/deployment.yaml', '/etc/app/top.yaml']);
const exists = (p: string) => FILES.has(p);

describe('rootRelativePath', () => {
  it.each<[string, string, string]>([
    ['a file at the root', '/etc/app', 'top.yaml'],
    ['./ and trailing /', '/etc/app', './k8s/'],
    ['. at the root is the root', '/etc/app', '.'],
  ])('%s', (_name, cwd, input) => {
    expect(rootRelativePath(input, { cwd, root: ROOT, exists })).toBe({ 'top.yaml': 'top.yaml', './k8s/': 'k8s', '.': '' }[input]);
  });

  it.each<[string, string, string]>([
    ['deployment.yaml', '/etc/app/k8s', 'k8s/deployment.yaml'],
    ['.', '/etc/app/k8s', 'k8s'],
    ['../top.yaml', '/etc/app/k8s', 'top.yaml'],
    [':/top.yaml', '/etc/app/k8s', 'top.yaml'],
    [':/', '/etc/app/k8s', ''],
    [':/k8s/../top.yaml', '/etc/app/k8s', 'top.yaml'],
    ['/etc/app/k8s/deployment.yaml', '/', 'k8s/deployment.yaml'],
    ['k8s/deployment.yaml', '/etc/app/k8s', 'k8s/deployment.yaml'], // names nothing from k8s/, names a file from the root
    ['gone.yaml', '/etc/app/k8s', 'k8s/gone.yaml'], // a deleted file: the cwd reading, as git
    ['x.yaml', '/etc/app/k8s/new', 'k8s/new/x.yaml'],
  ])('%s from %s', (input, cwd, expected) => {
    expect(rootRelativePath(input, { cwd, root: ROOT, exists })).toBe(expected);
  });

  it.each<[string, string]>([
    ['../../etc/passwd', '/etc/app/k8s'],
    ['/etc/passwd', '/etc/app'],
    [':/../x', '/etc/app'],
    ['../app2/x', '/etc/app'],
  ])('%s from %s is outside the config directory (BAD_INPUT)', (input, cwd) => {
    const e = caught(() => rootRelativePath(input, { cwd, root: ROOT, exists, what: '--file' }));
    expect(isCfgtrailError(e, 'BAD_INPUT')).toBe(true);
    expect((e as Error).message).toBe(`--file: '${input}' is outside the config directory /etc/app`);
  });
});

describe('rootRelativeField', () => {
  it.each<[string, string, string]>([
    ['deployment.yaml:spec.replicas', '/etc/app/k8s', 'k8s/deployment.yaml:spec.replicas'],
    ['../top.yaml:a', '/etc/app/k8s', 'top.yaml:a'],
    [':/top.yaml:a.b', '/etc/app/k8s', 'top.yaml:a.b'],
    ['top.yaml:a', '/etc/app', 'top.yaml:a'],
    ['spec.replicas', '/etc/app/k8s', 'spec.replicas'],
    ['nosuch.yaml:a', '/etc/app/k8s', 'nosuch.yaml:a'],
    ['"a:b".c', '/etc/app/k8s', '"a:b".c'],
    ['k8s/deployment.yaml:a', '/etc/app/k8s', 'k8s/deployment.yaml:a'],
  ])('%s from %s', (field, cwd, expected) => {
    expect(rootRelativeField(field, { cwd, root: ROOT, exists })).toBe(expected);
  });
});
