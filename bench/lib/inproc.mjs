// In-process measurements through the library bundle dist/lib.js, run as a
// child of bench/run.mjs so each mode starts from a fresh heap.
// Usage: node inproc.mjs <mode> <json args>; prints one JSON object.
import { readFileSync } from 'node:fs';
import { timeFn } from './measure.mjs';

const lib = await import(new URL('../../dist/lib.js', import.meta.url));
const [mode, argsJson] = process.argv.slice(2);
const args = JSON.parse(argsJson);

/** A filter as JSON (regexes as source strings) to the AuditFilter the library takes. */
function toFilter(f) {
  const out = { ...f };
  if (f.author) out.author = new RegExp(f.author);
  if (f.grep) out.grep = new RegExp(f.grep);
  return out;
}

const modes = {
  /** Rebuilds and persists the audit index, as the first snapshot on a native-made store does. */
  rebuild({ root }) {
    const store = lib.openStore(root);
    lib.dropIndex(store.gitdir);
    const t0 = performance.now();
    const ru0 = process.resourceUsage();
    let threads = 0;
    const data = lib.rebuildIndex(store, lib.readHead(store.gitdir), true, { onRange: () => threads++ });
    const ms = performance.now() - t0;
    const ru = process.resourceUsage();
    // CPU of every thread of the process (workers included); peak RSS of the whole process
    const cpuMs = (ru.userCPUTime + ru.systemCPUTime - ru0.userCPUTime - ru0.systemCPUTime) / 1000;
    return { ms, cpuMs, rssMiB: ru.maxRSS / 1024, threads, count: data.count, bytes: data.bytes.length };
  },
  /** Reads the index once, then times queryIndex for each query. */
  queries({ root, queries, runs }) {
    const store = lib.openStore(root);
    const t0 = performance.now();
    const data = lib.readIndex(store.gitdir);
    const readMs = performance.now() - t0;
    if (!data) throw new Error(`no persisted index in ${store.gitdir}`);
    const out = { readMs, count: data.count, bytes: Buffer.byteLength(data.text), queries: {} };
    for (const q of queries) {
      const filter = toFilter(q.filter);
      const t = timeFn(() => lib.queryIndex(data, filter).json.length, runs);
      out.queries[q.name] = { ms: t.ms, matches: t.result };
    }
    return out;
  },
  /** The field path changed by most commits (`file:path`), for a realistic --field query. */
  topField({ root }) {
    const store = lib.openStore(root);
    // An index written by an older cfgtrail is rebuilt (and saved) first.
    const data = lib.readIndex(store.gitdir) ?? lib.syncIndex(store, { persist: true });
    const counts = new Map();
    for (const line of data.text.split('\n')) {
      const fields = line.split('\t')[4];
      if (!fields) continue;
      for (const f of new Set(fields.split('\x1f'))) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    // The initial snapshot adds every field once; prefer fields changed again later.
    const [best, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
    const [file, path] = best.split('\x1e');
    return { file, path, commits: n };
  },
  /** Parse and field-diff two versions of a YAML file with diffFile. */
  yaml({ a, b, runs }) {
    const before = readFileSync(a);
    const after = readFileSync(b);
    // Multi-second inputs are timed once, without warm-up.
    const warm = runs > 1;
    const parse = timeFn(() => lib.parseConfig('values.yaml', before), runs, warm);
    const diff = timeFn(() => lib.diffFile('values.yaml', before, after), runs, warm);
    const d = diff.result;
    return { bytes: before.length + after.length, parseMs: parse.ms, diffMs: diff.ms, format: d.format, changes: d.changes.length, sample: d.changes.slice(0, 3).map((c) => c.pathText) };
  },
};

const result = await modes[mode](args);
process.stdout.write(`${JSON.stringify(result)}\n`);
