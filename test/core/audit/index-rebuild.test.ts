// The fast index rebuild (tree diffs that skip equal subtrees, pack windows,
// worker threads) against the slow, straightforward reference: one
// buildRecord per commit on a fresh object store, no caches, joined with
// recordLine. Native git makes the history and witnesses which files changed.
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildRecord } from '../../../src/core/audit/record.js';
import { changedFiles, flatTree, recordSettings } from '../../../src/core/audit/record.js';
import { recordLine } from '../../../src/core/audit/index-store.js';
import { rebuildIndex, syncIndex } from '../../../src/core/audit/index-sync.js';
import { recordLinesParallel } from '../../../src/core/audit/parallel-lines.js';
import { openObjectStore } from '../../../src/core/git/objects.js';
import { parseCommit } from '../../../src/core/git/commit.js';
import { initStore, openStore, type Store } from '../../../src/core/index.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { caught } from '../../helpers/errors.js';
import { git } from '../../helpers/cli.js';

const WORKER = resolve(import.meta.dirname, '../../../dist/index-worker.cjs');

let root = '';
let work = '';
let store: Store;
let oids: string[] = [];
let tick = 0;

function g(args: string[], input?: string): string {
  const when = `${1_790_000_000 + tick++ * 60} +0100`;
  return git(['--git-dir', store.gitdir, '--work-tree', work, ...args], work, input, { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when });
}

function put(path: string, text: string): void {
  mkdirSync(join(work, path, '..'), { recursive: true });
  writeFileSync(join(work, path), text);
}

function commit(title: string, trailers = ''): void {
  g(['add', '-A']);
  g(['commit', '-q', '--allow-empty', '-m', trailers ? `${title}\n\n${trailers}` : title]);
}

/** The history: every kind of change the index records, and trees git would not write itself. */
function makeHistory(): void {
  put('app.yaml', 'db:\n  pool: 5\n  password: hunter2\ncontainers:\n  - name: web\n    image: nginx:1\n  - name: side\n    image: envoy:1\n');
  put('conf.d/db.json', '{"host": "a", "ports": [1, 2], "token": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}\n');
  put('multi.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {replicas: 2}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80, protocol: TCP}]}\n');
  put('prom.yaml', 'scrape_configs:\n  - job_name: node\n    interval: 10s\n  - job_name: api\n    interval: 15s\n');
  put('bad.yaml', 'a: [1, 2\n');
  put('notes.txt', 'first\n');
  put('run.sh', '#!/bin/sh\necho hi\n');
  put('deep/a/b/c/leaf.yaml', 'x: 1\n');
  symlinkSync('app.yaml', join(work, 'link'));
  commit('Initial', 'Change-Id: I0000000000000001\nRisk: low');
  put('app.yaml', 'db:\n  pool: 9\n  password: hunter3\ncontainers:\n  - name: side\n    image: envoy:2\n  - name: web\n    image: nginx:1\n');
  commit('Pool and envoy', 'Change-Id: I0000000000000002\nRisk: high\nComponent: db');
  g(['mv', 'conf.d/db.json', 'conf.d/database.json']);
  put('conf.d/database.json', '{"host": "b", "ports": [1, 2, 3], "token": "ghp_zyxwvutsrqponmlkjihgfedcba9876543210"}\n');
  commit('Rename db.json');
  unlinkSync(join(work, 'notes.txt'));
  chmodSync(join(work, 'run.sh'), 0o755);
  commit('Drop notes, run.sh executable');
  put('multi.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {replicas: 3}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 8080, protocol: TCP}]}\n');
  put('deep/a/b/c/leaf.yaml', 'x: 2\ny: [a]\n');
  commit('Scale web, deep leaf', 'Change-Id: I0000000000000005');
  put('bad.yaml', 'a: [1, 2]\n');
  put('prom.yaml', 'scrape_configs:\n  - job_name: api\n    interval: 30s\n  - job_name: node\n    interval: 10s\n');
  commit('Fix bad.yaml, reorder scrape configs');
  unlinkSync(join(work, 'link'));
  symlinkSync('multi.yaml', join(work, 'link'));
  commit('Retarget link');
  unlinkSync(join(work, 'link'));
  put('link', 'now a file\n');
  commit('Link becomes a file');
  rmSync(join(work, 'deep'), { recursive: true });
  put('deep', 'a file where a directory was\n');
  commit('Directory becomes a file');
  put('.cfgtrail-meta', '0600 0 0 app.yaml\n0644 0 0 prom.yaml\n');
  commit('Permissions recorded');
  put('.cfgtrail-meta', '0640 0 0 app.yaml\n0644 0 0 prom.yaml\n');
  commit('Permission-only change');
  // A merge made by native git: its record compares with the first parent.
  g(['checkout', '-q', '-b', 'side']);
  put('side.yaml', 'feature: on\n');
  commit('Side feature');
  g(['checkout', '-q', 'main']);
  put('app.yaml', 'db:\n  pool: 11\n  password: hunter3\ncontainers:\n  - name: side\n    image: envoy:2\n  - name: web\n    image: nginx:1\n');
  commit('Pool 11');
  g(['merge', '-q', '--no-ff', '-m', 'Merge side', 'side']);
  // Trees git never writes: a name twice, and a name with '/'. Flattening lets the later entry win.
  for (const [i, names] of [['dup.yaml', 'dup.yaml'], ['odd', 'conf.d/database.json']].entries()) {
    const blobs = [`v: ${i}a\n`, `v: ${i}b\n`].map((t) => g(['hash-object', '-w', '--stdin'], t).trim());
    const base = g(['write-tree']).trim();
    const listing = g(['ls-tree', base]);
    const raw = Buffer.concat([
      ...listing.trim().split('\n').map((l) => {
        const [meta, name] = l.split('\t');
        const [mode, , oid] = meta!.split(' ');
        return Buffer.concat([Buffer.from(`${mode!.replace(/^0/, '')} ${name}\0`), Buffer.from(oid!, 'hex')]);
      }),
      Buffer.concat([Buffer.from(`100644 ${names[0]}\0`), Buffer.from(blobs[0]!, 'hex')]),
      Buffer.concat([Buffer.from(`100644 ${names[1]}\0`), Buffer.from(blobs[1]!, 'hex')]),
    ]);
    const tmp = join(work, '..', `tree-${i}`);
    writeFileSync(tmp, raw);
    const tree = g(['hash-object', '-t', 'tree', '--literally', '-w', tmp]).trim();
    const c = g(['commit-tree', tree, '-p', 'HEAD', '-m', `Malformed tree ${i}`]).trim();
    g(['update-ref', 'refs/heads/main', c]);
    g(['reset', '-q']);
  }
  put('after.yaml', 'sound: again\n');
  commit('A sound tree after malformed ones');
}

