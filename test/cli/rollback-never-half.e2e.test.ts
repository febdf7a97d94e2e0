/**
 * A rollback either refuses before it writes anything, or finishes (or can be
 * finished with --continue / undone with --abort): never exit 70 with some
 * files written. Crafted stores (native git plumbing) give it values it could
 * not write; strace holds or fails one system call to hit races and errors.
 * `CFGTRAIL_TEST_BIN` runs the same tests against an older build.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, git, gitIn, tempDir } from '../helpers/cli.js';
import { findCall, run, runHeld, TEST_BIN, treeState, type Hold } from './rollback-safety-helpers.js';

const ROLLBACK = ['--yes', '--no-restart', '--no-verify', '-m', 'never half'];
const HOLD_MS = 1500;
const JOURNAL = 'cfgtrail-rollback.json';

function init(): { root: string; store: string } {
  const root = join(tempDir('cfgtrail-half-'), 'root');
  mkdirSync(root);
  expect(run(['init'], root).code).toBe(0);
  return { root, store: join(root, '.cfgtrail') };
}

function snapshot(root: string, msg: string): string {
  const r = run(['snapshot', '-m', msg], root);
  expect(r.code, r.stderr).toBe(0);
  return gitIn(join(root, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
}

function write(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** Native git plumbing on the store: a commit on HEAD whose tree is HEAD's with `entries` (git ls-tree lines) laid over it. */
function craft(store: string, entries: Record<string, { mode: string; content: string }>): string {
  const g = (args: string[], input?: string) => git(['--git-dir', store, ...args], undefined, input).trim();
  const lines = g(['ls-tree', 'HEAD']).split('\n').filter((l) => !(l.split('\t')[1]! in entries));
  for (const [name, e] of Object.entries(entries)) lines.push(`${e.mode} blob ${g(['hash-object', '-w', '--stdin'], e.content)}\t${name}`);
  const commit = g(['commit-tree', g(['mktree'], `${lines.join('\n')}\n`), '-p', 'HEAD', '-m', 'crafted']);
  g(['update-ref', 'refs/heads/main', commit]);
  return commit;
}

/** Expects the command to have refused with exit 7 and to have changed nothing at all. */
function expectRefusedUntouched(root: string, store: string, args: string[], why: RegExp): void {
  const before = treeState(root);
  const head = gitIn(store, ['rev-parse', 'HEAD']);
  for (const a of [[...args, '--dry-run'], [...args, ...ROLLBACK]]) {
    const r = run(a, root);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(why);
  }
  expect(treeState(root)).toEqual(before);
  expect(gitIn(store, ['rev-parse', 'HEAD'])).toBe(head);
  expect(existsSync(join(store, JOURNAL))).toBe(false);
}

/** A store where the crafted target (on top of a snapshot with extra.yaml) differs in config.yaml and extra.yaml. */
function craftedTarget(entries: Record<string, { mode: string; content: string }>): { root: string; store: string; target: string } {
  const { root, store } = init();
  write(root, 'config.yaml', 'a: 1\n');
  snapshot(root, 'v1');
  const target = craft(store, entries);
  write(root, 'config.yaml', 'a: 2\n');
  write(root, 'extra.yaml', 'extra: 1\n'); // deleted by the rollback: deletes run first
  snapshot(root, 'later');
  return { root, store, target };
}

describe('.cfgtrail-meta values no file can have are refused before anything is written', () => {
  it.each([
    ['uid 2^32', '0644 4294967296 0 config.yaml\n', /'config\.yaml'.*\.cfgtrail-meta.*uid '4294967296'/],
    ['uid 2^32-1 (chown reads it as "no change")', '0644 4294967295 0 config.yaml\n', /uid '4294967295'/],
    ['gid of 30 digits', '0600 0 123456789012345678901234567890 config.yaml\n', /gid '123456789012345678901234567890'/],
    ['negative uid', '0644 -1 0 config.yaml\n', /uid '-1'/],
    ['uid not a number', '0644 root 0 config.yaml\n', /uid 'root'/],
    ['perm above 7777', '17777 0 0 config.yaml\n', /permissions '17777'/],
  ])('%s: exit 7 naming the file and value, live files and history untouched', (_what, meta, why) => {
    const { root, store, target } = craftedTarget({ '.cfgtrail-meta': { mode: '100644', content: meta }, 'config.yaml': { mode: '100644', content: 'a: crafted\n' } });
    expectRefusedUntouched(root, store, ['rollback', target], why);
  });
});

