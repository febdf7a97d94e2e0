/**
 * Settings are checked by every command, services included, against the
 * JSON Schema published in schema/ (issue 10). End to end through bin/.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cfgtrail, tempDir } from '../helpers/cli.js';

const SERVICES = `services:
  - name: myapp
    files: ["a.yaml"]
    restart: { supervisor: myapp }
    timeout: 30s
    health:
      - http: http://127.0.0.1:8080/health
`;

function store(): { dir: string; settings: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'a.yaml'), 'a: 2\n');
  return { dir, settings: join(dir, '.cfgtrail', 'settings.yaml') };
}

const setServices = (settings: string, text: string) =>
  writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^services:[\s\S]*$/m, text));

describe('a settings typo fails every command at once, not at rollback time', () => {
  const commands = [['status'], ['diff'], ['log'], ['log', '--oneline'], ['show'], ['export'], ['snapshot', '-m', 'x'], ['gc'], ['fsck'], ['verify'], ['rollback', 'HEAD', '--dry-run']];
  it.each(commands)('%s', (...args) => {
    const { dir, settings } = store();
    setServices(settings, SERVICES.replace('restart:', 'restrat:'));
    const line = readFileSync(settings, 'utf8').split('\n').findIndex((l) => l.includes('restrat')) + 1;
    const r = cfgtrail(args, { cwd: dir });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 5,
      stdout: '',
      stderr: `cfgtrail: ${settings}:${line}: services[0].restrat: unknown key (allowed here: name, files, timeout, restart, health)\n`,
    });
  });

  it('a check the schema cannot make (an unknown signal) fails log too', () => {
    const { dir, settings } = store();
    setServices(settings, SERVICES.replace('{ supervisor: myapp }', '{ signal: HUPP, pidfile: /run/x.pid }'));
    const r = cfgtrail(['log'], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/services\[0\]\.restart\.signal: unknown signal 'HUPP'\n$/);
  });

  it('fixing the file is seen at once; breaking it again too', () => {
    const { dir, settings } = store();
    setServices(settings, SERVICES);
    expect(cfgtrail(['log', '--oneline'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['log', '--oneline'], { cwd: dir }).code).toBe(0);
    setServices(settings, SERVICES.replace('30s', '30 seconds'));
    const bad = cfgtrail(['log', '--oneline'], { cwd: dir });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/services\[0\]\.timeout: expected a duration such as 500ms, 30s or 2m, got '30 seconds'\n$/);
    setServices(settings, SERVICES);
    expect(cfgtrail(['log', '--oneline'], { cwd: dir }).code).toBe(0);
  });

  it('a stale or foreign stamp is not trusted', () => {
    const { dir, settings } = store();
    setServices(settings, SERVICES);
    writeFileSync(join(dir, '.cfgtrail', 'cfgtrail-settings.checked'), 'not a stamp');
    expect(cfgtrail(['status'], { cwd: dir }).code).toBe(0);
    setServices(settings, SERVICES.replace('supervisor', 'supervisr'));
    expect(cfgtrail(['status'], { cwd: dir }).code).toBe(5);
  });
});

describe('init points editors at the published schema', () => {
  it('writes a yaml-language-server line naming schema/settings.schema.json of this installation', () => {
    const { settings } = store();
    const first = readFileSync(settings, 'utf8').split('\n')[0]!;
    const m = /^# yaml-language-server: \$schema=(file:\/\/\S+)$/.exec(first);
    expect(m).not.toBeNull();
    const file = fileURLToPath(m![1]!);
    expect(existsSync(file)).toBe(true);
    expect(file).toBe(join(import.meta.dirname, '../../schema/settings.schema.json'));
    expect(JSON.parse(readFileSync(file, 'utf8')).title).toMatch(/cfgtrail store settings/);
  });
});
