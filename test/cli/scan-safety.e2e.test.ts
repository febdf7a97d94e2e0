/**
 * The live-file scan (snapshot, status, diff, a rollback's drift snapshot)
 * never reads anything outside the config root and never hangs: strace holds
 * the scan's open of a directory or file while the test swaps it for a
 * symlink to an outside directory or root-only file, or for a FIFO. FIFOs,
 * sockets and devices that are simply there are skipped with one warning each.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { chmodSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cliEnv, gitIn, tempDir } from '../helpers/cli.js';
import { run, TEST_BIN } from './rollback-safety-helpers.js';
import { allObjects, findCalls, runHeldWithLimit } from './scan-safety-helpers.js';

const SECRET = 'password: hunter2-outside-secret';
const HOLD_MS = 2000;
const LIMIT_MS = 30_000;
/** The scan's open of a directory: readdir's (old code) or ours with O_NOFOLLOW, never a rollback's write handle. */
const openDir = (rel: string) => new RegExp(`/${rel.replaceAll('.', '\\.')}", O_RDONLY\\|O_(NONBLOCK|NOFOLLOW)\\|O_CLOEXEC\\|O_DIRECTORY\\)`);
const openFile = (rel: string) => new RegExp(`/${rel.replaceAll('.', '\\.')}", O_RDONLY[|A-Z_]*\\)`);

/** A config root (`root/`) with a snapshot, and a directory outside it holding a root-only secret. */
function setup(): { root: string; outside: string; store: string } {
  const base = tempDir('cfgtrail-scan-');
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'conf.d'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'x.yaml'), `${SECRET}\n`, { mode: 0o600 });
  chmodSync(join(outside, 'x.yaml'), 0o600);
  writeFileSync(join(root, 'config.yaml'), 'a: 1\n');
  writeFileSync(join(root, 'conf.d', 'x.yaml'), 'x: 1\n');
  writeFileSync(join(root, 'conf.d', 'y.yaml'), 'y: 1\n');
  expect(run(['init'], root).code).toBe(0);
  expect(run(['snapshot', '-m', 'v1'], root).code).toBe(0);
  writeFileSync(join(root, 'config.yaml'), 'a: 2\n');
  return { root, outside, store: join(root, '.cfgtrail') };
}

/** Holds the last call matching `match` (the scan under the store lock) and runs `swap` meanwhile. */
async function snapshotWhile(root: string, trace: string, match: RegExp, swap: () => void) {
  const args = ['snapshot', '-m', 'routine cron snapshot'];
  const hold = findCalls(root, args, trace, match).at(-1)!;
  return runHeldWithLimit(root, args, trace, hold, HOLD_MS, swap, LIMIT_MS);
}

function tree(store: string): string {
  return gitIn(store, ['ls-tree', '-r', 'HEAD']);
}

