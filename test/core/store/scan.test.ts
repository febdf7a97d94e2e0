import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../../helpers/cli.js';
import { scanLive, type ScanOptions } from '../../../src/core/store/scan.js';
import { readRegularFile } from '../../../src/core/store/live-dir.js';
import { caught } from '../../helpers/errors.js';

/** A kept copy's name: the scan calls onTemp for it, which lets a test change the tree mid-scan. */
const HOOK = '.a.cfgtrail-kept-20260101T000000Z~';
const SECRET = 'password: outside-secret';

function setup(): { root: string; outside: string } {
  const base = tempDir('cfgtrail-scan-unit-');
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'conf.d'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'x.yaml'), `${SECRET}\n`, { mode: 0o600 });
  writeFileSync(join(root, 'a.yaml'), 'a: 1\n');
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  writeFileSync(join(root, 'conf.d', 'x.yaml'), 'x: 1\n');
  symlinkSync('x.yaml', join(root, 'conf.d', 'link.yaml'));
  symlinkSync(join(outside, 'x.yaml'), join(root, 'out.yaml')); // a link to outside is stored as a link
  return { root, outside };
}

const scan = (root: string, viaProc: boolean, more: Partial<ScanOptions> = {}) =>
  scanLive(root, { include: [], exclude: [], gitdir: join(root, '.cfgtrail'), viaProc, ...more });

const summary = (live: ReturnType<typeof scanLive>) =>
  Object.fromEntries([...live].map(([p, f]) => [p, `${f.mode} ${f.perm.toString(8)} ${f.content.toString()}`]));

const openFds = () => readdirSync('/proc/self/fd').length;

describe.each([
  ['through /proc/self/fd', true],
  ['by checked paths (no /proc)', false],
])('scanLive %s', (_name, viaProc) => {
  it('reads files from their descriptors and links as links, never following one', () => {
    const { root, outside } = setup();
    const fds = openFds();
    expect(summary(scan(root, viaProc))).toEqual({
      'a.yaml': '100644 644 a: 1\n',
      'conf.d/link.yaml': '120000 777 x.yaml',
      'conf.d/x.yaml': '100644 644 x: 1\n',
      'out.yaml': `120000 777 ${join(outside, 'x.yaml')}`,
      'run.sh': '100755 755 #!/bin/sh\n',
    });
    expect(openFds()).toBe(fds);
  });

  it('skips FIFOs and sockets (never opened) and tells onSkip', () => {
    const { root } = setup();
    execFileSync('mkfifo', [join(root, 'conf.d', 'pipe.yaml')]);
    const skipped: string[] = [];
    const live = scan(root, viaProc, { onSkip: (rel, kind) => skipped.push(`${rel} ${kind}`) });
    expect(skipped).toEqual(['conf.d/pipe.yaml fifo']);
    expect(live.has('conf.d/pipe.yaml')).toBe(false);
  });

  it('a directory swapped for a link to outside before it is opened: stored as the link', () => {
    const { root, outside } = setup();
    writeFileSync(join(root, HOOK), 'kept\n');
    const live = scan(root, viaProc, {
      onTemp: (_abs, _kind, at) => {
        expect(readRegularFile(at)?.toString()).toBe('kept\n'); // `at` reaches the entry now
        renameSync(join(root, 'conf.d'), join(root, 'conf.d.real'));
        symlinkSync(outside, join(root, 'conf.d'));
      },
    });
    expect(live.get('conf.d')?.mode).toBe('120000');
    expect([...live.values()].some((f) => f.content.includes(SECRET))).toBe(false);
  });

  it('a file swapped for a FIFO after readdir: skipped, no hang', () => {
    const { root } = setup();
    writeFileSync(join(root, 'conf.d', HOOK), 'kept\n');
    const skipped: string[] = [];
    const live = scan(root, viaProc, {
      onSkip: (rel, kind) => skipped.push(`${rel} ${kind}`),
      onTemp: () => {
        rmSync(join(root, 'conf.d', 'x.yaml'));
        execFileSync('mkfifo', [join(root, 'conf.d', 'x.yaml')]);
      },
    });
    expect(skipped).toEqual(['conf.d/x.yaml fifo']);
    expect(live.has('conf.d/x.yaml')).toBe(false);
  });
});

describe('the directory being read swapped for a link to outside', () => {
  const swapWhileIn = (root: string, outside: string) => () => {
    renameSync(join(root, 'conf.d'), join(root, 'conf.d.real'));
    symlinkSync(outside, join(root, 'conf.d'));
  };

  it('through /proc: its files are still read from the real directory', () => {
    const { root, outside } = setup();
    writeFileSync(join(root, 'conf.d', HOOK), 'kept\n');
    const live = scan(root, true, { onTemp: swapWhileIn(root, outside) });
    expect(live.get('conf.d/x.yaml')?.content.toString()).toBe('x: 1\n');
  });

  it('by paths: the check of the directory notices, and every descriptor is closed', () => {
    const { root, outside } = setup();
    writeFileSync(join(root, 'conf.d', HOOK), 'kept\n');
    const fds = openFds();
    expect(caught(() => scan(root, false, { onTemp: swapWhileIn(root, outside) }))).toMatchObject({ code: 'UNREADABLE_FILE' });
    expect(openFds()).toBe(fds);
  });
});

describe('the root', () => {
  it('missing, or a symlink, is ROOT_MISSING as before', () => {
    const { root } = setup();
    symlinkSync(root, `${root}-link`);
    expect(caught(() => scan(`${root}-gone`, true))).toMatchObject({ code: 'ROOT_MISSING' });
    expect(caught(() => scan(`${root}-link`, true))).toMatchObject({ code: 'ROOT_MISSING' });
  });
});
