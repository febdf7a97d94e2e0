/**
 * Issue 10, "Git users guess right": paths from the current directory,
 * Change-Id prefixes and revision ranges, no silent wrong answers, one-line
 * usage errors. End to end through bin/cfgtrail.js.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cfgtrail } from '../helpers/cli.js';

/**
 * A store with four changes and known Change-Ids (two share the prefix I1111):
 *   1 I1111222233334444 first   (adds k8s/deployment.yaml, top.yaml)
 *   2 I1111999933334444 second  (k8s/deployment.yaml, risk high)
 *   3 I2222000011112222 third   (top.yaml)
 *   4 I3333000011112222 fourth  (k8s/service.yaml)
 */
function store(): string {
  // One store per describe block (made while collecting it), removed after the file.
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-gitusers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'k8s'));
  writeFileSync(join(dir, 'k8s', 'deployment.yaml'), 'replicas: 1\n');
  writeFileSync(join(dir, 'top.yaml'), 'a: 1\n');
  const run = (args: string[]) => {
    const r = cfgtrail(args, { cwd: dir });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  };
  run(['init']);
  run(['snapshot', '-m', 'first', '--change-id', 'I1111222233334444']);
  writeFileSync(join(dir, 'k8s', 'deployment.yaml'), 'replicas: 2\n');
  run(['snapshot', '-m', 'second', '--change-id', 'I1111999933334444', '--risk', 'high']);
  writeFileSync(join(dir, 'top.yaml'), 'a: 2\n');
  run(['snapshot', '-m', 'third', '--change-id', 'I2222000011112222']);
  writeFileSync(join(dir, 'k8s', 'service.yaml'), 'port: 80\n');
  run(['snapshot', '-m', 'fourth', '--change-id', 'I3333000011112222']);
  return dir;
}

const titles = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ').slice(2).join(' ').replace(/ \(risk: \w+\)$/, ''));

