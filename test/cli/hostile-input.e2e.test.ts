// Hostile and huge input (issue 9): deep nesting, wide and huge files. Every
// command must end with exit 0 (or a clear one-line message), no stack trace,
// and leave a store that later commands read. Files are generated here into
// temp dirs. Each case prints one line with its time and peak memory.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, tempDir } from '../helpers/cli.js';
import { bigServicesYaml } from '../../bench/lib/big-diff.mjs';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  peakMiB: number;
}

/** Runs bin/cfgtrail.js in a child that reports its peak RSS (process.resourceUsage().maxRSS). */
function run(args: string[], cwd: string): Run {
  const probe = `process.on('exit',()=>{require('fs').writeSync(2,'\\nPEAK_RSS_KB '+process.resourceUsage().maxRSS+'\\n')});process.argv.splice(1,0,'cfgtrail');require(${JSON.stringify(BIN)})`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-e', probe, '--', ...args], { cwd, env: cliEnv(), encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const m = /\nPEAK_RSS_KB (\d+)\n$/.exec(r.stderr);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: m ? r.stderr.slice(0, m.index) : r.stderr, ms, peakMiB: Number(m?.[1] ?? 0) / 1024 };
}

const report: string[] = [];
function note(label: string, r: Run): void {
  const line = `hostile-input: ${label}: exit ${r.code}, ${(r.ms / 1000).toFixed(2)} s, peak ${r.peakMiB.toFixed(0)} MiB`;
  report.push(line);
  console.log(line);
}

/** Runs a command that must succeed: exit 0, no stack trace, no internal error. */
function ok(label: string, args: string[], cwd: string): Run {
  const r = run(args, cwd);
  note(label, r);
  expect(r.stderr, `${args.join(' ')}: ${r.stderr.slice(0, 500)}`).not.toMatch(/internal error|RangeError|Maximum call stack|\n\s+at /);
  expect(r.code, `${args.join(' ')}: ${r.stderr.slice(0, 500)}`).toBe(0);
  return r;
}

function newStore(): string {
  const dir = tempDir('cfgtrail-hostile-');
  writeFileSync(join(dir, 'app.yaml'), 'a: 1\n');
  ok('init', ['init'], dir);
  ok('snapshot (base)', ['snapshot', '-m', 'base'], dir);
  return dir;
}

function deepBlockYaml(depth: number): string {
  const parts: string[] = [];
  for (let i = 0; i < depth; i++) parts.push(`${' '.repeat(i)}k${i}:\n`);
  parts.push(`${' '.repeat(depth)}leaf: 1\n`);
  return parts.join('');
}

const deepJson = (depth: number, leaf: number) => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

