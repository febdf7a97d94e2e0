import { describe, expect, test } from 'vitest';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { isCfgtrailError } from '../../src/core/errors.js';
import { serviceGlob as globToRegExp, servicesForFiles, validateServices } from '../../src/ops/services-config.js';

/** Settings text to `validateServices` input plus a real key-path -> line mapping. */
function fromYaml(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const lineOf = (path: (string | number)[]) => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === seg);
        keyNode = pair?.key as Node | undefined;
        node = pair?.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        keyNode = node as Node | undefined;
      } else return undefined;
      if (node === undefined) return undefined;
    }
    return keyNode?.range ? lineCounter.linePos(keyNode.range[0]).line : undefined;
  };
  return { raw: (doc.toJS() as { services?: unknown }).services, where: { file: '/store/settings.yaml', lineOf } };
}

function errorOf(fn: () => unknown): { code: string; message: string; data: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    if (isCfgtrailError(e)) return e;
    throw e;
  }
  throw new Error('expected a CfgtrailError');
}

describe('validateServices', () => {
  test('the documented example, with durations parsed and defaults filled in', () => {
    const { raw, where } = fromYaml(`services:
  - name: myapp
    files: ["config.yaml", "conf.d/*.yaml"]
    restart: { systemd: myapp.service, action: reload }
    timeout: 45s
    health:
      - http: http://127.0.0.1:8080/health
        timeout: 500ms
        retries: 10
      - tcp: 127.0.0.1:5432
      - command: ["/usr/local/bin/check-myapp"]
        timeout: 2m
  - name: db
    files: ["db/**"]
    restart: { signal: HUP, pidfile: /run/db.pid }
`);
    expect(validateServices(raw, where)).toEqual([
      {
        name: 'myapp', files: ['config.yaml', 'conf.d/*.yaml'], timeoutMs: 45_000,
        restart: { kind: 'systemd', unit: 'myapp.service', action: 'reload' },
        health: [
          { kind: 'http', url: 'http://127.0.0.1:8080/health', timeoutMs: 500, retries: 10 },
          { kind: 'tcp', host: '127.0.0.1', port: 5432, timeoutMs: 2_000, retries: 0 },
          { kind: 'command', argv: ['/usr/local/bin/check-myapp'], timeoutMs: 120_000, retries: 0 },
        ],
      },
      { name: 'db', files: ['db/**'], timeoutMs: 30_000, restart: { kind: 'signal', signal: 'SIGHUP', pidfile: '/run/db.pid' }, health: [] },
    ]);
  });

  test.each([
    [{ supervisor: 'app' }, { kind: 'supervisor', program: 'app', ctlArgs: [] }],
    [{ supervisor: 'app', supervisorctl: ['-c', '/x.conf'] }, { kind: 'supervisor', program: 'app', ctlArgs: ['-c', '/x.conf'] }],
    [{ supervisor: { program: 'app', config: '/x.conf' } }, { kind: 'supervisor', program: 'app', ctlArgs: ['-c', '/x.conf'] }],
    [{ systemd: 'a.service' }, { kind: 'systemd', unit: 'a.service', action: 'restart' }],
    [{ kubernetes: { deployment: 'web', namespace: 'prod' } }, { kind: 'kubernetes', deployment: 'web', namespace: 'prod' }],
    [{ docker: 'web' }, { kind: 'docker', container: 'web' }],
    [{ signal: 'SIGUSR1', pidfile: '/p' }, { kind: 'signal', signal: 'SIGUSR1', pidfile: '/p' }],
    [{ command: ['/bin/reload', '--fast'] }, { kind: 'command', argv: ['/bin/reload', '--fast'] }],
  ])('restart %j', (restart, expected) => {
    expect(validateServices([{ name: 'a', files: ['x'], restart }], { file: 's.yaml' })[0]?.restart).toEqual(expected);
  });

  test('an absent or null services list is empty', () => {
    expect(validateServices(undefined, { file: 's.yaml' })).toEqual([]);
    expect(validateServices(null, { file: 's.yaml' })).toEqual([]);
  });

  const ok = 'name: a\n    files: [x]\n    restart: { docker: a }';
  test.each([
    ['services: {}', 'services', 1, 'must be a list'],
    [`services:\n  - name: a\n    files: [x]\n    restart: { sytemd: a.service }`, 'services[0].restart', 4, "unknown restart kind 'sytemd'"],
    [`services:\n  - name: a\n    files: [x]\n    restart: { systemd: a, docker: b }`, 'services[0].restart', 4, 'needs exactly one'],
    [`services:\n  - name: a\n    files: [x]\n    restart: { systemd: a, action: bounce }`, 'services[0].restart.action', 4, "not 'bounce'"],
    [`services:\n  - name: a\n    files: [x]`, 'services[0].restart', 2, 'is required'],
    [`services:\n  - files: [x]\n    restart: { docker: a }`, 'services[0].name', 2, 'is required'],
    [`services:\n  - name: a\n    files: config.yaml\n    restart: { docker: a }`, 'services[0].files', 3, 'list of file globs'],
    [`services:\n  - ${ok}\n    timeout: 30`, 'services[0].timeout', 5, 'must be a duration'],
    [`services:\n  - ${ok}\n    timeout: 10 minutes`, 'services[0].timeout', 5, "not '10 minutes'"],
    [`services:\n  - ${ok}\n    heath: []`, 'services[0].heath', 5, 'unknown key'],
    [`services:\n  - name: a\n    files: [x]\n    restart: { command: "/bin/reload --fast" }`, 'services[0].restart.command', 4, 'no shell string'],
    [`services:\n  - name: a\n    files: [x]\n    restart: { signal: HUPP, pidfile: /p }`, 'services[0].restart.signal', 4, "unknown signal 'HUPP'"],
    [`services:\n  - ${ok}\n    health:\n      - http: 127.0.0.1:8080/health`, 'services[0].health[0].http', 6, 'http:// or https://'],
    [`services:\n  - ${ok}\n    health:\n      - tcp: localhost`, 'services[0].health[0].tcp', 6, 'host:port'],
    [`services:\n  - ${ok}\n    health:\n      - tcp: h:1\n        retries: -1`, 'services[0].health[0].retries', 7, 'whole number'],
    [`services:\n  - ${ok}\n    health:\n      - http: http://h/\n        expect: ok`, 'services[0].health[0].expect', 7, 'status code'],
    [`services:\n  - ${ok}\n    health:\n      - ping: h`, 'services[0].health[0]', 6, 'exactly one of http, tcp, command'],
    [`services:\n  - ${ok}\n  - ${ok}`, 'services[1].name', 5, "duplicate service name 'a'"],
  ])('%#: %s', (text, key, line, words) => {
    const { raw, where } = fromYaml(text);
    const e = errorOf(() => validateServices(raw, where));
    expect(e.code).toBe('BAD_SETTINGS');
    expect(e.data).toEqual({ file: '/store/settings.yaml', line, key });
    expect(e.message).toContain(`/store/settings.yaml:${line}: ${key}: `);
    expect(e.message).toContain(words);
  });

  test('without lineOf the message names the file and key only', () => {
    const e = errorOf(() => validateServices([{ name: 'a', files: ['x'], restart: { sytemd: 'a' } }], { file: 'settings.yaml' }));
    expect(e.message).toBe("settings.yaml: services[0].restart: unknown restart kind 'sytemd' (one of supervisor, systemd, kubernetes, docker, signal, command)");
  });
});