/** The reference: one record per commit from a fresh object store, no caches. */
function referenceLines(list: string[]): Buffer {
  let text = '';
  for (const oid of list) text += recordLine(buildRecord(openObjectStore(store.gitdir), oid, recordSettings(store.settings)));
  return Buffer.from(text);
}

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'cfgtrail-rebuild-'));
  root = join(base, 'config');
  work = join(base, 'work');
  mkdirSync(root);
  mkdirSync(work);
  await initStore(root);
  const settingsFile = join(root, '.cfgtrail', 'settings.yaml');
  writeFileSync(settingsFile, readFileSync(settingsFile, 'utf8').replace(/^list_identifiers: \{\}$/m, 'list_identifiers:\n  scrape_configs: job_name'));
  store = openStore(root);
  expect(store.settings.listIdentifiers.length).toBe(1);
  makeHistory();
  oids = git(['--git-dir', store.gitdir, 'rev-list', '--first-parent', '--reverse', 'main']).trim().split('\n');
  return () => rmSync(base, { recursive: true, force: true });
});

describe('index rebuild', () => {
  it('builds, on one thread, the same bytes as one buildRecord per commit without caches', () => {
    const ranges: { by: string }[] = [];
    const data = rebuildIndex(store, oids.at(-1)!, false, { threads: 1, onRange: (r) => ranges.push(r) });
    expect(oids.length).toBe(16);
    expect(data.count).toBe(17); // the side branch's commit is an ancestor too
    const all = git(['--git-dir', store.gitdir, 'rev-list', '--topo-order', '--reverse', 'main']).trim().split('\n');
    expect(data.bytes.equals(referenceLines(data.bytes.toString('utf8').trim().split('\n').map((l) => l.slice(0, 40))))).toBe(true);
    expect(new Set(data.bytes.toString('utf8').trim().split('\n').map((l) => l.slice(0, 40)))).toEqual(new Set(all));
    expect(ranges).toEqual([{ index: 0, commits: 17, by: 'caller' }]);
  });

  it('lists the files native git lists, and what comparing the flattened trees finds', () => {
    const objects = openObjectStore(store.gitdir);
    let malformed = 0;
    for (const oid of oids) {
      const c = parseCommit(objects.read(oid).content);
      const files = buildRecord(objects, oid, recordSettings(store.settings)).files;
      const before = c.parents[0] ? flatTree(objects, parseCommit(objects.read(c.parents[0]).content).tree) : new Map();
      expect(files).toEqual(changedFiles(objects, before, flatTree(objects, c.tree)));
      if (/Malformed|sound tree after/.test(c.message)) {
        malformed++;
        continue; // git's own diff of a tree with a name twice is not a witness
      }
      const range = c.parents[0] ? [c.parents[0], oid] : ['--root', oid];
      const gitPaths = git(['--git-dir', store.gitdir, 'diff-tree', '-r', '--no-renames', '--name-only', '-z', ...range]).split('\0').filter((p) => p && p !== oid && p !== '.cfgtrail-meta');
      const ours = files.filter((f) => f.status !== 'mode' || gitPaths.includes(f.path)).map((f) => f.path);
      expect(ours).toEqual([...gitPaths].sort());
    }
    expect(malformed).toBe(3);
    const kinds = new Set(oids.flatMap((oid) => buildRecord(objects, oid, recordSettings(store.settings)).files.map((f) => f.status)));
    expect([...kinds].sort()).toEqual(['added', 'deleted', 'mode', 'modified', 'typechange']);
  });

  it('builds the same bytes on worker threads (the built worker), range by range', () => {
    const ranges: { by: string; commits: number }[] = [];
    const reference = rebuildIndex(store, oids.at(-1)!, false, { threads: 1 }).bytes;
    expect(existsSync(WORKER)).toBe(true); // npm test builds first; `npm run build` before running this file alone
    const data = rebuildIndex(store, oids.at(-1)!, false, { threads: 3, minPerThread: 1, workerScript: WORKER, onRange: (r) => ranges.push(r) });
    expect(ranges.map((r) => r.by)).toEqual(['caller', 'worker', 'worker']);
    expect(ranges.reduce((n, r) => n + r.commits, 0)).toBe(17);
    expect(data.bytes.equals(reference)).toBe(true);
  });

  it('leaves no pack open behind its workers (their descriptors are the process’s)', () => {
    const copy = mkdtempSync(join(tmpdir(), 'cfgtrail-packed-'));
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(store.gitdir, copy, { recursive: true });
    git(['--git-dir', copy, 'repack', '-a', '-d', '-q']);
    const packed = { ...store, gitdir: copy, objects: openObjectStore(copy) };
    const openPacks = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(join(copy, 'objects', 'pack'));
      } catch {
        return false; // the directory's own descriptor, closed meanwhile
      }
    }).length;
    const reference = recordLinesParallel(packed, oids, { threads: 1 });
    const before = openPacks();
    expect(before).toBeGreaterThan(0); // the calling thread's store keeps its pack open
    const ranges: string[] = [];
    const bytes = recordLinesParallel(packed, oids, { threads: 3, minPerThread: 1, workerScript: WORKER, onRange: (r) => ranges.push(r.by) });
    expect(ranges).toEqual(['caller', 'worker', 'worker']);
    expect(bytes.equals(reference)).toBe(true);
    expect(openPacks()).toBe(before);
    packed.objects.close();
  });

  it('builds a failed or stalled worker’s range on the calling thread, with the same bytes', () => {
    const reference = rebuildIndex(store, oids.at(-1)!, false, { threads: 1 }).bytes;
    const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-worker-'));
    try {
      const scripts = {
        throws: 'throw new Error("boom at load");',
        spins: 'for (;;) {}',
        silent: 'const { workerData } = require("node:worker_threads"); const s = new Int32Array(workerData.state); Atomics.store(s, 1, 1); Atomics.notify(s, 1);',
      };
      for (const [name, code] of Object.entries(scripts)) {
        const file = join(dir, `${name}.cjs`);
        writeFileSync(file, code);
        const ranges: string[] = [];
        const t0 = performance.now();
        const bytes = recordLinesParallel(store, oids, { threads: 2, minPerThread: 1, workerScript: file, stallMs: 300, onRange: (r) => ranges.push(r.by) });
        expect({ name, ranges }).toEqual({ name, ranges: ['caller', 'caller'] });
        expect(performance.now() - t0).toBeLessThan(10_000);
        expect(bytes.equals(referenceLines(oids))).toBe(true);
      }
      expect(reference.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with CORRUPT_STORE, not a hang or a short index, when a worker’s range lacks an object', () => {
    const copy = mkdtempSync(join(tmpdir(), 'cfgtrail-rebuild-damaged-'));
    try {
      // native git wrote every object loose: remove the blob only the last commit adds
      cpSync(store.gitdir, join(copy, 'gitdir'), { recursive: true });
      const damaged = { ...store, gitdir: join(copy, 'gitdir'), objects: openObjectStore(join(copy, 'gitdir')) };
      const last = git(['--git-dir', damaged.gitdir, 'rev-parse', 'main:after.yaml']).trim();
      rmSync(join(damaged.gitdir, 'objects', last.slice(0, 2), last.slice(2)));
      const ranges: string[] = [];
      const e = caught(() => recordLinesParallel(damaged, oids, { threads: 3, minPerThread: 1, workerScript: WORKER, onRange: (r) => ranges.push(r.by) }));
      expect(isCfgtrailError(e, 'CORRUPT_STORE')).toBe(true);
      expect(ranges).toEqual(['caller', 'worker', 'caller']); // the last range's worker failed; the caller's own try threw
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('catches up a saved index made at an older commit to the same bytes as a rebuild', () => {
    const full = rebuildIndex(store, oids.at(-1)!, false, { threads: 1 }).bytes;
    rebuildIndex(store, oids[9]!, true);
    const caught = syncIndex(store, { persist: true });
    expect(caught.head).toBe(oids.at(-1));
    expect(caught.bytes.equals(full)).toBe(true);
    expect(readFileSync(join(store.gitdir, 'cfgtrail-index', 'commits')).equals(full)).toBe(true);
  });
});