describe('names too long for the file system', () => {
  it('a crafted name of 300 bytes is refused before anything is written (exit 7)', () => {
    const { root, store, target } = craftedTarget({ ['x'.repeat(300)]: { mode: '100644', content: 'evil: 1\n' }, 'config.yaml': { mode: '100644', content: 'a: crafted\n' } });
    expectRefusedUntouched(root, store, ['rollback', target], /a name is 300 bytes long, more than the 255/);
  });

  it('a name of 85 three-byte characters (255 bytes) is restored: the temp and kept names made from it are cut to fit', () => {
    const { root, store } = init();
    const name = '設'.repeat(85);
    write(root, name, 'v: 1\n');
    const target = snapshot(root, 'v1');
    write(root, name, 'v: 2\n');
    snapshot(root, 'v2');
    const r = run(['rollback', target, ...ROLLBACK], root);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, name), 'utf8')).toBe('v: 1\n');
    expect(readdirSync(root).filter((n) => n.includes('cfgtrail-'))).toEqual([]);
    expect(gitIn(store, ['rev-parse', `HEAD:${name}`])).toBe(gitIn(store, ['rev-parse', `${target}:${name}`]));
  });
});

describe('a symlink no file system can make is refused before anything is written', () => {
  it('an empty link target: exit 7 with no live file changed; --continue refuses the same way, --abort clears it', () => {
    const { root, store, target } = craftedTarget({ 'link.yaml': { mode: '120000', content: '' }, 'config.yaml': { mode: '100644', content: 'a: crafted\n' } });
    const live = () => Object.fromEntries(Object.entries(treeState(root)).filter(([p]) => !p.startsWith('.cfgtrail')));
    const before = live();
    const r = run(['rollback', target, ...ROLLBACK], root);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/symlink 'link\.yaml': its target is empty/);
    expect(live()).toEqual(before);
    // Checked when writing starts (planning does not read blobs): the journal is there, with nothing done.
    const c = run(['rollback', '--continue', '--yes'], root);
    expect(c.code, c.stderr).toBe(7);
    expect(live()).toEqual(before);
    const a = run(['rollback', '--abort'], root);
    expect(a.code, a.stderr).toBe(0);
    expect(live()).toEqual(before);
    expect(existsSync(join(store, JOURNAL))).toBe(false);
  });
});

