// Whole-process timing: every sample is a fresh process, as a user runs it.
import { spawnSync } from 'node:child_process';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `argv` once and returns wall time in ms and its stdout (piped, so both
 * sides of a comparison pay for writing their output).
 */
export function timeOnce(argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 1 << 30, input: opts.input });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${argv.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr?.toString().slice(0, 500)}`);
  }
  return { ms, stdout: r.stdout };
}

/**
 * Times several commands interleaved (a, b, a, b ...) so drift of the machine
 * hits all of them alike. One untimed warm-up each fills the page cache.
 * `prepare(i)` runs before sample i of every command (untimed).
 * Returns, per command, the median ms, all samples and the last stdout.
 */
export function compare(cmds, runs, opts = {}) {
  const samples = cmds.map(() => []);
  const outs = cmds.map(() => null);
  for (let i = -1; i < runs; i++) {
    cmds.forEach((c, k) => {
      if (opts.prepare) opts.prepare(k, i);
      const r = timeOnce(c.argv, c);
      if (i >= 0) samples[k].push(r.ms);
      outs[k] = r.stdout;
    });
  }
  return cmds.map((c, k) => ({ ms: median(samples[k]), samples: samples[k], stdout: outs[k] }));
}

/** Times an in-process function: median ms of `runs` calls (after one warm-up when `warm`), and its last result. */
export function timeFn(fn, runs, warm = true) {
  let result = warm ? fn() : undefined;
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    result = fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(xs), samples: xs, result };
}

/** Occurrences of a regex (global) in a buffer's text. */
export function countMatches(buf, re) {
  if (!buf) return 0;
  return (buf.toString('utf8').match(re) ?? []).length;
}

const TIMES = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/;

/**
 * Runs `argv` once and returns its CPU time in ms (user + system, as bash's
 * `times` reports its waited-for children, to the millisecond) and its stdout,
 * piped as in timeOnce. On a shared machine CPU time moves far less with the
 * load than wall time does.
 */
export function cpuOnce(argv, opts = {}) {
  const r = spawnSync('bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'cpu', ...argv], { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 1 << 30 });
  const m = TIMES.exec(r.stderr?.toString() ?? '');
  if (r.status !== 0 || !m) throw new Error(`${argv.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr?.toString().slice(0, 500)}`);
  const ms = (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
  return { ms, stdout: r.stdout };
}

/** `compare` by CPU time (cpuOnce): per command the median, all samples and the last stdout. */
export function compareCpu(cmds, runs) {
  const samples = cmds.map(() => []);
  for (let i = -1; i < runs; i++) {
    cmds.forEach((c, k) => {
      const r = cpuOnce(c.argv, c);
      if (i >= 0) samples[k].push(r.ms);
    });
  }
  return cmds.map((c, k) => ({ ms: median(samples[k]), samples: samples[k] }));
}
