import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { cfgtrail, configDir, git, tempDir } from '../helpers/cli.js';

/** A config dir with three snapshots; `packed` runs cfgtrail gc after the first two. */
function store(packed = false): { dir: string; store: string } {
  const dir = configDir('example');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  const s = join(dir, '.cfgtrail');
  for (const [i, title] of ['first', 'second', 'third'].entries()) {
    if (i > 0) appendFileSync(join(dir, 'config.yaml'), `extra${i}: ${i}\n`);
    expect(cfgtrail(['snapshot', '-m', title], { cwd: dir }).code).toBe(0);
    if (packed && i === 1) expect(cfgtrail(['gc'], { cwd: dir }).code).toBe(0);
  }
  return { dir, store: s };
}

/** Native git's verdict: true when `git fsck --full --strict` finds nothing. */
function gitFsckOk(s: string): boolean {
  return spawnSync('git', ['--git-dir', s, 'fsck', '--full', '--strict'], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).status === 0;
}

function loosePath(s: string, oid: string): string {
  return join(s, 'objects', oid.slice(0, 2), oid.slice(2));
}

function rewrite(file: string, f: (b: Buffer) => Buffer): void {
  chmodSync(file, 0o644);
  writeFileSync(file, f(readFileSync(file)));
}

function packOf(s: string): string {
  const pack = readdirSync(join(s, 'objects/pack')).find((f) => f.endsWith('.pack'))!;
  return join(s, 'objects/pack', pack);
}

const rev = (s: string, r: string) => git(['--git-dir', s, 'rev-parse', r]).trim();

/** Damage made in the test, the subject fsck must name, and whether the store starts packed. */
const DAMAGE: { name: string; packed: boolean; damage: (s: string) => string }[] = [
  {
    name: 'a flipped byte in a loose blob',
    packed: false,
    damage: (s) => {
      const blob = rev(s, 'HEAD:config.yaml');
      rewrite(loosePath(s, blob), (b) => Buffer.concat([b.subarray(0, 12), Buffer.from([b[12]! ^ 0xff]), b.subarray(13)]));
      return blob;
    },
  },
  {
    name: 'a deleted loose blob',
    packed: false,
    damage: (s) => {
      const blob = rev(s, 'HEAD:config.yaml');
      rmSync(loosePath(s, blob));
      return blob;
    },
  },
  {
    name: 'a HEAD commit whose content no longer matches its id',
    packed: false,
    damage: (s) => {
      const head = rev(s, 'HEAD');
      const body = git(['--git-dir', s, 'cat-file', 'commit', head]).replace('third', 'THIRD');
      rewrite(loosePath(s, head), () => deflateSync(Buffer.from(`commit ${Buffer.byteLength(body)}\0${body}`)));
      return head;
    },
  },
  {
    name: 'a truncated pack',
    packed: true,
    damage: (s) => {
      const pack = packOf(s);
      chmodSync(pack, 0o644);
      truncateSync(pack, readFileSync(pack).length - 60);
      return pack.slice(s.length + 1).replace(/\.pack$/, '');
    },
  },
  {
    name: 'a flipped byte inside a pack',
    packed: true,
    damage: (s) => {
      const pack = packOf(s);
      rewrite(pack, (b) => {
        const at = Math.floor(b.length / 2);
        return Buffer.concat([b.subarray(0, at), Buffer.from([b[at]! ^ 0xff]), b.subarray(at + 1)]);
      });
      return pack.slice(s.length + 1).replace(/\.pack$/, '');
    },
  },
  {
    name: 'an empty branch ref',
    packed: false,
    damage: (s) => {
      writeFileSync(join(s, 'refs/heads/main'), '');
      return 'refs/heads/main';
    },
  },
];

