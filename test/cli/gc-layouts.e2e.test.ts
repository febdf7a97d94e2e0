/**
 * cfgtrail reads and repacks stores that native git rewrote, and leaves them
 * ones `git fsck --strict --full` trusts. Slow: native git builds each layout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openObjectStore } from '../../src/core/git/objects.js';
import { cfgtrail, configDir } from '../helpers/cli.js';
import { danglingBlobs, fastImportEdits, gitIn, LAYOUTS, readAllObjects } from '../core/git/native-layouts.js';

let base = '';
const tried: string[] = [];

/** A cfgtrail store with a root snapshot, 500 edits of a YAML file, a loose snapshot and dangling blobs. */
function buildBase(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfgtrail-layouts-base-'));
  fs.cpSync(path.join(import.meta.dirname, '../../fixtures/example'), dir, { recursive: true });
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'initial'], { cwd: dir }).code).toBe(0);
  const store = path.join(dir, '.cfgtrail');
  fastImportEdits(store, 500);
  fs.appendFileSync(path.join(dir, 'config.yaml'), 'late: true\n');
  expect(cfgtrail(['snapshot', '-m', 'late edit'], { cwd: dir }).code).toBe(0);
  danglingBlobs(store, 4, 'base');
  return dir;
}

/** Store bytes as `cfgtrail gc` prints them: "… 12.3 KiB → 4.5 KiB". */
function gcBytes(stdout: string): [number, number] {
  const m = /([\d.]+) KiB → ([\d.]+) KiB/.exec(stdout);
  if (!m) throw new Error(`no sizes in: ${stdout}`);
  return [Number(m[1]), Number(m[2])];
}

/** Reads every object git sees with cfgtrail's own reader and compares bytes. */
function expectReadsMatchGit(store: string): Map<string, { type: string; content: Buffer }> {
  const all = readAllObjects(store);
  const objects = openObjectStore(store);
  try {
    for (const [oid, obj] of all) {
      const got = objects.read(oid);
      if (got.type !== obj.type || !got.content.equals(obj.content)) throw new Error(`${oid} reads differently from git cat-file`);
    }
  } finally {
    objects.close();
  }
  return all;
}