describe('servicesForFiles and globs', () => {
  test.each([
    ['config.yaml', 'config.yaml', true],
    ['config.yaml', 'sub/config.yaml', false],
    ['conf.d/*.yaml', 'conf.d/a.yaml', true],
    ['conf.d/*.yaml', 'conf.d/x/a.yaml', false],
    ['conf.d/**', 'conf.d/x/a.yaml', true],
    ['**/*.yaml', 'a.yaml', true],
    ['**/*.yaml', 'a/b/c.yaml', true],
    ['**/*.yaml', 'a/b/c.json', false],
    ['*.{yaml,yml}', 'a.yml', true],
    ['*.{yaml,yml}', 'a.json', false],
    ['app?.conf', 'app1.conf', true],
    ['app?.conf', 'app/.conf', false],
    ['a+b(1).yaml', 'a+b(1).yaml', true],
    ['config.yaml', 'configXyaml', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  test('picks the services using any changed file, in settings order', () => {
    const services = validateServices([
      { name: 'web', files: ['web/*.yaml'], restart: { docker: 'web' } },
      { name: 'db', files: ['db.yaml', 'shared/**'], restart: { docker: 'db' } },
      { name: 'all', files: ['**'], restart: { docker: 'all' } },
    ], { file: 's.yaml' });
    expect(servicesForFiles(services, ['./db.yaml']).map((s) => s.name)).toEqual(['db', 'all']);
    expect(servicesForFiles(services, ['web/a.yaml', 'shared/x/y.yaml']).map((s) => s.name)).toEqual(['web', 'db', 'all']);
    expect(servicesForFiles(services.slice(0, 2), ['web/deep/a.yaml'])).toEqual([]);
  });
});