describe('a directory that must become a file, not empty at the moment it is replaced', () => {
  /** `d` a file at the target, a directory holding x.yaml at HEAD. */
  function dirToFile(): { root: string; store: string; target: string } {
    const { root, store } = init();
    write(root, 'd', 'd: file\n');
    write(root, 'config.yaml', 'a: 1\n');
    const target = snapshot(root, 'd is a file');
    rmSync(join(root, 'd'));
    write(root, 'd/x.yaml', 'x: 1\n');
    write(root, 'config.yaml', 'a: 2\n');
    snapshot(root, 'd is a directory');
    return { root, store, target };
  }

  function keptDir(root: string): string {
    const kept = readdirSync(root).filter((n) => /^\.d\.cfgtrail-kept-\d{8}T\d{6}Z~$/.test(n));
    expect(kept).toHaveLength(1);
    return kept[0]!;
  }

  function expectFinished(root: string, store: string, target: string): void {
    expect(readFileSync(join(root, 'd'), 'utf8')).toBe('d: file\n');
    expect(readFileSync(join(root, 'config.yaml'), 'utf8')).toBe('a: 1\n');
    expect(gitIn(store, ['rev-parse', 'HEAD^{tree}'])).toBe(gitIn(store, ['rev-parse', `${target}^{tree}`]));
    expect(existsSync(join(store, JOURNAL))).toBe(false);
    expect(run(['status', '--exit-code'], root).code).toBe(0); // the moved directory is never tracked
  }

  it('a swap file created after the check (the kept copy\'s unlink held): the directory is moved aside whole and reported', async () => {
    const { root, store, target } = dirToFile();
    const args = ['rollback', target, ...ROLLBACK, '--json'];
    const hold = findCall(root, args, 'unlink', /x\.yaml\.cfgtrail-kept-/);
    const r = await runHeld(root, args, 'unlink', hold, HOLD_MS, () => writeFileSync(join(root, 'd/.x.yaml.swp'), 'vim swap\n'),
      () => existsSync(join(root, '.cfgtrail', JOURNAL)));
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    expectFinished(root, store, target);
    const kept = keptDir(root);
    expect(readFileSync(join(root, kept, '.x.yaml.swp'), 'utf8')).toBe('vim swap\n');
    const json = JSON.parse(r.stdout) as { result: { keptEdits: unknown[] } };
    expect(json.result.keptEdits).toEqual([{ path: 'd', keptAt: kept, kind: 'directory' }]);
    expect(gitIn(store, ['log', '-1', '--format=%B'])).toContain(`the directory d had to become a file but still held files cfgtrail does not track; it was moved whole to ${kept}`);
  }, 60_000);

  it('an in-place edit of d/x.yaml during the rollback: its kept copy goes with the directory, and both are reported where they are', async () => {
    const { root, store, target } = dirToFile();
    const args = ['rollback', target, ...ROLLBACK];
    const hold = findCall(root, args, 'rename', /\/x\.yaml", "[^"]*\.x\.yaml\.cfgtrail-kept-/);
    const r = await runHeld(root, args, 'rename', hold, HOLD_MS, () => writeFileSync(join(root, 'd/x.yaml'), 'x: edited during the rollback\n'),
      () => existsSync(join(root, '.cfgtrail', JOURNAL)));
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    expectFinished(root, store, target);
    const kept = keptDir(root);
    const inside = readdirSync(join(root, kept));
    expect(inside).toHaveLength(1);
    expect(readFileSync(join(root, kept, inside[0]!), 'utf8')).toBe('x: edited during the rollback\n');
    expect(r.stdout).toContain(`your edit to d/x.yaml made during the rollback was kept at ${kept}/${inside[0]}\n`);
    expect(r.stdout).toContain(`the directory d had to become a file but still held files cfgtrail does not track; it was moved whole to ${kept}\n`);
  }, 60_000);

  it('killed with its own kept copy still in d: --continue finishes (the copy is not called untracked)', () => {
    const { root, store, target } = dirToFile();
    const args = ['rollback', target, ...ROLLBACK];
    const hold = findCall(root, args, 'unlink', /x\.yaml\.cfgtrail-kept-/);
    killAt(root, args, hold);
    expect(existsSync(join(store, JOURNAL))).toBe(true);
    expect(readdirSync(join(root, 'd')).some((n) => n.startsWith('.x.yaml.cfgtrail-kept-'))).toBe(true);
    const c = run(['rollback', '--continue', '--yes'], root);
    expect(c.stderr).not.toMatch(/does not track/);
    expect(c.code, c.stderr).toBe(0);
    expectFinished(root, store, target);
  }, 60_000);

  it('killed at every rename, unlink, link and rmdir: --continue always finishes, with nothing called untracked', () => {
    const { root, target } = dirToFile();
    const tpl = tempDir('cfgtrail-half-tpl-');
    spawnSync('cp', ['-a', `${root}/.`, tpl]);
    const args = ['rollback', target, ...ROLLBACK];
    let kills = 0;
    for (const name of ['rename', 'unlink', 'link', 'rmdir']) {
      for (let when = 1; ; when++) {
        const dir = join(tempDir('cfgtrail-half-kill-'), 'root');
        spawnSync('cp', ['-a', tpl, dir]);
        const log = `${dir}.strace`;
        const r = spawnSync('strace', ['-f', '-qq', '-o', log, '-e', `trace=${name}`, '-e', `inject=${name}:signal=SIGKILL:when=${when}`, process.execPath, TEST_BIN, ...args], { cwd: dir, env: cliEnv(), encoding: 'utf8' });
        const killed = readFileSync(log, 'utf8').includes('+++ killed by SIGKILL');
        if (!killed) {
          expect(r.status, r.stderr).toBe(0); // past the last call: the rollback ran to its end
          break;
        }
        kills++;
        const c = run(['rollback', '--continue', '--yes'], dir);
        const fin = c.code === 10 ? run(['rollback', target, ...ROLLBACK], dir) : c; // killed before the journal, or after it was removed
        expect(fin.stderr, `${name} #${when}`).not.toMatch(/does not track|internal error/);
        expect([0, 10], `${name} #${when}: ${fin.stderr}`).toContain(fin.code);
        expect(readFileSync(join(dir, 'd'), 'utf8'), `${name} #${when}`).toBe('d: file\n');
        expect(existsSync(join(dir, '.cfgtrail', JOURNAL)), `${name} #${when}`).toBe(false);
      }
    }
    expect(kills).toBeGreaterThan(5);
  }, 300_000);

  it('the plan still refuses an untracked file that is there when it plans (exit 13, this run changed nothing)', () => {
    const { root, target } = dirToFile();
    write(root, 'd/.notes.txt.swp', 'mine\n'); // never tracked
    const r = run(['rollback', target, ...ROLLBACK], root);
    expect(r.code).toBe(13);
    expect(r.stderr).toMatch(/'d' must become a file.*d\/\.notes\.txt\.swp.*\(this run changed nothing\)/);
    expect(lstatSync(join(root, 'd')).isDirectory()).toBe(true);
  });
});

/** Runs `args` under strace with SIGKILL at call `hold`. */
function killAt(root: string, args: string[], hold: Hold): void {
  spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${hold.name}`, '-e', `inject=${hold.name}:signal=SIGKILL:when=${hold.when}`, process.execPath, TEST_BIN, ...args], { cwd: root, env: cliEnv() });
}

/** Runs `args` under strace with call `hold` failing with `errno`. */
function failAt(root: string, args: string[], hold: Hold, errno: string): { code: number; stderr: string } {
  const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${hold.name}`, '-e', `inject=${hold.name}:error=${errno}:when=${hold.when}`, process.execPath, TEST_BIN, ...args], { cwd: root, env: cliEnv(), encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

describe('a system call failing half-way is exit 8 and the rollback can be finished or aborted', () => {
  function threeFiles(): { root: string; store: string; target: string } {
    const { root, store } = init();
    for (const f of ['a', 'b', 'c']) write(root, `${f}.yaml`, `${f}: 1\n`);
    const target = snapshot(root, 'v1');
    for (const f of ['a', 'b', 'c']) write(root, `${f}.yaml`, `${f}: 2\n`);
    snapshot(root, 'v2');
    return { root, store, target };
  }

  it.each([['EIO'], ['EDQUOT'], ['EBUSY']])('%s on the rename of b.yaml: exit 8 naming it, then --continue finishes', (errno) => {
    const { root, store, target } = threeFiles();
    const args = ['rollback', target, ...ROLLBACK];
    const hold = findCall(root, args, 'rename', /, "[^"]*\/b\.yaml"\)/);
    const r = failAt(root, args, hold, errno);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(8);
    expect(r.stderr).toContain(`cannot write 'b.yaml': ${errno} (rename)`);
    expect(r.stderr).toMatch(/rollback --continue.*rollback --abort/);
    expect(readFileSync(join(root, 'a.yaml'), 'utf8')).toBe('a: 1\n'); // half-applied, and pending
    expect(readFileSync(join(root, 'b.yaml'), 'utf8')).toBe('b: 2\n');
    expect(readdirSync(root).filter((n) => n.includes('.cfgtrail-'))).toEqual([]);
    const c = run(['rollback', '--continue', '--yes'], root);
    expect(c.code, c.stderr).toBe(0);
    for (const f of ['a', 'b', 'c']) expect(readFileSync(join(root, `${f}.yaml`), 'utf8')).toBe(`${f}: 1\n`);
    expect(gitIn(store, ['rev-parse', 'HEAD^{tree}'])).toBe(gitIn(store, ['rev-parse', `${target}^{tree}`]));
  }, 60_000);

  it('EIO half-way, then --abort puts back what was written', () => {
    const { root, store, target } = threeFiles();
    const head = gitIn(store, ['rev-parse', 'HEAD']);
    const args = ['rollback', target, ...ROLLBACK];
    const r = failAt(root, args, findCall(root, args, 'rename', /, "[^"]*\/b\.yaml"\)/), 'EIO');
    expect(r.code, r.stderr).toBe(8);
    const a = run(['rollback', '--abort'], root);
    expect(a.code, a.stderr).toBe(0);
    for (const f of ['a', 'b', 'c']) expect(readFileSync(join(root, `${f}.yaml`), 'utf8')).toBe(`${f}: 2\n`);
    expect(gitIn(store, ['rev-parse', 'HEAD'])).toBe(head);
    expect(run(['status', '--exit-code'], root).code).toBe(0);
  }, 60_000);
});
