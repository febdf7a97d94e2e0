/**
 * Hooks in STORE/hooks through bin/: real executables (sh scripts) that
 * refuse, record what they were told, call cfgtrail themselves, hang,
 * ignore SIGTERM, and kill cfgtrail's own process group.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, gitIn, tempDir } from '../helpers/cli.js';

interface Setup {
  dir: string;
  gitdir: string;
  out: string;
  env: NodeJS.ProcessEnv;
}

/** A store with two snapshots and `cfgtrail` on PATH (hooks call it by name). */
function setup(settings = ''): Setup {
  // The config dir holds only config: what hooks write goes beside it, not into the next snapshot.
  const top = tempDir('cfgtrail-hooks-');
  const dir = join(top, 'config');
  const bin = join(top, 'bin');
  const out = join(top, 'out');
  mkdirSync(dir);
  mkdirSync(bin);
  mkdirSync(out);
  symlinkSync(BIN, join(bin, 'cfgtrail'));
  const env = { PATH: `${bin}:${process.env.PATH}` };
  writeFileSync(join(dir, 'app.yaml'), 'pool: 20\n');
  expect(cfgtrail(['init'], { cwd: dir, env }).code).toBe(0);
  if (settings) writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), settings);
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir, env }).code).toBe(0);
  writeFileSync(join(dir, 'app.yaml'), 'pool: 50\n');
  expect(cfgtrail(['snapshot', '-m', 'Raise pool'], { cwd: dir, env }).code).toBe(0);
  return { dir, gitdir: join(dir, '.cfgtrail'), out, env };
}

function hook(s: Setup, name: string, body: string, executable = true): void {
  const path = join(s.gitdir, 'hooks', name);
  writeFileSync(path, `#!/bin/sh\nOUT='${s.out}'\n${body}\n`);
  chmodSync(path, executable ? 0o755 : 0o644);
}

const head = (s: Setup) => gitIn(s.gitdir, ['rev-parse', 'HEAD']).trim();

