import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSettingsSchema, SETTINGS_SCHEMA, SUPPORTED_KEYWORDS } from '../../../src/core/store/settings-schema.js';
import { parseSettings, SETTINGS_TEMPLATE, settingsFileText } from '../../../src/core/store/settings.js';
import { validateServices } from '../../../src/ops/services-config.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { caught } from '../../helpers/errors.js';

const ROOT = join(import.meta.dirname, '../../..');

/** Every object key in the schema that sits where a keyword goes (not a property name or definition name). */
function keywords(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keywords(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      if (k === 'properties' || k === 'definitions') Object.values(v as object).forEach((n) => keywords(n, out));
      else if (k !== 'enum' && k !== 'required' && k !== 'default') keywords(v, out);
    }
  }
  return out;
}

describe('the settings schema is the one source', () => {
  it('is the file published in the repository', () => {
    expect(SETTINGS_SCHEMA).toEqual(JSON.parse(readFileSync(join(ROOT, 'schema/settings.schema.json'), 'utf8')));
  });

  it('uses only keywords the checker understands', () => {
    expect([...keywords(SETTINGS_SCHEMA)].filter((k) => !SUPPORTED_KEYWORDS.has(k))).toEqual([]);
  });

  it('lists every setting the code reads, with the template value as its default', () => {
    const template = parseSettings(SETTINGS_TEMPLATE, 'settings.yaml');
    const props = SETTINGS_SCHEMA.properties!;
    expect(Object.keys(props).sort()).toEqual(
      SETTINGS_TEMPLATE.split('\n').filter((l) => /^[a-z_]+:/.test(l)).map((l) => l.split(':')[0]).sort(),
    );
    expect(template.lockTimeoutMs).toBe((props.lock_timeout as { default: number }).default * 1000);
  });

  it('the file init writes starts with the yaml-language-server line and still parses', () => {
    const text = settingsFileText('file:///opt/cfgtrail/schema/settings.schema.json');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=file:///opt/cfgtrail/schema/settings.schema.json');
    expect(parseSettings(text, 'settings.yaml').yamlSchema).toBe('core');
  });
});

describe('settings errors name the file, line and key', () => {
  const svc = 'services:\n  - name: a\n    files: [x]\n';
  it.each<[string, string, number | undefined, string]>([
    ['[1, 2]\n', '(top)', undefined, 'expected a mapping, got [1, 2]'],
    ['include: []\nexlude: []\n', 'exlude', 2, 'unknown setting (known: include, exclude, yaml_schema'],
    ['lock_timeout: soon\n', 'lock_timeout', 1, "expected a number ≥ 0, got 'soon'"],
    ['gc_every: -1\n', 'gc_every', 1, 'expected a number ≥ 0, got -1'],
    ['hook_timeout: 0s\n', 'hook_timeout', 1, 'must be more than 0 (every hook would time out at once)'],
    ['hook_timeout: 99999999999h\n', 'hook_timeout', 1, 'must be at most 596h (the longest a timer can wait), not \'99999999999h\''],
    ['list_identifiers:\n  spec.ports: [port, "b c"]\n', 'list_identifiers.spec.ports', 2, 'expected a non-empty list of strings, got ["port", "b c"]'],
    ['yaml_schema: yaml-1.2\n', 'yaml_schema', 1, "expected 'core' or 'yaml-1.1', got 'yaml-1.2'"],
    ['restore_special_bits: yes\n', 'restore_special_bits', 1, "expected true or false, got 'yes'"],
    ['include:\n', 'include', 1, 'expected a list of strings, got nothing'],
    ['secret_files: [1]\n', 'secret_files', 1, 'expected a list of strings, got [1]'],
    ['services: {}\n', 'services', 1, 'expected a list, got a mapping'],
    [`${svc}    restrat: { systemd: a }\n`, 'services[0].restrat', 4, 'unknown key (allowed here: name, files, timeout, restart, health)'],
    [`${svc}`, 'services[0].restart', 2, 'is required'],
    [`${svc}    restart: { sytemd: a }\n`, 'services[0].restart', 4, "unknown kind 'sytemd' (one of supervisor, systemd, kubernetes, docker, signal, command)"],
    [`${svc}    restart: { systemd: a, docker: b }\n`, 'services[0].restart', 4, 'needs exactly one of supervisor, systemd, kubernetes, docker, signal, command (has systemd, docker)'],
    [`${svc}    restart: { systemd: a, pidfile: /p }\n`, 'services[0].restart.pidfile', 4, 'unknown key (allowed here: systemd, action)'],
    [`${svc}    restart: { systemd: a, action: bounce }\n`, 'services[0].restart.action', 4, "expected 'restart' or 'reload', got 'bounce'"],
    [`${svc}    restart: { command: "/bin/reload --fast" }\n`, 'services[0].restart.command', 4, "expected a non-empty list of non-empty strings, got '/bin/reload --fast'"],
    [`${svc}    restart: { supervisor: { program: a, confg: x } }\n`, 'services[0].restart.supervisor.confg', 4, 'unknown key (allowed here: program, config)'],
    [`${svc}    restart: { docker: a }\n    timeout: 10 minutes\n`, 'services[0].timeout', 5, "expected a duration such as 500ms, 30s or 2m, got '10 minutes'"],
    [`${svc}    restart: { docker: a }\n    health:\n      - http: 127.0.0.1:8080/\n`, 'services[0].health[0].http', 6, "expected an http:// or https:// URL, got '127.0.0.1:8080/'"],
    [`${svc}    restart: { docker: a }\n    health:\n      - tcp: h:1\n        retries: 1.5\n`, 'services[0].health[0].retries', 7, 'expected a whole number ≥ 0, got 1.5'],
    [`${svc}    restart: { docker: a }\n    health:\n      - http: http://h/\n        expect: 700\n`, 'services[0].health[0].expect', 7, 'expected a whole number from 100 to 599, got 700'],
    [`${svc}    restart: { docker: a }\n    health:\n      - ping: h\n`, 'services[0].health[0]', 6, "unknown kind 'ping' (one of http, tcp, command)"],
  ])('%j', (text, key, line, words) => {
    const e = caught(() => parseSettings(text, '/store/settings.yaml'));
    expect(isCfgtrailError(e, 'BAD_SETTINGS')).toBe(true);
    expect((e as { data: unknown }).data).toEqual({ file: '/store/settings.yaml', line, key });
    expect((e as Error).message).toBe(`/store/settings.yaml${line ? `:${line}` : ''}: ${key}: ${words}${words.endsWith(', yaml_schema') ? (e as Error).message.split(words)[1] : ''}`);
  });
});

