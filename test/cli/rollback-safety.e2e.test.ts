/**
 * A rollback never touches anything outside the root, never restores setuid
 * bits a store merely claims, never half-applies a directory-to-file change,
 * and never loses an edit made while it runs. Races are hit deterministically:
 * strace holds one syscall of the rollback while the test swaps a symlink in
 * or edits a file.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cliEnv, git, gitIn, tempDir } from '../helpers/cli.js';
import { findCall, hasTemp, run, runHeld, TEST_BIN, treeState } from './rollback-safety-helpers.js';

const ROLLBACK = ['--yes', '--no-restart', '--no-verify', '-m', 'safety test'];
const HOLD_MS = 1500;

/** A config root (`root/`) next to a directory the rollback must never touch (`outside/`). */
function setup(): { root: string; outside: string; store: string } {
  const base = tempDir('cfgtrail-safety-');
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'x.yaml'), 'outside: untouched\n');
  writeFileSync(join(outside, 'old2.yaml'), 'outside: keep me\n');
  writeFileSync(join(outside, 'secret'), 'root only\n', { mode: 0o600 });
  chmodSync(join(outside, 'secret'), 0o600);
  expect(run(['init'], root).code).toBe(0);
  return { root, outside, store: join(root, '.cfgtrail') };
}

function snapshot(root: string, msg: string): string {
  const r = run(['snapshot', '-m', msg], root);
  expect(r.code, r.stderr).toBe(0);
  return gitIn(join(root, '.cfgtrail'), ['rev-parse', 'HEAD']).trim();
}

