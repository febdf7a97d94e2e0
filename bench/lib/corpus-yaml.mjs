// Real-world history (a Helm chart's values.yaml, replayed as snapshots) and
// YAML parse + field diff throughput.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, median, timeOnce } from './measure.mjs';
import { run } from './gen-store.mjs';
import { AUTHORS, COMPONENTS } from './synth.mjs';
import { inproc } from './store-bench.mjs';

// The chart history to replay: kube-prometheus-stack from a full corpus when one is named
// (CFGTRAIL_CORPUS, relative to the repository) or lies beside the repository (../shared);
// otherwise the committed slice's complete alertmanager history (fixtures/helm-values).
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FULL = process.env.CFGTRAIL_CORPUS ? join(REPO, process.env.CFGTRAIL_CORPUS) : join(REPO, '../shared/corpus/helm-values');
export const CORPUS = existsSync(join(FULL, 'kube-prometheus-stack', 'manifest.tsv'))
  ? join(FULL, 'kube-prometheus-stack')
  : join(REPO, 'fixtures/helm-values/alertmanager');
const RISKS = ['low', 'medium', 'high', 'low', 'critical'];

/** Rows of manifest.tsv: { version, date, subject }. */
function readManifest() {
  return readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => {
    const [version, , date, subject] = l.split('\t');
    return { version, date, subject };
  });
}

/**
 * Replays every corpus version as `cfgtrail snapshot` (dated by GIT_AUTHOR_DATE),
 * cached in outDir; returns the store and the replay timings.
 */
export function ensureCorpusStore(outDir, cli, log) {
  const base = join(outDir, `corpus-${CORPUS.split('/').pop()}-${readManifest().length}`);
  const root = join(base, 'config');
  const store = { root, gitdir: join(root, '.cfgtrail') };
  const stamp = join(base, 'replay.json');
  if (existsSync(stamp)) return { ...store, replay: JSON.parse(readFileSync(stamp, 'utf8')), cached: true };
  rmSync(base, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const rows = readManifest();
  log(`replaying ${rows.length} versions of ${CORPUS} as snapshots ...`);
  run(cli, ['-C', root, 'init']);
  const times = [];
  rows.forEach((r, i) => {
    copyFileSync(join(CORPUS, `${r.version}.yaml`), join(root, 'values.yaml'));
    const [name, email] = AUTHORS[i % AUTHORS.length];
    const args = ['-C', root, 'snapshot', '-m', r.subject, '--author', `${name} <${email}>`, '--risk', RISKS[i % RISKS.length], '--component', COMPONENTS[i % COMPONENTS.length], '--allow-empty'];
    times.push(timeOnce([cli, ...args], { env: { ...process.env, GIT_AUTHOR_DATE: r.date } }).ms);
  });
  const replay = { versions: rows.length, totalMs: times.reduce((a, b) => a + b, 0), medianMs: median(times), maxMs: Math.max(...times) };
  writeFileSync(stamp, JSON.stringify(replay));
  return { ...store, replay, cached: false };
}

/** Query values for the corpus store: a word of its subjects, its busiest field. */
export function corpusQueryValues(store) {
  const top = inproc('topField', { root: store.root });
  return { author: 'Mei', grep: 'bump', risk: 'high', file: 'values.yaml', field: { file: top.file, path: top.path } };
}

/** One service entry of the generated YAML. */
function serviceYaml(i, indent) {
  const p = ' '.repeat(indent);
  return `${p}svc-${String(i).padStart(6, '0')}:\n${p}  owner: team-${i % 97}\n${p}  replicas: ${1 + (i % 9)}\n${p}  image: registry.example.com/svc-${i}:v1.${i % 50}.0\n${p}  ports: [8080, ${9000 + (i % 1000)}]\n${p}  resources: { cpu: ${100 + (i % 10) * 50}m, memory: ${128 * (1 + (i % 8))}Mi }\n${p}  env:\n${p}    - name: MODE\n${p}      value: "${i % 2 ? 'fast' : 'safe'}"\n`;
}

/**
 * A YAML catalogue of about `targetBytes` and a copy with one field changed.
 * nested: regions of 250 services each (maps of a few hundred keys, like real
 * configs); flat: one map holding every service.
 */
function writeBigYaml(dir, name, targetBytes, nested) {
  const parts = ['# generated: service catalogue\n'];
  let size = 0;
  let i = 0;
  while (size < targetBytes) {
    if (i % 250 === 0) parts.push(nested ? `region-${i / 250}:\n` : i === 0 ? 'services:\n' : '');
    const s = serviceYaml(i, 2);
    parts.push(s);
    size += s.length;
    i++;
  }
  const a = parts.join('');
  const mid = `svc-${String(i >> 1).padStart(6, '0')}:\n    owner: team-`;
  const b = a.replace(`${mid}${(i >> 1) % 97}\n`, `${mid}changed\n`);
  const [pa, pb] = [join(dir, `${name}-a.yaml`), join(dir, `${name}-b.yaml`)];
  writeFileSync(pa, a);
  writeFileSync(pb, b);
  return [pa, pb];
}

/** diffFile (parse both + field diff) vs `git diff --no-index`, in MB/s of input. */
function benchYamlPair(ctx, name, a, b, runs) {
  const r = inproc('yaml', { a, b, runs });
  const [git] = compare([{ argv: ['sh', '-c', 'git diff --no-index "$0" "$1"; test $? -le 1', a, b] }], runs);
  const mbs = (ms) => (r.bytes / 1e6 / (ms / 1000)).toFixed(1);
  ctx.row({ section: 'YAML parse + field diff', name: `${name}: parseConfig (one side)`, oursMs: r.parseMs, note: `${mbs(r.parseMs * 2)} MB/s` });
  ctx.row({
    section: 'YAML parse + field diff',
    name: `${name}: diffFile (parse both + field diff, in-process)`,
    oursMs: r.diffMs,
    native: 'git diff --no-index A B (text diff, whole process)',
    nativeMs: git.ms,
    ratio: r.diffMs / git.ms,
    note: `${mbs(r.diffMs)} vs ${mbs(git.ms)} MB/s; ${r.changes} field change(s): ${r.sample.join(', ')}`,
  });
}

/** YAML throughput on two consecutive corpus versions and on a generated 10 MB file. */
export function benchYaml(ctx, outDir) {
  const dir = join(outDir, 'yaml');
  mkdirSync(dir, { recursive: true });
  // Two consecutive big versions of kube-prometheus-stack: in the full corpus, or the slice's pair.
  const kps = CORPUS.endsWith('kube-prometheus-stack') ? ['0100', '0101'] : ['0149', '0150'];
  const kpsDir = CORPUS.endsWith('kube-prometheus-stack') ? CORPUS : join(REPO, 'fixtures/helm-values/kube-prometheus-stack');
  benchYamlPair(ctx, `kube-prometheus-stack ${kps[0]}→${kps[1]} (~200 KB)`, join(kpsDir, `${kps[0]}.yaml`), join(kpsDir, `${kps[1]}.yaml`), Math.max(ctx.runs, 5));
  const [a, b] = writeBigYaml(dir, 'nested-10mb', 10 * 1024 * 1024, true);
  benchYamlPair(ctx, 'generated 10 MB YAML (~100 maps of 250 services), one field changed', a, b, 1);
  // One map of ~10,000 keys: shows the cost of the duplicate-key check (uniqueKeys) on wide maps.
  const [c, d] = writeBigYaml(dir, 'flat-2mb', 2 * 1024 * 1024, false);
  benchYamlPair(ctx, 'generated 2 MB YAML (one map of ~10,000 keys), one field changed', c, d, 1);
}
