// Generates a cfgtrail store of N snapshots with native `git fast-import`
// (creating them one by one through the CLI would take about an hour at 10k).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { AUTHORS, filePath, formatMessage, initialValues, nextChange, renderFile, rng } from './synth.mjs';

const START = Date.UTC(2023, 0, 2, 8, 0, 0) / 1000;

/** Runs a command, throws with its stderr when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function dataCmd(text) {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/** The fast-import text of one commit. */
function commitText(c, when, files, ref = 'refs/heads/main') {
  const [name, email] = c.author;
  const who = `${name} <${email}> ${when} ${c.tz}`;
  let s = `commit ${ref}\nauthor ${who}\ncommitter ${who}\n${dataCmd(formatMessage(c))}`;
  for (const [path, text] of files) s += `M 100644 inline ${path}\n${dataCmd(text)}`;
  return s;
}

/**
 * Streams the whole history into `git fast-import` running in `gitdir`; returns the final file texts.
 * `ref`, `seed` and `offset` (seconds added to every date) make another history of the same shape
 * (the fleet bench imports one per host).
 */
export async function importHistory(gitdir, n, { ref = 'refs/heads/main', seed = 42, offset = 0 } = {}) {
  const child = spawn('git', ['--git-dir', gitdir, 'fast-import', '--quiet', '--done'], { stdio: ['pipe', 'inherit', 'inherit'] });
  const write = async (s) => {
    if (!child.stdin.write(s)) await once(child.stdin, 'drain');
  };
  const values = Array.from({ length: 50 }, (_, i) => initialValues(i));
  const texts = values.map((v, i) => renderFile(i, v));
  const r = rng(seed);
  let when = START + offset;
  const first = {
    author: AUTHORS[0],
    title: 'Initial config',
    body: '',
    trailers: [['Change-Id', 'I0000000000000000'], ['Risk', 'low'], ['Component', 'platform']],
    tz: '+0000',
  };
  await write(commitText(first, when, texts.map((t, i) => [filePath(i), t]), ref));
  for (let k = 1; k < n; k++) {
    let c = nextChange(r, k);
    // cfgtrail never records an empty snapshot: draw again when the value did not change.
    while (values[c.file][c.field] === c.value) c = nextChange(r, k);
    values[c.file][c.field] = c.value;
    texts[c.file] = renderFile(c.file, values[c.file]);
    when += c.minutes * 60;
    await write(commitText(c, when, [[filePath(c.file), texts[c.file]]], ref));
  }
  await write('done\n');
  child.stdin.end();
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
  return texts;
}

/**
 * Returns `{ root, gitdir, plain }` for a store of n snapshots under `outDir`,
 * generating it (store made by `cfgtrail init`, history by fast-import, a plain
 * git clone of the same content for native comparisons) unless cached.
 */
export async function ensureStore(outDir, n, cli, log) {
  const base = join(outDir, `store-${n}`);
  const root = join(base, 'config');
  const gitdir = join(root, '.cfgtrail');
  const plain = join(base, 'plain');
  if (existsSync(join(base, 'ready'))) return { root, gitdir, plain, cached: true };
  rmSync(base, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  log(`generating a store of ${n} snapshots in ${base} ...`);
  const t0 = performance.now();
  run(cli, ['-C', root, 'init']);
  const texts = await importHistory(gitdir, n);
  texts.forEach((t, i) => {
    const p = join(root, filePath(i));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, t);
  });
  run('git', ['clone', '-q', '--no-hardlinks', gitdir, plain]);
  run('git', ['-C', plain, 'config', 'user.name', 'Bench User']);
  run('git', ['-C', plain, 'config', 'user.email', 'bench@example.com']);
  writeFileSync(join(base, 'ready'), `${new Date().toISOString()}\n`);
  log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { root, gitdir, plain, cached: false };
}