function write(root: string, path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('a rollback never touches anything outside the root (symlink swapped in while it runs)', () => {
  it('a directory swapped for a link during the deletes: nothing outside is deleted', async () => {
    const { root, outside } = setup();
    write(root, 'a.yaml', 'a: 1\n');
    const target = snapshot(root, 'only a');
    write(root, 'conf.d/old1.yaml', 'old: 1\n');
    write(root, 'conf.d/old2.yaml', 'outside: keep me\n');
    snapshot(root, 'add conf.d');
    const before = treeState(outside);
    const args = ['rollback', target, ...ROLLBACK];
    const hold = findCall(root, args, 'unlink,rename', /\/old1\.yaml"/);
    const r = await runHeld(root, args, 'unlink,rename', hold, HOLD_MS, () => {
      renameSync(join(root, 'conf.d'), join(root, 'conf.d.real'));
      symlinkSync(outside, join(root, 'conf.d'));
    }, () => existsSync(join(root, '.cfgtrail', 'cfgtrail-rollback.json')));
    expect(treeState(outside), r.stderr).toEqual(before);
    expect(existsSync(join(root, 'conf.d.real', 'old2.yaml'))).toBe(false); // deleted where it really was
  }, 60_000);

  it('a parent swapped for a link before its temp file is created: nothing is written outside', async () => {
    const { root, outside } = setup();
    write(root, 'a.yaml', 'a: 1\n');
    write(root, 'conf.d/x.yaml', 'x: 1\n');
    const target = snapshot(root, 'v1');
    write(root, 'a.yaml', 'a: 2\n');
    write(root, 'conf.d/x.yaml', 'x: 2\n');
    snapshot(root, 'v2');
    const before = treeState(outside);
    const args = ['rollback', target, ...ROLLBACK];
    // Held: the chmod of a.yaml's temp file, which comes before conf.d/x.yaml's temp file is created.
    const hold = findCall(root, args, 'fchmod', /\.a\.yaml\.cfgtrail-/);
    const r = await runHeld(root, args, 'fchmod', hold, HOLD_MS, () => {
      renameSync(join(root, 'conf.d'), join(root, 'conf.d.real'));
      symlinkSync(outside, join(root, 'conf.d'));
    }, () => hasTemp(root, 'a.yaml'));
    expect(treeState(outside), `${r.stdout}${r.stderr}`).toEqual(before);
    expect(readFileSync(join(root, 'conf.d.real', 'x.yaml'), 'utf8')).toBe('x: 1\n'); // written where the directory really is
  }, 60_000);

  it('a file swapped for a link before its chmod/chown: the file outside keeps its mode and owner', async () => {
    const { root, outside } = setup();
    write(root, 'a.yaml', 'a: 1\n');
    write(root, 'secret.yaml', 'token: x\n');
    chownSync(join(root, 'secret.yaml'), 1000, 1000);
    chmodSync(join(root, 'secret.yaml'), 0o640);
    const target = snapshot(root, 'secret owned by 1000, 0640');
    write(root, 'a.yaml', 'a: 2\n');
    chownSync(join(root, 'secret.yaml'), 0, 0);
    chmodSync(join(root, 'secret.yaml'), 0o644);
    snapshot(root, 'secret owned by root, 0644');
    const before = treeState(outside);
    const args = ['rollback', target, ...ROLLBACK];
    // Held: the rename of a.yaml into place; secret.yaml's chmod/chown comes next.
    const hold = findCall(root, args, 'rename', /, "[^"]*\/a\.yaml"\)/);
    const r = await runHeld(root, args, 'rename', hold, HOLD_MS, () => {
      rmSync(join(root, 'secret.yaml'));
      symlinkSync(join(outside, 'secret'), join(root, 'secret.yaml'));
    }, () => hasTemp(root, 'a.yaml'));
    expect(treeState(outside), `${r.stdout}${r.stderr}`).toEqual(before);
    expect(statSync(join(outside, 'secret')).mode & 0o7777).toBe(0o600);
    // The link is never followed: it is left alone and reported like any edit made meanwhile.
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^your edit to secret\.yaml made during the rollback was left in place/m);
    // A rerun finishes the job without touching the outside either.
    const again = run(['rollback', target, ...ROLLBACK], root);
    expect(treeState(outside), again.stderr).toEqual(before);
    expect(again.code, again.stderr).toBe(0);
  }, 60_000);
});

/** Crafts a commit on HEAD with native git plumbing: `.cfgtrail-meta` replaced and `file` (0755) given new content. */
function craftMeta(store: string, meta: string, file: string, content: string): string {
  const g = (args: string[], input?: string) => git(['--git-dir', store, ...args], undefined, input).trim();
  const entries = g(['ls-tree', 'HEAD']).split('\n').filter((l) => !l.endsWith('\t.cfgtrail-meta') && !l.endsWith(`\t${file}`));
  entries.push(`100644 blob ${g(['hash-object', '-w', '--stdin'], meta)}\t.cfgtrail-meta`);
  entries.push(`100755 blob ${g(['hash-object', '-w', '--stdin'], content)}\t${file}`);
  const tree = g(['mktree'], `${entries.join('\n')}\n`);
  const commit = g(['commit-tree', tree, '-p', 'HEAD', '-m', 'crafted meta'], undefined);
  g(['update-ref', 'refs/heads/main', commit]);
  return commit;
}

describe('setuid from the store', () => {
  it('restores only the permission bits of a crafted 4755 root file, and the plan warns', () => {
    const { root, store } = setup();
    write(root, 'tool.sh', '#!/bin/sh\necho ok\n');
    chmodSync(join(root, 'tool.sh'), 0o755);
    snapshot(root, 'tool');
    const crafted = craftMeta(store, '4755 0 0 tool.sh\n0600 1000 1000 b.yaml\n', 'tool.sh', '#!/bin/sh\necho evil\n');
    write(root, 'tool.sh', '#!/bin/sh\necho ok\n');
    write(root, 'b.yaml', 'b: 1\n');
    snapshot(root, 'after the crafted commit');
    const dry = run(['rollback', crafted, '--dry-run'], root);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Warning: tool\.sh: the stored mode 4755 has setuid\/setgid\/sticky bits; 0755 is restored \(restore_special_bits is off\)$/m);
    const r = run(['rollback', crafted, ...ROLLBACK], root);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'tool.sh'), 'utf8')).toBe('#!/bin/sh\necho evil\n');
    expect(statSync(join(root, 'tool.sh')).mode & 0o7777).toBe(0o755);
  });

  it('warns about an owner change, and restores special bits only when the setting allows it', () => {
    const { root, store } = setup();
    write(root, 'tool.sh', '#!/bin/sh\necho ok\n');
    write(root, 'b.yaml', 'b: 1\n');
    chmodSync(join(root, 'tool.sh'), 0o755);
    snapshot(root, 'tool');
    const crafted = craftMeta(store, '0600 1000 1000 b.yaml\n2755 0 0 tool.sh\n', 'tool.sh', '#!/bin/sh\necho v2\n');
    write(root, 'tool.sh', '#!/bin/sh\necho ok\n');
    snapshot(root, 'after');
    const settings = join(store, 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('restore_special_bits: false', 'restore_special_bits: true'));
    const dry = run(['rollback', crafted, '--dry-run'], root);
    expect(dry.stdout).toMatch(/^Warning: tool\.sh: mode 2755 has setuid\/setgid\/sticky bits$/m);
    expect(dry.stdout).toMatch(/^Warning: b\.yaml: owner changes from 0:0 to 1000:1000$/m);
    const json = JSON.parse(run(['rollback', crafted, '--dry-run', '--json'], root).stdout) as { plan: { warnings: string[] } };
    expect(json.plan.warnings).toHaveLength(2);
    expect(run(['rollback', crafted, ...ROLLBACK], root).code).toBe(0);
    expect(statSync(join(root, 'tool.sh')).mode & 0o7777).toBe(0o2755);
    expect(statSync(join(root, 'b.yaml')).uid).toBe(1000);
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('restore_special_bits: true', 'restore_special_bits: maybe'));
    const bad = run(['status'], root);
    expect(bad.stderr).toMatch(/restore_special_bits: expected true or false/);
  });
});

