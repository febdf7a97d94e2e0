import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, configDir, git, tempDir } from '../helpers/cli.js';

describe('init and snapshot through bin/', () => {
  it('creates a store native git reads, with trailers git parses', () => {
    const dir = configDir('example');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const r = cfgtrail(
      ['snapshot', '-m', 'Initial config', '--risk', 'low', '--component', 'myapp', '--component', 'db', '--approved-by', 'Bob <bob@example.com>', '--ticket', 'OPS-1', '--trailer', 'Reviewed-By: Ann', '--json'],
      { cwd: dir },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { commit: string; changeId: string; files: { path: string }[] };
    expect(out.files.map((f) => f.path)).toEqual(['conf.d/cache.yaml', 'config.yaml', 'limits.json', 'myapp.env']);
    const store = join(dir, '.cfgtrail');
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD']).trim()).toBe(out.commit);
    git(['--git-dir', store, 'fsck', '--strict']);
    expect(git(['--git-dir', store, 'log', '--format=%(trailers:key=Change-Id,valueonly)']).trim()).toBe(out.changeId);
    const parsed = git(['interpret-trailers', '--parse'], undefined, git(['--git-dir', store, 'log', '-1', '--format=%B']));
    expect(parsed).toBe(
      `Change-Id: ${out.changeId}\nRisk: low\nComponent: myapp\nComponent: db\nApproved-By: Bob <bob@example.com>\nTicket: OPS-1\nReviewed-By: Ann\n`,
    );
    // Every stored blob is byte-identical to the live file, by native git's own hashing.
    for (const line of git(['--git-dir', store, 'ls-tree', '-r', 'HEAD']).trim().split('\n')) {
      const [, oid, path] = /^\d+ blob (\S+)\t(.+)$/.exec(line)!;
      if (path === '.cfgtrail-meta') continue;
      expect(git(['hash-object', join(dir, path!)]).trim()).toBe(oid);
    }
    expect(git(['--git-dir', store, 'ls-tree', '-r', '--name-only', 'HEAD']).split('\n')).toContain('config.yaml');
  });

  it('says nothing changed, makes no commit, unless --allow-empty', () => {
    const dir = configDir('example');
    cfgtrail(['init'], { cwd: dir });
    cfgtrail(['snapshot', '-m', 'one'], { cwd: dir });
    const again = cfgtrail(['snapshot', '-m', 'two'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing changed/);
    expect(git(['--git-dir', join(dir, '.cfgtrail'), 'rev-list', '--count', 'HEAD']).trim()).toBe('1');
    expect(cfgtrail(['snapshot', '-m', 'two', '--allow-empty'], { cwd: dir }).code).toBe(0);
    expect(git(['--git-dir', join(dir, '.cfgtrail'), 'rev-list', '--count', 'HEAD']).trim()).toBe('2');
  });

  it('keeps a store elsewhere with a pointer file, found from a subdirectory', () => {
    const dir = configDir('example');
    const elsewhere = join(tempDir(), 'myapp.git');
    expect(cfgtrail(['init', '--store', elsewhere], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, '.cfgtrail'), 'utf8')).toBe(`gitdir: ${elsewhere}\n`);
    const r = cfgtrail(['snapshot', '-m', 'from below'], { cwd: join(dir, 'conf.d') });
    expect(r.code).toBe(0);
    expect(git(['--git-dir', elsewhere, 'ls-tree', '-r', '--name-only', 'HEAD'])).not.toMatch(/^\.cfgtrail$/m);
    expect(cfgtrail(['-C', dir, 'log', '--oneline'], { cwd: tempDir() }).stdout).toMatch(/from below/);
  });

  it('stores modes, symlinks and empty files; skips editor leftovers', () => {
    const dir = configDir('example');
    chmodSync(join(dir, 'config.yaml'), 0o600);
    writeFileSync(join(dir, 'hook.sh'), '#!/bin/sh\n');
    chmodSync(join(dir, 'hook.sh'), 0o755);
    writeFileSync(join(dir, 'empty.yaml'), '');
    symlinkSync('config.yaml', join(dir, 'current.yaml'));
    for (const junk of ['.config.yaml.swp', 'config.yaml~', '.#config.yaml']) writeFileSync(join(dir, junk), 'x');
    cfgtrail(['init'], { cwd: dir });
    expect(cfgtrail(['snapshot', '-m', 'modes'], { cwd: dir }).code).toBe(0);
    const store = join(dir, '.cfgtrail');
    const tree = git(['--git-dir', store, 'ls-tree', '-r', 'HEAD']);
    expect(tree).toMatch(/^100755 blob \S+\thook\.sh$/m);
    expect(tree).toMatch(/^120000 blob \S+\tcurrent\.yaml$/m);
    expect(tree).toMatch(/^100644 blob e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\tempty\.yaml$/m);
    expect(tree).not.toMatch(/swp|~|\.#/);
    const meta = git(['--git-dir', store, 'show', 'HEAD:.cfgtrail-meta']);
    expect(meta).toMatch(/^0600 \d+ \d+ config\.yaml$/m);
    // A permission-only change is a change.
    chmodSync(join(dir, 'config.yaml'), 0o640);
    const st = cfgtrail(['status', '--json'], { cwd: dir });
    expect(JSON.parse(st.stdout).files).toEqual([expect.objectContaining({ path: 'config.yaml', status: 'mode' })]);
    expect(statSync(join(dir, 'config.yaml')).mode & 0o777).toBe(0o640);
  });

  it('warns about YAML that does not parse, and --strict refuses it', () => {
    const dir = configDir('example');
    cfgtrail(['init'], { cwd: dir });
    writeFileSync(join(dir, 'broken.yaml'), 'a: 1\n  b: [2\n');
    const strict = cfgtrail(['snapshot', '-m', 'strict', '--strict'], { cwd: dir });
    expect(strict.code).toBe(5);
    expect(strict.stderr).toMatch(/^cfgtrail: broken\.yaml:\d+:\d+: .*--strict/);
    expect(existsSync(join(dir, '.cfgtrail', 'refs', 'heads', 'main'))).toBe(false);
    const lax = cfgtrail(['snapshot', '-m', 'lax'], { cwd: dir });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toMatch(/^warning: broken\.yaml:\d+:\d+: /);
    expect(git(['--git-dir', join(dir, '.cfgtrail'), 'show', 'HEAD:broken.yaml'])).toBe('a: 1\n  b: [2\n');
  });
});

describe('errors a user can cause', () => {
  const cases: [string, string[], (dir: string) => void, number, RegExp][] = [
    ['no store', ['log'], () => undefined, 3, /no cfgtrail store/],
    ['unknown revision', ['show', 'deadbeef'], (d) => init(d), 4, /unknown revision 'deadbeef'/],
    ['unknown Change-Id', ['show', 'I0123456789abcdef'], (d) => init(d), 4, /unknown Change-Id/],
    ['bad risk', ['snapshot', '-m', 'x', '--risk', 'huge'], (d) => init(d), 5, /--risk must be one of/],
    ['bad date', ['log', '--since', 'last blursday'], (d) => init(d), 5, /cannot read date/],
    ['bad regex', ['log', '--grep', '(['], (d) => init(d), 5, /--grep/],
    ['malformed settings', ['status'], (d) => { init(d); writeFileSync(join(d, '.cfgtrail', 'settings.yaml'), 'lock_timeout: soon\n'); }, 5, /settings\.yaml:1: lock_timeout: expected a number/],
    ['unknown setting', ['status'], (d) => { init(d); writeFileSync(join(d, '.cfgtrail', 'settings.yaml'), 'include: []\nexlude: []\n'); }, 5, /settings\.yaml:2: exlude: unknown setting/],
    ['usage', ['snapshot'], (d) => init(d), 2, /required option/],
    ['duplicate Change-Id', ['snapshot', '-m', 'again', '--allow-empty', '--change-id', 'I00000000000000aa'], (d) => { init(d); cfgtrail(['snapshot', '-m', 'a', '--change-id', 'I00000000000000aa'], { cwd: d }); }, 5, /already used/],
  ];
  for (const [name, args, setup, code, message] of cases) {
    it(`${name}: one clear line, exit ${code}`, () => {
      const dir = configDir('example');
      setup(dir);
      const r = cfgtrail(args, { cwd: dir });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.code).toBe(code);
    });
  }

  it('a corrupted object in the store is reported, not a crash', () => {
    const dir = configDir('example');
    init(dir);
    cfgtrail(['snapshot', '-m', 'one'], { cwd: dir });
    const store = join(dir, '.cfgtrail');
    const blob = git(['--git-dir', store, 'rev-parse', 'HEAD:config.yaml']).trim();
    const file = join(store, 'objects', blob.slice(0, 2), blob.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, Buffer.from('garbage that is not zlib'));
    const r = cfgtrail(['show', 'HEAD'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/^cfgtrail: .*(corrupt|damaged|object)/i);
  });

  it('a root that vanished is reported', () => {
    const dir = configDir('example');
    const gone = join(dir, 'gone');
    mkdirSync(gone);
    const r = cfgtrail(['-C', join(gone, 'nope'), 'status'], { cwd: dir });
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/does not exist/);
  });
});

function init(dir: string): void {
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
}