describe('cfgtrail fsck', () => {
  it.each([false, true])('passes a sound store (packed: %s) as native git does, quietly with --quiet', (packed) => {
    const { dir, store: s } = store(packed);
    expect(cfgtrail(['mark-good'], { cwd: dir }).code).toBe(0); // a notes ref too
    expect(gitFsckOk(s)).toBe(true);
    const r = cfgtrail(['fsck'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fsck: ok: \d+ objects .*2 refs, 4 commits, index of 3\n$/);
    expect(cfgtrail(['fsck', '--quiet'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    const json = JSON.parse(cfgtrail(['fsck', '--json'], { cwd: dir }).stdout) as { ok: boolean; problems: unknown[]; head: string };
    expect(json).toMatchObject({ ok: true, problems: [], head: rev(s, 'HEAD') });
  });

  it('passes a store native git repacked and then added to (packs and loose objects)', () => {
    const { dir, store: s } = store();
    git(['--git-dir', s, 'gc', '-q', '--aggressive']);
    appendFileSync(join(dir, 'config.yaml'), 'later: 1\n');
    expect(cfgtrail(['snapshot', '-m', 'later'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['fsck'], { cwd: dir }).code).toBe(0);
    expect(gitFsckOk(s)).toBe(true);
  });

  it.each(DAMAGE)('finds $name, as git fsck --full --strict does, and exits 7', ({ packed, damage }) => {
    const { dir, store: s } = store(packed);
    const subject = damage(s);
    expect(gitFsckOk(s)).toBe(false);
    const r = cfgtrail(['fsck'], { cwd: dir });
    expect(r.code).toBe(7);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^fsck: \d+ problems?: the store is damaged/);
    expect(lines.slice(0, -1).every((l) => l.startsWith('error: '))).toBe(true);
    expect(r.stdout).toContain(subject);
    const quiet = cfgtrail(['fsck', '-q'], { cwd: dir });
    expect(quiet.code).toBe(7);
    expect(quiet.stdout).toBe(lines.slice(0, -1).map((l) => `${l}\n`).join(''));
    const json = JSON.parse(cfgtrail(['fsck', '--json'], { cwd: dir }).stdout) as { ok: boolean; problems: { subject: string }[] };
    expect(json.ok).toBe(false);
    expect(json.problems.some((p) => p.subject.includes(subject) || subject.includes(p.subject))).toBe(true);
  });

  it('follows objects/info/alternates: objects borrowed from another store are not missing', () => {
    const { dir, store: s } = store(true);
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    const cs = join(copy, '.cfgtrail');
    writeFileSync(join(cs, 'config'), readFileSync(join(cs, 'config'), 'utf8').replace(dir, copy));
    rmSync(join(cs, 'objects'), { recursive: true });
    mkdirSync(join(cs, 'objects/info'), { recursive: true });
    writeFileSync(join(cs, 'objects/info/alternates'), `${join(s, 'objects')}\n`);
    expect(gitFsckOk(cs)).toBe(true);
    const r = cfgtrail(['fsck'], { cwd: copy });
    expect(r.stdout).toMatch(/^fsck: ok: 0 objects/);
    expect(r.code).toBe(0);
  });

  it('reports a missing blob as missing, naming the tree that needs it', () => {
    const { dir, store: s } = store();
    const blob = rev(s, 'HEAD:config.yaml');
    rmSync(loosePath(s, blob));
    const r = cfgtrail(['fsck'], { cwd: dir });
    expect(r.stdout).toContain(`error: missing ${blob}: missing blob (reachable from tree ${rev(s, 'HEAD^{tree}')})`);
  });

  it('checks the audit index against HEAD: a damaged index is reported though git has nothing to say', () => {
    const { dir, store: s } = store();
    expect(cfgtrail(['log'], { cwd: dir }).code).toBe(0);
    rewrite(join(s, 'cfgtrail-index/commits'), (b) => Buffer.concat([b.subarray(0, 5), Buffer.from('X'), b.subarray(6)]));
    expect(gitFsckOk(s)).toBe(true);
    const r = cfgtrail(['fsck', '-q'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/^error: index cfgtrail-index\/: fails its size or checksum check/);
    // The plain text log prints from its cache of rendered entries, made from the index while it
    // was sound, and leaves the index alone; any query that reads the index rebuilds it from git.
    const text = cfgtrail(['log'], { cwd: dir });
    expect(text).toEqual({ code: 0, stdout: cfgtrail(['log', '--since', '1970-01-02'], { cwd: dir }).stdout, stderr: '' });
    expect(cfgtrail(['fsck', '-q'], { cwd: dir }).code).toBe(0);
  });
});