describe('a file where a directory was', () => {
  function history(root: string): { dirCommit: string; fileCommit: string } {
    write(root, 'd/x.yaml', 'x: 1\n');
    const dirCommit = snapshot(root, 'd is a directory');
    rmSync(join(root, 'd'), { recursive: true });
    write(root, 'd', 'd: file\n');
    const fileCommit = snapshot(root, 'd is a file');
    return { dirCommit, fileCommit };
  }

  it('refuses, before writing anything, when the directory holds untracked files; works once they are gone', () => {
    const { root, store } = setup();
    const { fileCommit } = history(root);
    rmSync(join(root, 'd'));
    write(root, 'd/x.yaml', 'x: 2\n');
    const head = snapshot(root, 'd is a directory again');
    write(root, 'd/.x.yaml.swp', 'vim swap\n');
    const dry = run(['rollback', fileCommit, '--dry-run'], root);
    expect(dry.code).toBe(13);
    expect(dry.stderr.trim().split('\n')).toHaveLength(1);
    expect(dry.stderr).toMatch(/'d' must become a file.*d\/\.x\.yaml\.swp/);
    for (let i = 0; i < 2; i++) {
      const r = run(['rollback', fileCommit, ...ROLLBACK], root);
      expect(r.code).toBe(13);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(readFileSync(join(root, 'd/x.yaml'), 'utf8')).toBe('x: 2\n');
      expect(gitIn(store, ['rev-parse', 'HEAD']).trim()).toBe(head);
    }
    rmSync(join(root, 'd/.x.yaml.swp'));
    const ok = run(['rollback', fileCommit, ...ROLLBACK], root);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(root, 'd'), 'utf8')).toBe('d: file\n');
  });

  it('turns a file back into a directory', () => {
    const { root, store } = setup();
    const { dirCommit } = history(root);
    const r = run(['rollback', dirCommit, ...ROLLBACK], root);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'd/x.yaml'), 'utf8')).toBe('x: 1\n');
    expect(gitIn(store, ['rev-parse', 'HEAD:d/x.yaml']).trim()).toBe(gitIn(store, [`rev-parse`, `${dirCommit}:d/x.yaml`]).trim());
  });
});

