import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, configDir, git, tempDir } from '../helpers/cli.js';

const ZERO = '0'.repeat(40);

function newStore(): { dir: string; store: string } {
  const dir = configDir('example');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  return { dir, store: join(dir, '.cfgtrail') };
}

describe('reflog', () => {
  it('snapshots and rollbacks are logged in git format: git reflog and git log -g read them, fsck stays clean', () => {
    const { dir, store } = newStore();
    expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
    appendFileSync(join(dir, 'config.yaml'), 'extra: 1\n');
    expect(cfgtrail(['snapshot', '-m', 'second'], { cwd: dir }).code).toBe(0);
    const r = cfgtrail(['rollback', 'HEAD~1', '--yes'], { cwd: dir });
    expect(r.code).toBe(0);
    const heads = git(['--git-dir', store, 'rev-list', 'HEAD']).trim().split('\n');
    expect(heads).toHaveLength(3);
    const title = git(['--git-dir', store, 'log', '-1', '--format=%s']).trim();
    // Newest first, as git shows it.
    expect(git(['--git-dir', store, 'log', '-g', '--format=%H %gs']).trim().split('\n')).toEqual([
      `${heads[0]} rollback: ${title}`,
      `${heads[1]} commit: second`,
      `${heads[2]} commit (initial): first`,
    ]);
    expect(git(['--git-dir', store, 'reflog', 'show', 'main', '--format=%gs']).trim().split('\n')).toEqual([`rollback: ${title}`, 'commit: second', 'commit (initial): first']);
    // The first line's old value is 40 zeros; each line's old is the previous new.
    const lines = readFileSync(join(store, 'logs/HEAD'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 2))).toEqual([
      [ZERO, heads[2]],
      [heads[2], heads[1]],
      [heads[1], heads[0]],
    ]);
    expect(lines[0]).toMatch(/^[0-9a-f]{40} [0-9a-f]{40} Test Operator <ops@example\.com> \d+ [+-]\d{4}\tcommit \(initial\): first$/);
    expect(readFileSync(join(store, 'logs/refs/heads/main'), 'utf8')).toBe(readFileSync(join(store, 'logs/HEAD'), 'utf8'));
    // @{1} resolves through the reflog, as a person recovering would use it.
    expect(git(['--git-dir', store, 'rev-parse', 'main@{1}']).trim()).toBe(heads[1]);
    git(['--git-dir', store, 'fsck', '--strict', '--full']);
  });

  it('native git appends to the same reflog after cfgtrail, and cfgtrail after native git', () => {
    const { dir, store } = newStore();
    expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
    const first = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    const byHand = git(['--git-dir', store, 'commit-tree', '-p', first, '-m', 'by hand', `${first}^{tree}`], undefined, undefined, { GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@b' }).trim();
    git(['--git-dir', store, 'update-ref', '-m', 'by hand', 'refs/heads/main', byHand]);
    appendFileSync(join(dir, 'config.yaml'), 'extra: 1\n');
    expect(cfgtrail(['snapshot', '-m', 'second'], { cwd: dir }).code).toBe(0);
    expect(git(['--git-dir', store, 'reflog', 'show', 'main', '--format=%gs']).trim().split('\n')).toEqual(['commit: second', 'by hand', 'commit (initial): first']);
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD^']).trim()).toBe(byHand);
    git(['--git-dir', store, 'fsck', '--strict']);
  });

  it('a verification note moves refs/notes/cfgtrail without a reflog, as git does for notes', () => {
    const { dir, store } = newStore();
    expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['mark-good', '-m', 'ok'], { cwd: dir }).code).toBe(0);
    expect(git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'show', 'HEAD'])).toMatch(/marked-good/);
    expect(existsSync(join(store, 'logs/refs/notes'))).toBe(false);
    expect(readFileSync(join(store, 'logs/HEAD'), 'utf8').trimEnd().split('\n')).toHaveLength(1);
    git(['--git-dir', store, 'fsck', '--strict']);
  });
});