describe('a path swapped while the scan reads it is never followed', () => {
  it('a directory swapped for a link to an outside directory: its files are not stored', async () => {
    const { root, outside, store } = setup();
    const r = await snapshotWhile(root, 'openat', openDir('conf.d'), () => {
      renameSync(join(root, 'conf.d'), join(root, 'conf.d.real'));
      symlinkSync(outside, join(root, 'conf.d'));
    });
    expect(r.hung).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(allObjects(store)).not.toContain(SECRET);
    expect(tree(store)).toMatch(/^120000 blob [0-9a-f]+\tconf\.d$/m); // stored as what it is now: a link
    expect(gitIn(store, ['show', 'HEAD:conf.d'])).toBe(outside);
  }, 60_000);

  it('a file swapped for a link to an outside root-only file: the link is stored, not the file', async () => {
    const { root, outside, store } = setup();
    const r = await snapshotWhile(root, 'openat', openFile('x.yaml'), () => {
      rmSync(join(root, 'conf.d', 'x.yaml'));
      symlinkSync(join(outside, 'x.yaml'), join(root, 'conf.d', 'x.yaml'));
    });
    expect(r.hung).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(allObjects(store)).not.toContain(SECRET);
    expect(tree(store)).toMatch(/^120000 blob [0-9a-f]+\tconf\.d\/x\.yaml$/m);
    expect(gitIn(store, ['show', 'HEAD:conf.d/x.yaml'])).toBe(join(outside, 'x.yaml'));
  }, 60_000);

  it('a file swapped for a FIFO: skipped with a warning, no hang', async () => {
    const { root, store } = setup();
    const r = await snapshotWhile(root, 'openat', openFile('x.yaml'), () => {
      rmSync(join(root, 'conf.d', 'x.yaml'));
      execFileSync('mkfifo', [join(root, 'conf.d', 'x.yaml')]);
    });
    expect(r.hung, 'snapshot hung on the FIFO').toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: conf\.d\/x\.yaml: skipped: a FIFO/m);
    expect(tree(store)).not.toContain('conf.d/x.yaml');
    expect(tree(store)).toContain('conf.d/y.yaml');
  }, 60_000);

  it("a rollback's drift snapshot: a directory swapped for a link is not followed either", async () => {
    const { root, outside, store } = setup();
    const target = gitIn(store, ['rev-parse', 'HEAD']).trim();
    // Only config.yaml is restored, so the rollback itself goes on after the drift snapshot.
    const args = ['rollback', target, '--file', 'config.yaml', '--yes', '--no-restart', '--no-verify', '-m', 'scan test'];
    // The plan's scan, then the drift snapshot's under the lock: hold the second.
    const hold = findCalls(root, args, 'openat', openDir('conf.d'))[1]!;
    const r = await runHeldWithLimit(root, args, 'openat', hold, HOLD_MS, () => {
      renameSync(join(root, 'conf.d'), join(root, 'conf.d.real'));
      symlinkSync(outside, join(root, 'conf.d'));
    }, LIMIT_MS);
    expect(r.hung).toBe(false);
    expect(allObjects(store), `${r.stdout}${r.stderr}`).not.toContain(SECRET);
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(store, ['show', 'HEAD:config.yaml'])).toBe('a: 1\n');
  }, 60_000);
});

describe('FIFOs, sockets and devices in the root', () => {
  it('are skipped with one warning line each by status, diff and snapshot', async () => {
    const { root, store } = setup();
    execFileSync('mkfifo', [join(root, 'conf.d', 'pipe.yaml')]);
    const server = createServer();
    await new Promise<void>((res) => server.listen(join(root, 'app.sock'), res));
    onTestFinished(() => void server.close());
    const device = process.getuid?.() === 0;
    if (device) execFileSync('mknod', [join(root, 'null.yaml'), 'c', '1', '3']);
    const expected = [
      'warning: app.sock: skipped: a socket, not a regular file (only files and symlinks are tracked)',
      'warning: conf.d/pipe.yaml: skipped: a FIFO, not a regular file (only files and symlinks are tracked)',
      ...(device ? ['warning: null.yaml: skipped: a device, not a regular file (only files and symlinks are tracked)'] : []),
    ];
    for (const args of [['status'], ['diff'], ['snapshot', '-m', 'with special files']]) {
      const r = run(args, root);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.includes('skipped')).sort(), args[0]).toEqual(expected);
    }
    expect(tree(store)).not.toMatch(/pipe|sock|null/);
    expect(tree(store)).toContain('config.yaml');
  }, 60_000);
});

describe('descriptors', () => {
  it('a tree of 600 directories, 40 deep in places, scans with 64 descriptors', () => {
    const { root, store } = setup();
    for (let i = 0; i < 600; i++) {
      mkdirSync(join(root, 'many', `d${i}`), { recursive: true });
      writeFileSync(join(root, 'many', `d${i}`, 'f.yaml'), `i: ${i}\n`);
    }
    const deep = join(root, ...Array.from({ length: 40 }, (_, i) => `n${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'leaf.yaml'), 'leaf: 1\n');
    const r = run(['snapshot', '-m', 'many dirs'], root);
    expect(r.code, r.stderr).toBe(0);
    const limited = execFileSync('prlimit', ['--nofile=64:64', process.execPath, TEST_BIN, 'status'], { cwd: root, env: cliEnv(), encoding: 'utf8' });
    expect(limited).toMatch(/^clean/);
    expect(tree(store).split('\n').filter((l) => l.endsWith('/f.yaml'))).toHaveLength(600);
  }, 60_000);
});