describe('the schema and the services code agree', () => {
  // Each entry: accepted by both, or refused by both (the code adds checks no schema can make, listed apart).
  const entries: [string, unknown][] = [
    ['supervisor name', { supervisor: 'app' }],
    ['supervisor map', { supervisor: { program: 'app', config: '/c' }, supervisorctl: ['-s', 'unix:///x'] }],
    ['systemd reload', { systemd: 'a.service', action: 'reload' }],
    ['kubernetes', { kubernetes: { deployment: 'web', namespace: 'prod' } }],
    ['docker', { docker: 'web' }],
    ['signal', { signal: 'HUP', pidfile: '/run/x.pid' }],
    ['command', { command: ['/bin/reload', '--fast'] }],
    ['no kind', {}],
    ['two kinds', { docker: 'a', systemd: 'b' }],
    ['typo', { sytemd: 'a' }],
    ['stray key', { docker: 'a', action: 'reload' }],
    ['empty name', { docker: '' }],
    ['command string', { command: '/bin/reload' }],
    ['empty argv', { command: [] }],
    ['kubernetes without deployment', { kubernetes: { namespace: 'x' } }],
    ['supervisor without program', { supervisor: { config: '/c' } }],
    ['a list', ['docker']],
  ];
  const checks: [string, unknown][] = [
    ['http', { http: 'https://h/health', expect: 204, timeout: '500ms', retries: 3 }],
    ['tcp', { tcp: '[::1]:5432' }],
    ['command', { command: ['/bin/check'], timeout: '2m' }],
    ['http without scheme', { http: 'h/health' }],
    ['expect out of range', { http: 'http://h/', expect: 99 }],
    ['expect on tcp', { tcp: 'h:1', expect: 200 }],
    ['negative retries', { tcp: 'h:1', retries: -1 }],
    ['bare number timeout', { tcp: 'h:1', timeout: 30 }],
    ['two kinds', { tcp: 'h:1', http: 'http://h/' }],
  ];
  const verdict = (fn: () => unknown) => (caught(fn) === undefined ? 'ok' : 'refused');
  const cases = [
    ...entries.map(([name, restart]) => [`restart: ${name}`, { name: 'a', files: ['x'], restart }] as const),
    ...checks.map(([name, check]) => [`health: ${name}`, { name: 'a', files: ['x'], restart: { docker: 'a' }, health: [check] }] as const),
    ['no files', { name: 'a', restart: { docker: 'a' } }] as const,
    ['files a string', { name: 'a', files: 'x', restart: { docker: 'a' } }] as const,
    ['unknown key', { name: 'a', files: ['x'], restart: { docker: 'a' }, restrat: {} }] as const,
    ['a valid timeout', { name: 'a', files: ['x'], restart: { docker: 'a' }, timeout: '1s' }] as const,
  ];
  it.each(cases)('%s', (_name, service) => {
    const schema = verdict(() => checkSettingsSchema({ services: [service] }, { file: 's' }));
    const code = verdict(() => validateServices([service], { file: 's' }));
    expect(schema).toBe(code);
  });
});
