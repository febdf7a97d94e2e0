import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cfgtrail, tempDir, type RunResult } from '../helpers/cli.js';
import { nameFromBytes } from '../../src/core/path-name.js';

/** Control bytes a terminal acts on (newline and tab end or indent lines; they are allowed as such). */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]/;

function expectSafe(r: RunResult, what: string): void {
  expect(r.stdout, `${what}: stdout`).not.toMatch(RAW_CONTROL);
  expect(r.stderr, `${what}: stderr`).not.toMatch(RAW_CONTROL);
}

/** Names (as bytes) and how git's core.quotePath=true prints them. */
const CASES: [Buffer, string][] = [
  [Buffer.from('new\nline.yaml'), '"new\\nline.yaml"'],
  [Buffer.from('tab\there.yaml'), '"tab\\there.yaml"'],
  [Buffer.from('\x1b[31mred.yaml'), '"\\033[31mred.yaml"'],
  [Buffer.from('q"uote.yaml'), '"q\\"uote.yaml"'],
  [Buffer.from('back\\slash.yaml'), '"back\\\\slash.yaml"'],
  [Buffer.from('café.yaml'), '"caf\\303\\251.yaml"'],
  [Buffer.from('csi\u009b2J.yaml'), '"csi\\302\\2332J.yaml"'],
];

const INVALID: [Buffer, string] = [Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x79, 0x61, 0x6d, 0x6c]), '"caf\\351.yaml"'];

function at(dir: string, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), name]);
}

function setup(cases: [Buffer, string][]): { dir: string; store: string } {
  const dir = tempDir();
  for (const [name] of cases) writeFileSync(at(dir, name), 'a: 1\n');
  writeFileSync(join(dir, 'plain.yaml'), 'a: 1\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  return { dir, store: join(dir, '.cfgtrail') };
}

/** `git ls-tree -z` names of HEAD, as bytes. */
function storedNames(store: string, rev = 'HEAD'): Buffer[] {
  const out = execFileSync('git', ['--git-dir', store, 'ls-tree', '-z', '--name-only', rev]);
  return out.toString('latin1').split('\0').filter(Boolean).map((n) => Buffer.from(n, 'latin1'));
}

function runAll(cases: [Buffer, string][]): void {
  const { dir, store } = setup(cases);
  const snap = cfgtrail(['snapshot', '-m', 'first'], { cwd: dir });
  expect(snap.code, snap.stderr).toBe(0);
  expectSafe(snap, 'snapshot');
  for (const [, quoted] of cases) expect(snap.stdout).toContain(` A ${quoted}\n`);
  // native git sees the exact bytes
  const stored = storedNames(store).map((b) => b.toString('hex'));
  for (const [name] of cases) expect(stored).toContain(name.toString('hex'));

  for (const [name] of cases) writeFileSync(at(dir, name), 'a: 2\n');
  const status = cfgtrail(['status'], { cwd: dir });
  expectSafe(status, 'status');
  for (const [, quoted] of cases) expect(status.stdout).toContain(`  M ${quoted}  (1 field)\n`);
  const diff = cfgtrail(['diff'], { cwd: dir });
  expectSafe(diff, 'diff');
  for (const [, quoted] of cases) expect(diff.stdout).toContain(`${quoted} (modified)\n  a: 1 → 2`);
  // --json keeps the raw names (JSON escapes controls itself)
  const json = JSON.parse(cfgtrail(['status', '--json'], { cwd: dir }).stdout) as { files: { path: string }[] };
  const jsonNames = json.files.map((f) => f.path);
  for (const [name] of cases) expect(jsonNames).toContain(nameFromBytes(name));

  const snap2 = cfgtrail(['snapshot', '-m', 'second'], { cwd: dir });
  expectSafe(snap2, 'snapshot 2');
  for (const cmd of [['show'], ['show', 'HEAD~1'], ['log'], ['log', '--oneline'], ['diff', 'HEAD~1', 'HEAD'], ['export', 'HEAD']]) {
    const r = cfgtrail(cmd, { cwd: dir });
    expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(0);
    expectSafe(r, cmd.join(' '));
  }
  const log = cfgtrail(['log'], { cwd: dir }).stdout;
  for (const [, quoted] of cases) expect(log).toContain(` M ${quoted}\n`);
  const show = cfgtrail(['show'], { cwd: dir }).stdout;
  for (const [, quoted] of cases) expect(show).toContain(`${quoted} (modified)`);

  // rollback after deleting the live files: plan, outcome, and the exact bytes back on disk
  for (const [name] of cases) rmSync(at(dir, name));
  const plan = cfgtrail(['rollback', 'HEAD~1', '--dry-run'], { cwd: dir });
  expect(plan.code, plan.stderr).toBe(0);
  expectSafe(plan, 'rollback --dry-run');
  for (const [, quoted] of cases) expect(plan.stdout).toContain(`  write  ${quoted} (0644)`);
  const rb = cfgtrail(['rollback', 'HEAD~1', '--yes', '-m', 'back'], { cwd: dir });
  expect(rb.code, rb.stderr).toBe(0);
  expectSafe(rb, 'rollback');
  const live = readdirSync(dir, { encoding: 'buffer' }).map((b) => b.toString('hex'));
  for (const [name] of cases) expect(live).toContain(name.toString('hex'));
  const after = cfgtrail(['status'], { cwd: dir });
  expect(after.stdout).toMatch(/^clean/);
  for (const [name] of cases) expect(storedNames(store).map((b) => b.toString('hex'))).toContain(name.toString('hex'));
}

describe('file names with control characters, quotes and non-ASCII bytes', () => {
  it('are tracked, quoted as git quotes them in every text output, and restored', () => {
    runAll(CASES);
  }, 60_000);

  it('a name that is not valid UTF-8 is tracked and restored byte for byte', () => {
    runAll([INVALID]);
  }, 60_000);

  it('keeps such a directory and its files, their permissions too, exactly as git fsck --strict accepts them', () => {
    const dir = tempDir();
    const sub = at(dir, Buffer.from([0x64, 0xff])); // d\xff
    mkdirSync(sub);
    const inner = Buffer.concat([sub, Buffer.from('/'), INVALID[0]]);
    writeFileSync(inner, 'a: 1\n');
    chmodSync(inner, 0o600);
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const snap = cfgtrail(['snapshot', '-m', 'one'], { cwd: dir });
    expect(snap.stdout).toContain(' A "d\\377/caf\\351.yaml"\n');
    const store = join(dir, '.cfgtrail');
    execFileSync('git', ['--git-dir', store, 'fsck', '--strict']);
    const tree = execFileSync('git', ['--git-dir', store, 'ls-tree', '-r', '-z', '--name-only', 'HEAD']).toString('latin1').split('\0');
    expect(tree).toContain(Buffer.concat([Buffer.from([0x64, 0xff, 0x2f]), INVALID[0]]).toString('latin1'));
    rmSync(sub, { recursive: true });
    const rb = cfgtrail(['rollback', 'HEAD', '--yes', '-m', 'back'], { cwd: dir });
    expect(rb.code, rb.stderr).toBe(0);
    expect(readdirSync(sub, { encoding: 'buffer' })).toEqual([INVALID[0]]);
    expect(statSync(inner).mode & 0o777).toBe(0o600);
    expect(cfgtrail(['status'], { cwd: dir }).stdout).toMatch(/^clean/);
  }, 60_000);
});