describe('an edit made during a rollback is never lost', () => {
  function twoVersions(root: string): string {
    write(root, 'a.yaml', 'a: target\n');
    write(root, 'b.yaml', 'b: target\n');
    const target = snapshot(root, 'target');
    write(root, 'a.yaml', 'a: head\n');
    write(root, 'b.yaml', 'b: head\n');
    snapshot(root, 'head');
    return target;
  }

  it('an in-place edit while the rename is held is kept beside the file and reported', async () => {
    const { root, store } = setup();
    const target = twoVersions(root);
    const args = ['rollback', target, ...ROLLBACK, '--json'];
    const hold = findCall(root, args, 'rename', /, "[^"]*\/a\.yaml"\)/);
    const r = await runHeld(root, args, 'rename', hold, HOLD_MS, () => writeFileSync(join(root, 'a.yaml'), 'a: edited during the rollback\n'), () => hasTemp(root, 'a.yaml'));
    expect(r.code, r.stderr).toBe(0);
    const kept = readdirSync(root).filter((n) => n.startsWith('.a.yaml.cfgtrail-kept-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(root, kept[0]!), 'utf8')).toBe('a: edited during the rollback\n');
    expect(readFileSync(join(root, 'a.yaml'), 'utf8')).toBe('a: target\n');
    const json = JSON.parse(r.stdout) as { result: { keptEdits: { path: string; keptAt: string }[] } };
    expect(json.result.keptEdits).toEqual([{ path: 'a.yaml', keptAt: kept[0] }]);
    expect(gitIn(store, ['rev-parse', 'HEAD:a.yaml'])).toBe(gitIn(store, ['rev-parse', `${target}:a.yaml`]));
    expect(gitIn(store, ['log', '-1', '--format=%B'])).toContain(`your edit to a.yaml made during the rollback was kept at ${kept[0]}`);
    expect(run(['status', '--exit-code'], root).code).toBe(0); // the kept file is never tracked
  }, 60_000);

  it('the text output names the kept edit', async () => {
    const { root } = setup();
    const target = twoVersions(root);
    const args = ['rollback', target, ...ROLLBACK];
    const hold = findCall(root, args, 'rename', /, "[^"]*\/b\.yaml"\)/);
    const r = await runHeld(root, args, 'rename', hold, HOLD_MS, () => writeFileSync(join(root, 'b.yaml'), 'b: edited\n'), () => hasTemp(root, 'b.yaml'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^your edit to b\.yaml made during the rollback was kept at \.b\.yaml\.cfgtrail-kept-\d{8}T\d{6}Z~$/m);
  }, 60_000);

  it('an edit after the rename stays live, and the rollback commit records the target, not the edit', async () => {
    const { root, store } = setup();
    const target = twoVersions(root);
    const args = ['rollback', target, ...ROLLBACK];
    // Held: b.yaml's rename; a.yaml is already in place and compared, and is edited now.
    const hold = findCall(root, args, 'rename', /, "[^"]*\/b\.yaml"\)/);
    const placed = () => readFileSync(join(root, 'a.yaml'), 'utf8') === 'a: target\n';
    const r = await runHeld(root, args, 'rename', hold, HOLD_MS, () => writeFileSync(join(root, 'a.yaml'), 'a: edited after the rename\n'), placed);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'a.yaml'), 'utf8')).toBe('a: edited after the rename\n');
    expect(gitIn(store, ['rev-parse', 'HEAD:a.yaml'])).toBe(gitIn(store, ['rev-parse', `${target}:a.yaml`]));
    expect(gitIn(store, ['log', '-1', '--format=%s'])).toMatch(/^Rollback to /);
    const status = run(['status'], root);
    expect(status.stdout).toMatch(/a\.yaml/); // the edit shows as an uncommitted change
  }, 60_000);
});