/** Running (a zombie waiting for a reaper that may never come in a container counts as ended). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false; // no such process
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('hooks', () => {
  it('a failing pre-snapshot hook refuses: exit 16, its last stderr line, nothing recorded', () => {
    const s = setup();
    hook(s, 'pre-snapshot', 'echo "checking..." >&2\necho "no deploys on Friday" >&2\nexit 3');
    const before = head(s);
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 60\n');
    const r = cfgtrail(['snapshot', '-m', 'Friday'], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(16);
    expect(r.stderr).toBe('cfgtrail: the pre-snapshot hook refused the snapshot (exit 3: no deploys on Friday); nothing was changed\n');
    expect(head(s)).toBe(before);
    expect(existsSync(join(s.gitdir, 'cfgtrail.lock'))).toBe(false);
    expect(cfgtrail(['status', '--exit-code'], { cwd: s.dir, env: s.env }).code).toBe(1);
  });

  it('tells the hooks the change in CFGTRAIL_* and as JSON on stdin; post-snapshot sees the recorded commit', () => {
    const s = setup();
    hook(s, 'pre-snapshot', 'env | grep ^CFGTRAIL_ | sort > "$OUT/pre.env"\nprintf %s "$CFGTRAIL_FILES" > "$OUT/files"\nprintf %s "$CFGTRAIL_TRAILERS" > "$OUT/trailers"\ncat > "$OUT/pre.json"');
    hook(s, 'post-snapshot', 'env | grep ^CFGTRAIL_ | sort > "$OUT/post.env"\ncat > "$OUT/post.json"');
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 70\n');
    writeFileSync(join(s.dir, 'new.yaml'), 'x: 1\n');
    const r = cfgtrail(['snapshot', '-m', 'Raise again', '--risk', 'high', '--ticket', 'OPS-9', '--author', 'Ann <ann@example.com>'], { cwd: s.dir, env: s.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = /Change-Id: (\S+)/.exec(gitIn(s.gitdir, ['log', '-1', '--format=%B']))![1]!;
    const pre = readFileSync(join(s.out, 'pre.env'), 'utf8');
    expect(pre).toContain(`CFGTRAIL_CHANGE_ID=${id}\n`);
    expect(pre).toContain('CFGTRAIL_HOOK=pre-snapshot\n');
    expect(pre).toContain('CFGTRAIL_TITLE=Raise again\n');
    expect(pre).toContain('CFGTRAIL_RISK=high\n');
    expect(pre).toContain('CFGTRAIL_TICKET=OPS-9\n');
    expect(pre).toContain('CFGTRAIL_AUTHOR=Ann <ann@example.com>\n');
    expect(pre).toContain(`CFGTRAIL_STORE=${s.gitdir}\n`);
    expect(readFileSync(join(s.out, 'files'), 'utf8')).toBe('app.yaml\nnew.yaml');
    expect(readFileSync(join(s.out, 'trailers'), 'utf8')).toBe('Risk: high\nTicket: OPS-9');
    const json = JSON.parse(readFileSync(join(s.out, 'pre.json'), 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ hook: 'pre-snapshot', title: 'Raise again', changeId: id, files: ['app.yaml', 'new.yaml'], fileStatus: [{ path: 'app.yaml', status: 'modified' }, { path: 'new.yaml', status: 'added' }] });
    const post = JSON.parse(readFileSync(join(s.out, 'post.json'), 'utf8')) as Record<string, unknown>;
    expect(post).toMatchObject({ hook: 'post-snapshot', commit: head(s), changeId: id, files: ['app.yaml', 'new.yaml'] });
    expect(readFileSync(join(s.out, 'post.env'), 'utf8')).toContain(`CFGTRAIL_COMMIT=${head(s)}\n`);
  });

  it('a failing post-snapshot hook is a warning; the snapshot stands', () => {
    const s = setup();
    hook(s, 'post-snapshot', 'echo "chat webhook down" >&2; exit 1');
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 80\n');
    const r = cfgtrail(['snapshot', '-m', 'x'], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: the post-snapshot hook failed (exit 1: chat webhook down)\n');
    expect(gitIn(s.gitdir, ['log', '-1', '--format=%s'])).toBe('x\n');
  });

  it('a non-executable hook is ignored with a hint, as git does', () => {
    const s = setup();
    hook(s, 'pre-snapshot', 'exit 1', false);
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 81\n');
    const r = cfgtrail(['snapshot', '-m', 'x'], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`hint: the 'pre-snapshot' hook was ignored because it is not executable (chmod +x ${join(s.gitdir, 'hooks', 'pre-snapshot')})\n`);
  });

  it('hooks may run cfgtrail itself (status, log, check) without waiting for the store lock', () => {
    const s = setup();
    hook(s, 'pre-snapshot', 'cfgtrail status > "$OUT/status" 2>&1 || exit 9\ncfgtrail check >/dev/null 2>&1\necho "$?" > "$OUT/check-rc"');
    hook(s, 'post-snapshot', 'cfgtrail log --oneline -n 1 > "$OUT/log" 2>&1 || exit 9');
    hook(s, 'pre-rollback', 'cfgtrail log --oneline -n 1 > "$OUT/rb-log" 2>&1 || exit 9');
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 90\n');
    const started = Date.now();
    const r = cfgtrail(['snapshot', '-m', 'nested', '--change-id', 'I00000000000000aa'], { cwd: s.dir, env: s.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000); // lock_timeout is 10 s: a deadlock would show
    expect(readFileSync(join(s.out, 'status'), 'utf8')).toMatch(/^drift since [0-9a-f]{7}/);
    expect(readFileSync(join(s.out, 'check-rc'), 'utf8')).toBe('0\n');
    expect(readFileSync(join(s.out, 'log'), 'utf8')).toMatch(/^[0-9a-f]{7} I00000000 nested\n$/);
    expect(cfgtrail(['rollback', '--previous', '--yes', '--no-restart'], { cwd: s.dir, env: s.env }).code).toBe(0);
    expect(readFileSync(join(s.out, 'rb-log'), 'utf8')).toMatch(/nested\n$/);
  });

  it('pre-rollback refuses a rollback and a revert before anything is written; post-rollback is told the outcome', () => {
    const s = setup();
    hook(s, 'pre-rollback', 'cat > "$OUT/pre.json"\necho "$CFGTRAIL_ACTION $CFGTRAIL_TARGET" > "$OUT/pre.env"\n[ -e "$OUT/allow" ] || { echo "change board says no" >&2; exit 1; }');
    hook(s, 'post-rollback', 'cat > "$OUT/post.json"');
    const before = head(s);
    const r = cfgtrail(['rollback', '--previous', '--yes', '--no-restart'], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(16);
    expect(r.stderr).toBe('cfgtrail: the pre-rollback hook refused the rollback (exit 1: change board says no); nothing was changed\n');
    expect(head(s)).toBe(before);
    expect(readFileSync(join(s.dir, 'app.yaml'), 'utf8')).toBe('pool: 50\n');
    const target = gitIn(s.gitdir, ['rev-parse', 'HEAD~1']).trim();
    expect(readFileSync(join(s.out, 'pre.env'), 'utf8')).toBe(`rollback ${target}\n`);
    const rv = cfgtrail(['revert', 'HEAD', '--yes', '--no-restart'], { cwd: s.dir, env: s.env });
    expect(rv.code).toBe(16);
    expect(readFileSync(join(s.out, 'pre.env'), 'utf8')).toMatch(/^revert /);
    expect(head(s)).toBe(before);
    writeFileSync(join(s.out, 'allow'), '');
    expect(cfgtrail(['rollback', '--previous', '--yes', '--no-restart'], { cwd: s.dir, env: s.env }).code).toBe(0);
    const post = JSON.parse(readFileSync(join(s.out, 'post.json'), 'utf8')) as Record<string, unknown>;
    expect(post).toMatchObject({ hook: 'post-rollback', action: 'rollback', target, commit: head(s), files: ['app.yaml'], result: 'not verified' });
  });

  it('post-verify is told the verification result', () => {
    const s = setup('services:\n  - name: app\n    files: ["app.yaml"]\n    restart: { command: ["true"] }\n    health:\n      - command: ["true"]\n');
    hook(s, 'post-verify', 'echo "$CFGTRAIL_RESULT $CFGTRAIL_COMMIT $CFGTRAIL_SERVICES" > "$OUT/verify"');
    expect(cfgtrail(['verify'], { cwd: s.dir, env: s.env }).code).toBe(0);
    expect(readFileSync(join(s.out, 'verify'), 'utf8')).toBe(`passed ${head(s)} app\n`);
  });

  it('a hook that never exits is killed at hook_timeout, with its children; one that ignores SIGTERM gets SIGKILL', () => {
    const s = setup('hook_timeout: 1s\n');
    hook(s, 'pre-snapshot', 'echo $$ > "$OUT/pid"\nsleep 300 &\necho $! > "$OUT/child"\nwait');
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 91\n');
    let started = Date.now();
    const r = cfgtrail(['snapshot', '-m', 'x'], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(16);
    expect(r.stderr).toBe('cfgtrail: the pre-snapshot hook refused the snapshot (timed out after 1 s); nothing was changed\n');
    expect(Date.now() - started).toBeLessThan(6000);
    const child = Number(readFileSync(join(s.out, 'child'), 'utf8'));
    expect(alive(Number(readFileSync(join(s.out, 'pid'), 'utf8')))).toBe(false);
    expect(alive(child)).toBe(false);
    hook(s, 'pre-snapshot', "trap '' TERM\necho $$ > \"$OUT/pid2\"\nwhile :; do sleep 0.2; done");
    started = Date.now();
    const hard = cfgtrail(['snapshot', '-m', 'x'], { cwd: s.dir, env: s.env });
    expect(hard.code).toBe(16);
    expect(hard.stderr).toMatch(/timed out after 1 s/);
    expect(Date.now() - started).toBeLessThan(9000);
    expect(alive(Number(readFileSync(join(s.out, 'pid2'), 'utf8')))).toBe(false);
    expect(gitIn(s.gitdir, ['log', '-1', '--format=%s'])).toBe('Raise pool\n');
  });

  it('SIGTERM to cfgtrail while a hook runs ends the hook too and leaves nothing half-done', async () => {
    const s = setup();
    hook(s, 'pre-snapshot', 'echo $$ > "$OUT/pid"\nsleep 300 &\nwait');
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 92\n');
    const before = head(s);
    const child = spawn(process.execPath, [BIN, 'snapshot', '-m', 'x'], { cwd: s.dir, env: cliEnv(s.env), stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(join(s.out, 'pid')); i += 1) await new Promise((r) => setTimeout(r, 50));
    const hookPid = Number(readFileSync(join(s.out, 'pid'), 'utf8'));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(143);
    sleepMs(300);
    expect(alive(hookPid)).toBe(false);
    expect(head(s)).toBe(before);
    expect(existsSync(join(s.gitdir, 'cfgtrail.lock'))).toBe(false);
    writeFileSync(join(s.gitdir, 'hooks', 'pre-snapshot'), '#!/bin/sh\nexit 0\n');
    expect(cfgtrail(['snapshot', '-m', 'after'], { cwd: s.dir, env: s.env }).code).toBe(0);
  });

  it("a hook that kills cfgtrail's whole process group leaves the store as it was", () => {
    const s = setup();
    // cfgtrail runs in a process group of its own (setsid), so the kill cannot reach this test runner.
    hook(s, 'pre-snapshot', 'pg=$(ps -o pgid= -p $PPID | tr -d " ")\n/bin/kill -KILL -- -"$pg"');
    writeFileSync(join(s.dir, 'app.yaml'), 'pool: 93\n');
    const before = head(s);
    const r = spawnSync('setsid', [process.execPath, BIN, 'snapshot', '-m', 'x'], { cwd: s.dir, env: cliEnv(s.env), encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(head(s)).toBe(before);
    gitIn(s.gitdir, ['fsck', '--strict']);
    writeFileSync(join(s.gitdir, 'hooks', 'pre-snapshot'), '#!/bin/sh\nexit 0\n');
    const again = cfgtrail(['snapshot', '-m', 'after'], { cwd: s.dir, env: s.env });
    expect(again.code).toBe(0);
  });
});