describe('paths are relative to the current directory, as in git', () => {
  const dir = store();
  it.each<[string, string, string[], string[]]>([
    ['a file from its directory', 'k8s', ['--file', 'deployment.yaml'], ['second', 'first']],
    ['the directory itself from inside it', 'k8s', ['--file', '.'], ['fourth', 'second', 'first']],
    ['../ from a subdirectory', 'k8s', ['--file', '../top.yaml'], ['third', 'first']],
    [':/path from the root', 'k8s', ['--file', ':/top.yaml'], ['third', 'first']],
    ['a root-relative path that names nothing from the subdirectory', 'k8s', ['--file', 'k8s/deployment.yaml'], ['second', 'first']],
    ['an absolute path', 'k8s', ['--file', 'ABS/top.yaml'], ['third', 'first']],
    ['log -- PATH', 'k8s', ['--', 'service.yaml'], ['fourth']],
    ['--field FILE:PATH with FILE from the current directory', 'k8s', ['--field', 'deployment.yaml:replicas'], ['second', 'first']],
    ['--field :/FILE:PATH', 'k8s', ['--field', ':/top.yaml:a'], ['third', 'first']],
    ['at the root, unchanged', '.', ['--file', 'k8s/deployment.yaml'], ['second', 'first']],
  ])('log: %s', (_name, sub, args, expected) => {
    const r = cfgtrail(['log', '--oneline', ...args.map((a) => a.replace('ABS', dir))], { cwd: join(dir, sub) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(titles(r.stdout)).toEqual(expected);
  });

  it('-C DIR counts as the current directory, as git -C does', () => {
    const r = cfgtrail(['-C', 'k8s', 'log', '--oneline', '--file', 'deployment.yaml'], { cwd: dir });
    expect(titles(r.stdout)).toEqual(['second', 'first']);
  });

  it('diff -- PATH is relative to the current directory too', () => {
    writeFileSync(join(dir, 'k8s', 'deployment.yaml'), 'replicas: 3\n');
    writeFileSync(join(dir, 'top.yaml'), 'a: 3\n');
    const r = cfgtrail(['diff', '--json', '--', 'deployment.yaml'], { cwd: join(dir, 'k8s') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { file: string }) => x.file)).toEqual(['k8s/deployment.yaml']);
    const all = cfgtrail(['diff', '--json', '--', '.'], { cwd: dir });
    expect(JSON.parse(all.stdout).map((x: { file: string }) => x.file).sort()).toEqual(['k8s/deployment.yaml', 'top.yaml']);
  });

  it('a path outside the config directory is refused (exit 5), not an empty answer', () => {
    const r = cfgtrail(['log', '--file', '../../etc/passwd'], { cwd: join(dir, 'k8s') });
    expect([r.code, r.stdout]).toEqual([5, '']);
    expect(r.stderr).toMatch(/^cfgtrail: --file: '..\/..\/etc\/passwd' is outside the config directory .*\n$/);
  });
});

describe('Change-Id prefixes and revision ranges', () => {
  const dir = store();
  const run = (args: string[]) => cfgtrail(args, { cwd: dir });

  it.each([
    ['show', ['show', 'I11112222'], 'first'],
    ['show with the whole id', ['show', 'I1111999933334444'], 'second'],
    ['show PREFIX~1', ['show', 'I2222~1'], 'second'],
    ['export', ['export', 'I22220000'], 'third'],
  ])('%s resolves a unique prefix', (_name, args, title) => {
    const r = run(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(title);
  });

  it('a prefix as --oneline prints it works in show', () => {
    const line = run(['log', '--oneline', '-n', '1']).stdout;
    const shown = line.split(' ')[1]!;
    expect(shown).toMatch(/^I[0-9a-f]{8}$/);
    expect(run(['show', shown]).stdout).toContain('fourth');
  });

  it('an ambiguous prefix exits 4 and lists the candidates', () => {
    const r = run(['show', 'I1111']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe("cfgtrail: 'I1111' is the start of 2 Change-Ids: I1111999933334444, I1111222233334444; give more characters\n");
  });

  it('an unknown Change-Id exits 4', () => {
    expect(run(['show', 'Iabcdef12']).code).toBe(4);
  });

  it.each<[string, string[], string[]]>([
    ['log REV', ['I1111999933334444'], ['second', 'first']],
    ['log PREFIX', ['I22220000'], ['third', 'second', 'first']],
    ['log A..B', ['I11112222..I22220000'], ['third', 'second']],
    ['log A..', ['HEAD~2..'], ['fourth', 'third']],
    ['log ..B is ..B from HEAD', ['I2222..HEAD'], ['fourth']],
    ['log B..A is empty when A is older', ['HEAD..HEAD~2'], []],
    ['log ^A B', ['^I11119999', 'HEAD'], ['fourth', 'third']],
    ['log REV with -n', ['-n', '1', 'HEAD~1'], ['third']],
    ['log REV with a filter', ['--file', 'top.yaml', 'HEAD~1'], ['third', 'first']],
  ])('%s', (_name, args, expected) => {
    const r = run(['log', '--oneline', ...args]);
    expect(r.stderr).toBe('');
    expect(titles(r.stdout)).toEqual(expected);
    const json = run(['log', '--json', ...args]);
    expect(JSON.parse(json.stdout).map((e: { title: string }) => e.title)).toEqual(expected);
  });

  it('log --change-id takes a unique prefix', () => {
    expect(titles(run(['log', '--oneline', '--change-id', 'I2222']).stdout)).toEqual(['third']);
  });

  it('log with an unknown revision exits 4', () => {
    const r = run(['log', 'nosuchrev']);
    expect([r.code, r.stdout]).toEqual([4, '']);
  });
});

describe('no silent wrong answers', () => {
  const dir = store();
  const run = (args: string[]) => cfgtrail(args, { cwd: dir });

  it.each<[string, string[], number, RegExp]>([
    ['log --risk with a level no snapshot records', ['log', '--risk', 'extreme'], 5, /^cfgtrail: --risk must be one of low, medium, high, critical; got 'extreme'\n$/],
    ['log --change-id that no change has', ['log', '--change-id', 'notanid'], 4, /^cfgtrail: no change in this store has the Change-Id 'notanid'\n$/],
    ['log --change-id with an ambiguous prefix', ['log', '--change-id', 'I1111'], 4, /is the start of 2 Change-Ids/],
    ['log --oneline --json', ['log', '--oneline', '--json'], 2, /^cfgtrail: log: option '--oneline' cannot be used with option '--json' \(see 'cfgtrail log --help'\)\n$/],
    ['log -- two paths', ['log', '--', 'a', 'b'], 5, /one path/],
    ['log --since later than --until', ['log', '--since', 'yesterday', '--until', '3 days ago'], 5, /^cfgtrail: --since 'yesterday' is later than --until '3 days ago'\n$/],
  ])('%s', (_name, args, code, stderr) => {
    const r = run(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
  });

  it('log --risk is case-insensitive as before', () => {
    expect(titles(run(['log', '--oneline', '--risk', 'HIGH']).stdout)).toEqual(['second']);
  });

  it('snapshot --depends-on: a prefix is recorded whole, an unknown id warns, --strict refuses', () => {
    writeFileSync(join(dir, 'top.yaml'), 'a: 5\n');
    const ok = run(['snapshot', '-m', 'needs third', '--depends-on', 'I2222', '--json']);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(run(['show', '--json', 'HEAD']).stdout).toContain('"value": "I2222000011112222"');

    writeFileSync(join(dir, 'top.yaml'), 'a: 6\n');
    const strict = run(['snapshot', '-m', 'x', '--depends-on', 'Inosuch', '--strict']);
    expect(strict.code).toBe(4);
    expect(strict.stderr).toBe("cfgtrail: no change in this store has the Change-Id 'Inosuch'\n");
    expect(titles(run(['log', '--oneline', '-n', '1']).stdout)).toEqual(['needs third']);

    const warned = run(['snapshot', '-m', 'needs other store', '--depends-on', 'Inosuch']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toBe('warning: --depends-on Inosuch: no change in this store has that Change-Id (recorded as given; --strict refuses)\n');
    expect(run(['show', '--json', 'HEAD']).stdout).toContain('"value": "Inosuch"');

    const ambiguous = run(['snapshot', '-m', 'x', '--allow-empty', '--depends-on', 'I1111']);
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.stderr).toMatch(/is the start of 2 Change-Ids: I1111999933334444, I1111222233334444/);
  });
});

describe('usage errors are one line, cfgtrail: … with a hint', () => {
  const dir = store();
  it.each<[string[], string]>([
    [['log', '--fiel', 'x'], "cfgtrail: log: unknown option '--fiel' (did you mean one of --field, --file?; see 'cfgtrail log --help')\n"],
    [['lgo'], "cfgtrail: unknown command 'lgo' (did you mean log?; see 'cfgtrail --help')\n"],
    [['log', '--since'], "cfgtrail: log: option '--since <date>' argument missing (see 'cfgtrail log --help')\n"],
    [['snapshot'], "cfgtrail: snapshot: required option '-m, --message <title>' not specified (see 'cfgtrail snapshot --help')\n"],
    [['show', 'a', 'b'], "cfgtrail: show: too many arguments for 'show'. Expected 1 argument but got 2. (see 'cfgtrail show --help')\n"],
    [['--bogus'], "cfgtrail: unknown option '--bogus' (see 'cfgtrail --help')\n"],
    [['diff', 'HEAD', 'HEAD~1', 'HEAD~2'], "cfgtrail: diff: takes at most two revisions (put paths after --; see 'cfgtrail diff --help')\n"],
  ])('%j', (args, stderr) => {
    const r = cfgtrail(args, { cwd: dir });
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr, stdout: '' });
  });

  it('--help and --version still print and exit 0', () => {
    expect(cfgtrail(['log', '--help'], { cwd: dir })).toMatchObject({ code: 0, stderr: '' });
    expect(cfgtrail(['--version'], { cwd: dir }).code).toBe(0);
  });
});