describe('writeRef durability', () => {
  it('fsyncs the ref temp file before renaming it over the ref, then the directory; the reflog lines are fsynced first', () => {
    const { dir, store } = newStore();
    const trace = join(tempDir(), 'trace');
    const r = spawnSync('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=openat,fsync,rename,renameat,renameat2', process.execPath, BIN, 'snapshot', '-m', 'first'], {
      cwd: dir,
      env: cliEnv(),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const ref = join(store, 'refs/heads/main');
    const at = (re: RegExp, from = 0) => lines.findIndex((l, i) => i >= from && re.test(l));
    const fdOf = (i: number) => /= (\d+)$/.exec(lines[i]!)![1];
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const openTmp = at(new RegExp(`openat\\(.*"${esc(ref)}\\.\\d+\\.lock", O_WRONLY`));
    expect(openTmp).toBeGreaterThan(-1);
    const rename = at(new RegExp(`rename.*"${esc(ref)}\\.\\d+\\.lock".*"${esc(ref)}"`), openTmp);
    expect(rename).toBeGreaterThan(openTmp);
    const fsyncTmp = at(new RegExp(`fsync\\(${fdOf(openTmp)}\\)`), openTmp);
    expect(fsyncTmp).toBeGreaterThan(openTmp);
    expect(fsyncTmp).toBeLessThan(rename);
    const openDir = at(new RegExp(`openat\\(.*"${esc(join(store, 'refs/heads'))}", O_RDONLY`), rename);
    expect(openDir).toBeGreaterThan(rename);
    expect(at(new RegExp(`fsync\\(${fdOf(openDir)}\\)`), openDir)).toBeGreaterThan(openDir);
    // Both reflog lines are on disk before the ref moves.
    for (const log of ['logs/refs/heads/main', 'logs/HEAD']) {
      const open = at(new RegExp(`openat\\(.*"${esc(join(store, log))}", O_WRONLY\\|O_CREAT\\|O_APPEND`));
      expect(open).toBeGreaterThan(-1);
      const sync = at(new RegExp(`fsync\\(${fdOf(open)}\\)`), open);
      expect(sync).toBeGreaterThan(open);
      expect(sync).toBeLessThan(rename);
    }
  });

  it('a kill at the ref rename leaves the old ref (or the new one), never an empty file, and the reflog names the new commit', () => {
    const { dir, store } = newStore();
    expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
    const first = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    appendFileSync(join(dir, 'config.yaml'), 'extra: 1\n');
    // The snapshot renames loose objects into place first; count renames to reach the ref's.
    const trace = join(tempDir(), 'trace');
    spawnSync('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=rename', process.execPath, BIN, 'snapshot', '-m', 'dry'], { cwd: configCopy(dir), env: cliEnv(), encoding: 'utf8' });
    const renames = readFileSync(trace, 'utf8').split('\n').filter((l) => /rename\(/.test(l));
    const nth = renames.findIndex((l) => /refs\/heads\/main\.\d+\.lock/.test(l)) + 1;
    expect(nth).toBeGreaterThan(0);
    const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=rename', '-e', `inject=rename:signal=SIGKILL:when=${nth}`, process.execPath, BIN, 'snapshot', '-m', 'second'], {
      cwd: dir,
      env: cliEnv(),
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(readFileSync(join(store, 'refs/heads/main'), 'utf8')).toBe(`${first}\n`);
    const logged = readFileSync(join(store, 'logs/HEAD'), 'utf8').trimEnd().split('\n');
    const newest = logged[logged.length - 1]!.split(' ')[1]!;
    expect(git(['--git-dir', store, 'cat-file', '-t', newest]).trim()).toBe('commit');
    expect(git(['--git-dir', store, 'rev-parse', `${newest}^`]).trim()).toBe(first);
    git(['--git-dir', store, 'fsck', '--strict']);
    // The store still works: the next snapshot commits on top of the old head.
    const again = cfgtrail(['snapshot', '-m', 'second'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD^']).trim()).toBe(first);
  });
});

/** A copy of a config dir and its store, to count a command's renames without changing the original. */
function configCopy(dir: string): string {
  const copy = tempDir();
  spawnSync('cp', ['-a', `${dir}/.`, copy]);
  const cfg = join(copy, '.cfgtrail', 'config');
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(dir, copy));
  return copy;
}
