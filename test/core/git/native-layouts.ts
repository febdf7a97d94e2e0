/**
 * Store layouts made by native git (2.39) from one cfgtrail store: every way
 * git may have rewritten `objects/` before cfgtrail reads or repacks it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseCatFileBatch } from './objects-fixtures.js';

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_COMMITTER_NAME: 'Git Tester', GIT_COMMITTER_EMAIL: 'git@example.com' };

/** Native git on a store (`--git-dir`), stdout as a Buffer. */
export function gitRawIn(store: string, args: string[], input?: Buffer | string): Buffer {
  return execFileSync('git', ['--git-dir', store, ...args], { input, env: GIT_ENV, maxBuffer: 1 << 30 });
}

export function gitIn(store: string, args: string[], input?: Buffer | string): string {
  return gitRawIn(store, args, input).toString('utf8').trim();
}

/** A YAML file of `lines` keys with one key edited per version, as an operator edits a config. */
function yamlVersion(lines: string[], i: number): string {
  const at = (i * 37) % lines.length;
  lines[at] = `  key_${at}: edited_${i}_${(i * 7919) % 10007}`;
  if (i % 25 === 0) lines.splice(at, 0, `  added_${i}: true`);
  return `# service config\nroot:\n${lines.join('\n')}\n`;
}

/**
 * Appends `count` commits editing `file` on refs/heads/main with
 * `git fast-import` (one pack, written in a second). Deterministic dates.
 */
export function fastImportEdits(store: string, count: number, opts: { file?: string; lines?: number; seed?: number } = {}): void {
  const file = opts.file ?? 'config.yaml';
  const lines = Array.from({ length: opts.lines ?? 400 }, (_, i) => `  key_${i}: value_${(i * 7919) % 1000}`);
  const seed = opts.seed ?? 0;
  let head = '';
  try {
    head = gitIn(store, ['rev-parse', '--verify', '-q', 'refs/heads/main']);
  } catch {
    head = ''; // an empty store: the first commit is a root
  }
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const data = yamlVersion(lines, i + seed);
    const msg = `edit ${seed + i} of ${file}\n`;
    parts.push(`commit refs/heads/main\ncommitter Git Tester <git@example.com> ${1700000000 + (seed + i) * 60} +0000\n`);
    parts.push(`data ${Buffer.byteLength(msg)}\n${msg}`);
    if (i === 0 && head) parts.push(`from ${head}\n`);
    parts.push(`M 100644 inline ${file}\ndata ${Buffer.byteLength(data)}\n${data}\n`);
  }
  gitRawIn(store, ['fast-import', '--quiet'], parts.join(''));
}

/** Writes `n` loose blobs no commit refers to (what an interrupted snapshot leaves). */
export function danglingBlobs(store: string, n: number, tag: string): void {
  const dir = fs.mkdtempSync(path.join(path.dirname(store), 'blobs-'));
  const files = Array.from({ length: n }, (_, i) => {
    const f = path.join(dir, `b${i}`);
    fs.writeFileSync(f, `dangling ${tag} ${i}\n${'x: 1\n'.repeat(i + 1)}`);
    return f;
  });
  gitIn(store, ['hash-object', '-w', ...files]);
  fs.rmSync(dir, { recursive: true, force: true });
}

function packFiles(store: string, ext: string): string[] {
  const dir = path.join(store, 'objects', 'pack');
  return fs.readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));
}

/** Moves every object of `store` reachable from `rev` into a pack under another objects dir, then lists it as an alternate. */
function splitToAlternate(store: string, rev: string, altObjects: string, listed: string): void {
  fs.mkdirSync(path.join(altObjects, 'pack'), { recursive: true });
  const objs = gitRawIn(store, ['rev-list', '--objects', rev]);
  gitRawIn(store, ['pack-objects', '-q', path.join(altObjects, 'pack', 'pack')], objs);
  fs.mkdirSync(path.join(store, 'objects', 'info'), { recursive: true });
  fs.writeFileSync(path.join(store, 'objects', 'info', 'alternates'), `${listed}\n`);
  // -l: objects an alternate has are not copied; -d drops the old packs and packed loose objects
  gitIn(store, ['repack', '-a', '-d', '-l', '-q']);
  gitIn(store, ['prune-packed']);
}

/** A layout: its name and how native git makes it from a copy of the base store. */
export interface Layout {
  name: string;
  make(store: string, scratch: string): void;
}

