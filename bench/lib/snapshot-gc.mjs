// Cold-start snapshot and store size after gc, on copies of a generated store
// (the cached store itself stays as generated).
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, timeOnce } from './measure.mjs';
import { run } from './gen-store.mjs';
import { filePath } from './synth.mjs';

/** Sets `replicas:` of the first config file to `n`: a one-field change. */
function touch(root, n) {
  const p = join(root, filePath(0));
  writeFileSync(p, readFileSync(p, 'utf8').replace(/^replicas: .*$/m, `replicas: ${n}`));
}

/** `cfgtrail snapshot -m x` of one changed file vs `node -e 0` vs `git add -A && git commit`. */
export function benchSnapshot(ctx, label, store, workDir) {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const root = join(workDir, 'config');
  const plain = join(workDir, 'plain');
  cpSync(store.root, root, { recursive: true });
  cpSync(store.plain, plain, { recursive: true });
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Bench User', GIT_AUTHOR_EMAIL: 'bench@example.com' };
  // bin/cfgtrail.js starts snapshot without NODE_EXTRA_CA_CERTS (it opens no
  // TLS connection): when the variable is set, node's start-up without it is
  // measured too, for honesty.
  const cmds = [
    { argv: [ctx.cli, '-C', root, 'snapshot', '-m', 'x', '--author', 'Bench User <bench@example.com>'] },
    { argv: [process.execPath, '-e', '0'] },
    { argv: ['sh', '-c', 'git add -A && git commit -qm x'], cwd: plain, env },
  ];
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const noCa = { ...process.env };
    delete noCa.NODE_EXTRA_CA_CERTS;
    cmds.push({ argv: [process.execPath, '-e', '0'], env: noCa });
  }
  // Each snapshot and each git commit gets one changed file.
  const prepare = (k, i) => (k === 0 ? touch(root, 1000 + i + 1) : k === 2 ? touch(plain, 1000 + i + 1) : undefined);
  const [snap, node, git, nodeNoCa] = compare(cmds, ctx.runs, { prepare });
  const vsNode = snap.ms / node.ms;
  ctx.row({ section: label, name: 'cfgtrail snapshot -m x (one changed file)', oursMs: snap.ms, native: 'node -e 0', nativeMs: node.ms, ratio: vsNode, target: '≤ 2× node -e 0', pass: vsNode <= 2 });
  if (nodeNoCa) {
    ctx.row({ section: label, name: 'cfgtrail snapshot -m x (one changed file)', oursMs: snap.ms, native: 'node -e 0 without NODE_EXTRA_CA_CERTS', nativeMs: nodeNoCa.ms, ratio: snap.ms / nodeNoCa.ms });
  }
  ctx.row({ section: label, name: 'cfgtrail snapshot -m x (one changed file)', oursMs: snap.ms, native: "sh -c 'git add -A && git commit -qm x' (plain repo copy)", nativeMs: git.ms, ratio: snap.ms / git.ms });
}

/** Bytes of all files under dir: apparent size and allocated blocks. */
function dirSize(dir) {
  let bytes = 0;
  let disk = 0;
  let files = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        bytes += st.size;
        disk += st.blocks * 512;
        files++;
      }
    }
  };
  walk(dir);
  return { bytes, disk, files };
}

const mb = (n) => `${(n / 1048576).toFixed(2)} MiB`;

/** Unpacks the store's history into loose objects in a copy, then `cfgtrail gc` vs `git gc` on two copies of that. */
export function benchGc(ctx, label, store, workDir) {
  rmSync(workDir, { recursive: true, force: true });
  const loose = join(workDir, 'loose', 'config');
  cpSync(store.root, loose, { recursive: true, filter: (src) => !src.includes('cfgtrail-index') });
  const packDir = join(loose, '.cfgtrail', 'objects', 'pack');
  const packs = readdirSync(packDir).filter((f) => f.endsWith('.pack'));
  mkdirSync(join(workDir, 'packs'));
  for (const f of readdirSync(packDir)) renameSync(join(packDir, f), join(workDir, 'packs', f));
  for (const p of packs) run('git', ['--git-dir', join(loose, '.cfgtrail'), 'unpack-objects', '-q'], { input: readFileSync(join(workDir, 'packs', p)) });
  const before = dirSize(join(loose, '.cfgtrail', 'objects'));
  const ours = join(workDir, 'cfgtrail-gc', 'config');
  const theirs = join(workDir, 'git-gc', 'config');
  cpSync(loose, ours, { recursive: true });
  cpSync(loose, theirs, { recursive: true });
  const t1 = timeOnce([ctx.cli, '-C', ours, 'gc']);
  const t2 = timeOnce(['git', '--git-dir', join(theirs, '.cfgtrail'), 'gc', '-q']);
  const a = dirSize(join(ours, '.cfgtrail', 'objects'));
  const b = dirSize(join(theirs, '.cfgtrail', 'objects'));
  ctx.row({ section: label, name: 'loose store before gc (objects/)', oursMs: undefined, note: `${before.files} files, ${mb(before.bytes)} apparent, ${mb(before.disk)} on disk` });
  ctx.row({ section: label, name: 'store size after cfgtrail gc (objects/)', native: 'git gc (objects/, incl. commit-graph)', ours: a.bytes, theirs: b.bytes, ratio: a.bytes / b.bytes, target: '≤ 2× git gc', pass: a.bytes <= 2 * b.bytes, note: `${mb(a.bytes)} vs ${mb(b.bytes)}` });
  ctx.row({ section: label, name: 'cfgtrail gc time (from loose)', oursMs: t1.ms, native: 'git gc -q', nativeMs: t2.ms, ratio: t1.ms / t2.ms });
  rmSync(workDir, { recursive: true, force: true });
}