/** cfgtrail log --json (index rebuilt from the objects) against git log. */
function expectLogMatchesGit(dir: string, store: string): void {
  fs.rmSync(path.join(store, 'cfgtrail-index'), { recursive: true, force: true });
  const r = cfgtrail(['log', '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const ours = (JSON.parse(r.stdout) as { commit: string; parents: string[]; title: string }[]).map((c) => `${c.commit} ${c.parents.join(',')} ${c.title}`);
  const theirs = gitIn(store, ['log', '--format=%H%x00%P%x00%s', 'main']).split('\n').map((l) => {
    const [h, p, s] = l.split('\0');
    return `${h} ${p!.split(' ').filter(Boolean).join(',')} ${s}`;
  });
  expect(ours).toEqual(theirs);
}

/** Pack companions (.keep .rev .bitmap .mtimes .promisor) whose pack is gone. */
function orphanCompanions(store: string): string[] {
  const dir = path.join(store, 'objects', 'pack');
  const files = fs.readdirSync(dir);
  return files.filter((f) => /^pack-[0-9a-f]+\.(keep|rev|bitmap|mtimes|promisor)$/.test(f) && !files.includes(f.replace(/\.\w+$/, '.idx')));
}

/** The .idx cfgtrail wrote is byte for byte the one `git index-pack` builds from its pack. */
function expectIdxAsGitBuildsIt(store: string, pack: string): void {
  const theirs = `${path.dirname(store)}/git-built.idx`;
  gitIn(store, ['index-pack', '-o', theirs, pack]);
  expect(fs.readFileSync(theirs).equals(fs.readFileSync(pack.replace(/\.pack$/, '.idx')))).toBe(true);
  fs.rmSync(theirs);
}

/** Packs that `objects/info/packs` (written by git repack for dumb transports) lists but that are gone. */
function staleInfoPacks(store: string): string[] {
  const file = path.join(store, 'objects', 'info', 'packs');
  if (!fs.existsSync(file)) return [];
  const listed = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('P ')).map((l) => l.slice(2));
  return listed.filter((p) => !fs.existsSync(path.join(store, 'objects', 'pack', p)));
}

function fsck(store: string): void {
  // throws (non-zero exit) on any error; dangling objects are reported but fine
  gitIn(store, ['fsck', '--strict', '--full', '--no-progress']);
}

describe('native git layouts: read, gc, fsck', () => {
  beforeAll(() => {
    base = buildBase();
  }, 120_000);
  afterAll(() => {
    if (base) fs.rmSync(base, { recursive: true, force: true });
    console.log(`native git layouts tried: ${tried.length} (${tried.join('; ')})`);
  });

  it.each(LAYOUTS.map((l) => [l.name, l] as const))('%s', (_name, layout) => {
    const dir = configDir('example');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(base, dir, { recursive: true });
    const store = path.join(dir, '.cfgtrail');
    const scratch = fs.mkdtempSync(path.join(path.dirname(dir), 'scratch-'));
    try {
      layout.make(store, scratch);
      fsck(store);
      const before = expectReadsMatchGit(store);
      expectLogMatchesGit(dir, store);
      const keeps = fs.readdirSync(path.join(store, 'objects', 'pack')).filter((f) => f.endsWith('.keep'));

      for (let round = 1; round <= 2; round++) {
        const packsBefore = new Set(fs.readdirSync(path.join(store, 'objects', 'pack')));
        const gc = cfgtrail(['gc'], { cwd: dir });
        expect(gc.stderr).toBe('');
        expect(gc.code).toBe(0);
        const [kbBefore, kbAfter] = gcBytes(gc.stdout);
        expect(kbAfter).toBeLessThanOrEqual(kbBefore);
        fsck(store);
        expect(orphanCompanions(store)).toEqual([]);
        expect(staleInfoPacks(store)).toEqual([]);
        for (const f of fs.readdirSync(path.join(store, 'objects', 'pack')).filter((n) => n.endsWith('.pack') && !packsBefore.has(n))) {
          expectIdxAsGitBuildsIt(store, path.join(store, 'objects', 'pack', f));
        }
        for (const k of keeps) {
          expect(fs.existsSync(path.join(store, 'objects', 'pack', k))).toBe(true);
          expect(fs.existsSync(path.join(store, 'objects', 'pack', k.replace(/\.keep$/, '.pack')))).toBe(true);
        }
        const after = expectReadsMatchGit(store);
        for (const oid of before.keys()) expect(after.has(oid), `${oid} lost by gc round ${round}`).toBe(true);
      }
      expectLogMatchesGit(dir, store);
      tried.push(layout.name);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000); // two gc rounds and ~1,500 objects compared each way: 5–25 s on a shared machine

  it('a corrupt .idx is reported as a damaged pack index, naming the file', () => {
    const dir = configDir('example');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(base, dir, { recursive: true });
    const store = path.join(dir, '.cfgtrail');
    gitIn(store, ['repack', '-adq']);
    expect(cfgtrail(['log', '-n', '1'], { cwd: dir }).code).toBe(0); // the audit index is current
    const idx = fs.readdirSync(path.join(store, 'objects', 'pack')).find((f) => f.endsWith('.idx'))!;
    const idxPath = path.join(store, 'objects', 'pack', idx);
    const buf = fs.readFileSync(idxPath);
    // damage the oid table: every lookup misses, as with a disk error in the middle of the file
    buf.fill(0x5a, 1032, 1032 + 20 * buf.readUInt32BE(8 + 255 * 4));
    fs.chmodSync(idxPath, 0o644);
    fs.writeFileSync(idxPath, buf);
    // a command that reads objects after the audit query's own damage check
    const show = cfgtrail(['show', 'HEAD'], { cwd: dir });
    expect(show.code).not.toBe(0);
    expect(show.stderr).toContain(`pack index ${idxPath} is damaged`);
    expect(show.stderr).not.toMatch(/object not found|\n\s+at /);
    fs.rmSync(path.join(store, 'cfgtrail-index'), { recursive: true, force: true });
    const r = cfgtrail(['log', '--json'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`pack index ${idxPath} is damaged`);
    expect(r.stderr).not.toMatch(/object not found|\n\s+at /);
  });
});