export const LAYOUTS: Layout[] = [
  { name: 'fast-import pack plus loose objects (as built)', make: () => {} },
  {
    name: 'loose objects only (unpack-objects)',
    make: (store, scratch) => {
      for (const p of packFiles(store, '.pack')) {
        const moved = path.join(scratch, path.basename(p));
        fs.renameSync(p, moved);
        fs.rmSync(p.replace(/\.pack$/, '.idx'));
        gitRawIn(store, ['unpack-objects', '-q'], fs.readFileSync(moved));
      }
    },
  },
  { name: 'git gc (packed-refs, commit-graph)', make: (s) => gitIn(s, ['gc', '-q']) },
  { name: 'git gc --aggressive', make: (s) => gitIn(s, ['gc', '-q', '--aggressive']) },
  { name: 'deep delta chains (repack --depth=4095 --window=250)', make: (s) => gitIn(s, ['repack', '-adfq', '--depth=4095', '--window=250']) },
  { name: 'REF_DELTA entries (useDeltaBaseOffset=false)', make: (s) => gitIn(s, ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-adfq']) },
  {
    name: 'thin pack fixed by index-pack --fix-thin',
    make: (store, scratch) => {
      const old = gitRawIn(store, ['pack-objects', '--revs', '-q', '--stdout'], 'main~30\n');
      const thin = gitRawIn(store, ['pack-objects', '--revs', '--thin', '-q', '--stdout'], 'main\n^main~30\n');
      for (const p of packFiles(store, '.idx')) fs.rmSync(p);
      for (const p of packFiles(store, '.pack')) fs.rmSync(p);
      for (const d of fs.readdirSync(path.join(store, 'objects'))) if (/^[0-9a-f]{2}$/.test(d)) fs.rmSync(path.join(store, 'objects', d), { recursive: true });
      fs.writeFileSync(path.join(scratch, 'thin.pack'), thin);
      gitRawIn(store, ['index-pack', '--stdin'], old);
      gitRawIn(store, ['index-pack', '--stdin', '--fix-thin'], thin);
    },
  },
  {
    name: 'several packs plus loose objects',
    make: (s) => {
      gitIn(s, ['repack', '-dq']);
      fastImportEdits(s, 20, { seed: 1000 });
      danglingBlobs(s, 5, 'several');
    },
  },
  {
    name: 'multi-pack-index with bitmap over several packs',
    make: (s) => {
      gitIn(s, ['repack', '-dq']);
      fastImportEdits(s, 20, { seed: 1000 });
      gitIn(s, ['multi-pack-index', 'write', '--bitmap']);
    },
  },
  {
    name: 'commit-graph, full then split chain',
    make: (s) => {
      gitIn(s, ['commit-graph', 'write', '--reachable']);
      fastImportEdits(s, 10, { seed: 2000 });
      gitIn(s, ['commit-graph', 'write', '--reachable', '--split']);
    },
  },
  {
    name: '64-bit offsets in the idx (pack-objects --index-version=2,0x1000)',
    make: (s) => {
      const objs = gitRawIn(s, ['rev-list', '--objects', '--all']);
      const old = packFiles(s, '.idx');
      gitRawIn(s, ['pack-objects', '-q', '--index-version=2,0x1000', path.join(s, 'objects', 'pack', 'pack')], objs);
      for (const p of old) for (const ext of ['.idx', '.pack']) fs.rmSync(p.replace(/\.idx$/, ext));
      gitIn(s, ['prune-packed']);
    },
  },
  {
    name: 'cruft pack with .mtimes',
    make: (s) => {
      danglingBlobs(s, 6, 'cruft');
      gitIn(s, ['repack', '--cruft', '-dq']);
    },
  },
  {
    name: '.keep pack plus a newer pack and loose objects',
    make: (s) => {
      gitIn(s, ['repack', '-adq']);
      for (const p of packFiles(s, '.pack')) fs.writeFileSync(p.replace(/\.pack$/, '.keep'), 'kept by an operator\n');
      fastImportEdits(s, 15, { seed: 3000 });
      danglingBlobs(s, 3, 'keep');
    },
  },
  { name: 'version-1 pack index', make: (s) => gitIn(s, ['-c', 'pack.indexVersion=1', 'repack', '-adfq']) },
  {
    name: 'pack bitmap and .rev of a single pack',
    make: (s) => gitIn(s, ['-c', 'pack.writeReverseIndex=true', 'repack', '-adbq']),
  },
  {
    name: 'alternate object store, relative path',
    make: (s, scratch) => splitToAlternate(s, 'main~40', path.join(scratch, 'alt', 'objects'), path.relative(path.join(s, 'objects'), path.join(scratch, 'alt', 'objects'))),
  },
  {
    name: 'alternate object store, absolute path, with a v1 idx',
    make: (s, scratch) => {
      splitToAlternate(s, 'main~40', path.join(scratch, 'alt2', 'objects'), path.join(scratch, 'alt2', 'objects'));
      gitIn(s, ['-c', 'pack.indexVersion=1', 'repack', '-adlfq']);
    },
  },
];

/** Every object git sees in the store (alternates included): oid -> type and content. */
export function readAllObjects(store: string): Map<string, { type: string; content: Buffer }> {
  return parseCatFileBatch(gitRawIn(store, ['cat-file', '--batch-all-objects', '--batch']));
}