describe('hostile input', () => {
  it('a 2,000-deep block YAML: snapshot, status and diff fall back to text with one warning line', () => {
    const dir = newStore();
    writeFileSync(join(dir, 'deep.yaml'), deepBlockYaml(2000));
    const snap = ok('2,000-deep YAML: snapshot', ['snapshot', '-m', 'deep'], dir);
    expect(snap.stderr + snap.stdout).toMatch(/deep\.yaml:\d+:1: too deep to compare field by field \(\d+ levels, limit 1000\)/);
    writeFileSync(join(dir, 'deep.yaml'), deepBlockYaml(2000).replace('leaf: 1', 'leaf: 2'));
    ok('2,000-deep YAML: status', ['status'], dir);
    const diff = ok('2,000-deep YAML: diff', ['diff'], dir);
    expect(diff.stdout).toMatch(/warning: deep\.yaml:\d+:1: too deep to compare field by field .*compared as text\n/);
    expect(diff.stdout).toContain('+' + ' '.repeat(2000) + 'leaf: 2');
    ok('2,000-deep YAML: show', ['show'], dir);
  });

  it('a 10k-deep JSON as drift: rollback works and every later command still reads the store', () => {
    const dir = newStore();
    writeFileSync(join(dir, 'deep.json'), deepJson(10_000, 1));
    ok('10k-deep JSON: snapshot', ['snapshot', '-m', 'deep'], dir);
    writeFileSync(join(dir, 'deep.json'), deepJson(10_000, 2));
    for (const args of [['status'], ['diff'], ['diff', '--json'], ['show'], ['export'], ['rollback', '--dry-run', 'HEAD~1']]) {
      ok(`10k-deep JSON: ${args.join(' ')}`, args, dir);
    }
    // the drift is recorded first (its index record diffs the deep file), then the rollback
    const rb = ok('10k-deep JSON: rollback', ['rollback', 'HEAD~1', '--yes', '--no-restart', '--no-verify'], dir);
    expect(rb.stdout).toMatch(/Your uncommitted edits were saved first as /);
    rmSync(join(dir, 'deep.json'), { force: true });
    for (const args of [['log'], ['show'], ['show', 'HEAD~1'], ['log', '--field', 'deep.json:a'], ['snapshot', '-m', 'after', '--allow-empty'], ['rollback', 'HEAD~2', '--yes', '--no-restart', '--no-verify'], ['fsck']]) {
      ok(`10k-deep JSON, afterwards: ${args.join(' ')}`, args, dir);
    }
  });

  it('a 130k-key YAML: diff, show, diff A B and rollback --dry-run print the one changed field', { timeout: 180_000 }, () => {
    const dir = newStore();
    const wide = Array.from({ length: 130_000 }, (_, i) => `key_${i}: value ${i}\n`).join('');
    writeFileSync(join(dir, 'wide.yaml'), wide);
    ok('130k-key YAML: snapshot', ['snapshot', '-m', 'wide'], dir);
    writeFileSync(join(dir, 'wide.yaml'), wide.replace('key_65000: value 65000\n', 'key_65000: changed\n'));
    expect(ok('130k-key YAML: diff', ['diff'], dir).stdout).toContain('key_65000: value 65000 → changed');
    ok('130k-key YAML: snapshot 2', ['snapshot', '-m', 'one key'], dir);
    expect(ok('130k-key YAML: show HEAD~1 (the added file)', ['show', 'HEAD~1'], dir).stdout).toContain('+ key_129999: value 129999');
    expect(ok('130k-key YAML: diff HEAD~1 HEAD', ['diff', 'HEAD~1', 'HEAD'], dir).stdout).toContain('key_65000: value 65000 → changed');
    // the added file has too many fields to list in the index: it is recorded whole, and still found
    const log = ok('130k-key YAML: log --field wide.yaml:key_65000', ['log', '--field', 'wide.yaml:key_65000'], dir);
    expect(log.stdout.match(/^commit /gm)?.length).toBe(2);
    expect(readFileSync(join(dir, '.cfgtrail', 'cfgtrail-index', 'commits')).length).toBeLessThan(1_000_000);
    const json = ok('130k-key YAML: diff --json HEAD~2 HEAD', ['diff', '--json', 'HEAD~2', 'HEAD'], dir);
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(130_000);
    expect(ok('130k-key YAML: rollback --dry-run HEAD~1', ['rollback', '--dry-run', 'HEAD~1'], dir).stdout).toContain('key_65000: changed → value 65000');
  });

  it('a 100 MB text file: a summary with sizes, blob ids and the first changed lines, never the whole file', { timeout: 180_000 }, () => {
    const dir = newStore();
    const line = `${'x'.repeat(99)}\n`;
    const big = join(dir, 'big.txt');
    writeFileSync(big, line.repeat(1_000_000));
    ok('100 MB text: snapshot', ['snapshot', '-m', 'big'], dir);
    appendFileSync(big, 'tail change\n');
    const diff = ok('100 MB text: diff', ['diff'], dir);
    expect(diff.stdout).toMatch(/note: 95\.4 MiB → 95\.4 MiB, blobs [0-9a-f]{7} → [0-9a-f]{7}: over diff_max_bytes \(64\.0 MiB\)/);
    expect(diff.stdout).toContain('@@ -1000000,0 +1000001,1 @@\n+tail change');
    expect(diff.stdout.length).toBeLessThan(10_000);
    ok('100 MB text: snapshot 2', ['snapshot', '-m', 'tail'], dir);
    for (const args of [['show'], ['diff', 'HEAD~1', 'HEAD'], ['diff', '--json', 'HEAD~1', 'HEAD'], ['rollback', '--dry-run', 'HEAD~1']]) {
      const r = ok(`100 MB text: ${args.join(' ')}`, args, dir);
      expect(r.stdout.length).toBeLessThan(10_000);
    }
    // a lower limit in settings.yaml applies to every file
    const settings = join(dir, '.cfgtrail', 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^diff_max_bytes: .*$/m, 'diff_max_bytes: 1000'));
    writeFileSync(join(dir, 'app.yaml'), `a: 2\npad: "${'p'.repeat(2000)}"\n`);
    expect(ok('diff_max_bytes: 1000: diff', ['diff', '--', 'app.yaml'], dir).stdout).toMatch(/note: 5 B → 2\.0 KiB.*over diff_max_bytes \(1000 B\)/);
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^diff_max_bytes: .*$/m, 'diff_max_bytes: lots'));
    const bad = run(['diff'], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/settings\.yaml:\d+: diff_max_bytes: expected a number/);
  });

  // 20 MB keeps the file near 2 minutes on a busy 2-core machine; the bench diffs 10 and 50 MB (npm run bench -- --only bigdiff)
  it('a 20 MB YAML (100,000 list entries): snapshot, diff A B and show find the one changed field', { timeout: 240_000 }, () => {
    const dir = newStore();
    writeFileSync(join(dir, 'services.yaml'), bigServicesYaml(100_000, 0));
    ok('20 MB YAML: snapshot', ['snapshot', '-m', 'v1'], dir);
    writeFileSync(join(dir, 'services.yaml'), bigServicesYaml(100_000, 1));
    const changed = 'services[name=svc-050000].env[name=PORT].value: "8080" → "9090"';
    ok('20 MB YAML: snapshot 2', ['snapshot', '-m', 'v2'], dir);
    const diff = ok('20 MB YAML: diff HEAD~1 HEAD', ['diff', 'HEAD~1', 'HEAD'], dir);
    expect(diff.stdout).toBe(`services.yaml (modified)\n  ${changed}\n`);
    expect(diff.peakMiB).toBeLessThan((40 * 20e6) / 1048576); // under 40× the file size
    expect(ok('20 MB YAML: show', ['show'], dir).stdout).toContain(changed);
  });

  it('prints what it measured', () => {
    expect(report.length).toBeGreaterThan(20);
  });
});