describe('random races (no strace): an edit at a random moment of a rollback is never lost', () => {
  it('20 rollbacks of 40 files, each racing one in-place edit', async () => {
    const RUNS = 20;
    const outcomes = { live: 0, kept: 0, committed: 0 };
    for (let n = 0; n < RUNS; n++) {
      const { root, store } = setup();
      for (let i = 0; i < 40; i++) write(root, `conf.d/f${i}.yaml`, `f: ${i}\nv: target\n`);
      const target = snapshot(root, 'target');
      for (let i = 0; i < 40; i++) write(root, `conf.d/f${i}.yaml`, `f: ${i}\nv: head\n`);
      snapshot(root, 'head');
      const victim = `conf.d/f${(n * 7) % 40}.yaml`;
      const edit = `f: edited in race ${n}\n`;
      const child = spawn(process.execPath, [TEST_BIN, 'rollback', target, ...ROLLBACK], { cwd: root, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
      await new Promise((r) => setTimeout(r, 60 + ((n * 37) % 300)));
      writeFileSync(join(root, victim), edit);
      expect(await exited, stderr).toBe(0);
      const oid = git(['hash-object', '--stdin'], undefined, edit).trim();
      const dir = join(root, 'conf.d');
      if (readFileSync(join(root, victim), 'utf8') === edit) outcomes.live++;
      else if (readdirSync(dir).some((f) => f.includes('cfgtrail-kept-') && readFileSync(join(dir, f), 'utf8') === edit)) outcomes.kept++;
      else if (gitIn(store, ['rev-list', '--objects', '--all']).includes(oid)) outcomes.committed++;
      else throw new Error(`race ${n}: the edit to ${victim} was lost`);
      expect(gitIn(store, ['rev-parse', `HEAD:${victim}`])).toBe(gitIn(store, ['rev-parse', `${target}:${victim}`]));
    }
    console.log(`random races: ${RUNS} runs, edit kept live ${outcomes.live}, kept aside ${outcomes.kept}, in the drift snapshot ${outcomes.committed}, lost 0`);
  }, 300_000);
});

describe('random symlink swaps (no strace): nothing outside the root ever changes', () => {
  it('15 rollbacks, each with conf.d swapped for a link to outside at a spread-out moment', async () => {
    const RUNS = 15;
    const codes: Record<number, number> = {};
    for (let n = 0; n < RUNS; n++) {
      const { root, outside } = setup();
      for (let i = 0; i < 30; i++) write(root, `conf.d/f${i}.yaml`, `f: ${i}\nv: target\n`);
      chmodSync(join(root, 'conf.d/f0.yaml'), 0o600);
      const target = snapshot(root, 'target');
      for (let i = 0; i < 30; i++) write(root, `conf.d/f${i}.yaml`, `f: ${i}\nv: head\n`);
      for (let i = 30; i < 40; i++) write(root, `conf.d/f${i}.yaml`, `f: ${i}\n`);
      chmodSync(join(root, 'conf.d/f0.yaml'), 0o644);
      snapshot(root, 'head');
      for (let i = 0; i < 40; i++) writeFileSync(join(outside, `f${i}.yaml`), `outside ${i}\n`, { mode: 0o600 });
      const before = treeState(outside);
      const child = spawn(process.execPath, [TEST_BIN, 'rollback', target, ...ROLLBACK], { cwd: root, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
      await new Promise((r) => setTimeout(r, 60 + ((n * 41) % 300)));
      renameSync(join(root, 'conf.d'), join(root, 'conf.d.real'));
      symlinkSync(outside, join(root, 'conf.d'));
      const code = await exited;
      codes[code] = (codes[code] ?? 0) + 1;
      expect(treeState(outside), stderr).toEqual(before);
      expect([0, 7], stderr).toContain(code); // done, or refused with UNSAFE_PATH; never an internal error
    }
    console.log(`random symlink swaps: ${RUNS} runs, exit codes ${JSON.stringify(codes)}, outside changed 0 times`);
  }, 300_000);
});
