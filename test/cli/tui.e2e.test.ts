import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, cliEnv, git, tempDir } from '../helpers/cli.js';
import { replayStore } from '../helpers/tui-store.js';
import { hasTmux, startTmux } from '../helpers/tmux.js';

if (!hasTmux) console.log('tmux not installed: the TUI end-to-end tests are skipped (scripts/test-deps.sh installs it)');
const hasStrace = spawnSync('strace', ['-V']).status === 0;

/** The selected row (the cursor's). */
const selected = (screen: string) => screen.split('\n').find((l) => l.startsWith('> ')) ?? '';
const at = (screen: string) => /│ (\d+\/\d+) │/.exec(screen)?.[1] ?? '';
const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv({ TERM: 'xterm-256color', LANG: 'C.UTF-8', ...extra });

describe.skipIf(!hasTmux)('cfgtrail tui in a real terminal (tmux), on replayed chart history', () => {
  it('newest first, moves, filters by field, shows the field diff, opens and cancels a rollback, quits cleanly', async () => {
    const { dir, versions } = replayStore(20);
    const store = join(dir, '.cfgtrail');
    const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    const newest = [...versions].reverse().map((v) => v.subject.trim());
    // bin/cfgtrail.js run as an executable, as `cfgtrail` on a PATH: its shell launcher too
    const t = startTmux([BIN, 'tui'], { cols: 100, rows: 30, cwd: dir, env: env() });
    let s = await t.until((x) => at(x) === '1/20');
    expect(selected(s)).toContain(newest[0]!.slice(0, 30));
    expect(s).toContain(`cfgtrail ${dir}`);
    expect(t.display('#{alternate_on}')).toBe('1');

    t.keys('j', 'j', 'Down');
    s = await t.until((x) => at(x) === '4/20');
    expect(selected(s)).toContain(newest[3]!.slice(0, 30));

    // a field as `log --field` takes it: the same changes, newest first
    const byField = JSON.parse(cfgtrail(['log', '--json', '--field', 'podAnnotations'], { cwd: dir }).stdout) as { commit: string; title: string }[];
    expect(byField.length).toBeGreaterThan(0);
    t.keys('/');
    t.type('field:podAnnotations');
    t.keys('Enter');
    s = await t.until((x) => at(x) === `1/${byField.length}` && x.includes('── diff against its parent'));
    expect(selected(s)).toContain(byField[0]!.commit.slice(0, 7));
    // the detail pane: its record, then the field diff naming the field
    const detail = s.slice(s.indexOf('── detail'));
    expect(detail).toContain(`commit ${byField[0]!.commit}`);
    t.keys('Tab', 'G');
    s = await t.until((x) => x.includes('[detail]') && /podAnnotations/.test(x.slice(x.indexOf('── diff against its parent'))));

    // rollback dialog: the plan, then cancelled; nothing changed
    t.keys('Tab', 'r');
    s = await t.until((x) => x.includes('Roll back? y: yes'));
    expect(s).toContain(`Roll back to ${byField[0]!.commit.slice(0, 7)}`);
    t.keys('Escape');
    await t.until((x) => !x.includes('Roll back?') && x.includes('── detail'));
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD']).trim()).toBe(head);

    // quitting puts the terminal back: main screen with what was there, cursor shown, exit 0
    t.keys('q');
    s = await t.until((x) => x.includes('EXIT=0'));
    expect(s).toContain('BEFORE-TUI');
    expect(s).not.toContain('j/k move');
    expect(t.display('#{alternate_on} #{cursor_flag}')).toBe('0 1');
  }, 120_000);

  it('follows a resize down to 80×24 and back; NO_COLOR screens carry no colour', async () => {
    const { dir } = replayStore(6);
    const t = startTmux([process.execPath, BIN, 'tui'], { cols: 120, rows: 40, cwd: dir, env: env({ NO_COLOR: '1' }) });
    await t.until((x) => at(x) === '1/6' && x.includes('── diff'));
    t.resize(80, 24);
    // the screen is cleared on a resize, then redrawn at the new size
    const s = await t.until((x) => x.split('\n').length <= 25 && x.startsWith('cfgtrail ') && x.includes('j/k move') && x.includes('── diff'));
    const lines = s.replace(/\n$/, '').split('\n');
    expect(lines.length).toBe(24);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^cfgtrail /);
    expect(lines.filter((l) => l.startsWith('  ') || l.startsWith('> ')).length).toBeGreaterThan(3);
    // reverse video marks the cursor and the status bar; no colour (SGR 30-37, 90-97, 38;…) anywhere
    expect(t.capture({ escapes: true })).not.toMatch(/\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m/);
    t.resize(100, 30);
    await t.until((x) => x.replace(/\n$/, '').split('\n').length === 30 && x.includes('j/k move'));
    t.keys('q');
    await t.until((x) => x.includes('EXIT=0'));
  }, 120_000);

  it('SIGTERM or Ctrl-C from outside still puts the terminal back (exit 143 / 130)', async () => {
    const { dir } = replayStore(2);
    for (const [signal, code] of [['TERM', 143], ['INT', 130]] as const) {
      const t = startTmux([process.execPath, BIN, 'tui'], { cols: 100, rows: 30, cwd: dir, env: env() });
      await t.until((x) => at(x) === '1/2');
      expect(t.display('#{alternate_on} #{cursor_flag}')).toBe('1 0');
      const shell = t.display('#{pane_pid}');
      const node = spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' }).stdout.trim();
      expect(node).toMatch(/^\d+$/);
      // a key just before: a frame is being drawn (ink would draw its last one as it exits)
      t.keys('j');
      process.kill(Number(node), `SIG${signal}`);
      const s = await t.until((x) => x.includes(`EXIT=${code}`));
      expect(s).toContain('BEFORE-TUI');
      expect(t.display('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    }
  }, 120_000);

  it('SIGTERM while a rollback restarts a service: one line on the main screen says what to run; the rollback is pending', async () => {
    const { dir } = replayStore(3);
    const store = join(dir, '.cfgtrail');
    writeFileSync(join(store, 'settings.yaml'), [
      'services:',
      '  - name: slow',
      '    files: ["values.yaml"]',
      '    restart: { command: ["sleep", "30"] }',
      '    timeout: 60s',
      '',
    ].join('\n'));
    const t = startTmux([BIN, 'tui'], { cols: 100, rows: 30, cwd: dir, env: env() });
    await t.until((x) => at(x) === '1/3');
    t.keys('j', 'r');
    await t.until((x) => x.includes('Roll back? y: yes'));
    t.keys('y', 'Enter');
    await t.until((x) => /commit: \d+ ms/.test(x));
    const node = spawnSync('pgrep', ['-P', t.display('#{pane_pid}')], { encoding: 'utf8' }).stdout.trim();
    process.kill(Number(node), 'SIGTERM');
    const s = await t.until((x) => x.includes('EXIT=143'));
    // one line, wrapped by the 100-column terminal
    expect(s.split('\n').filter((l) => l.startsWith('cfgtrail:'))).toHaveLength(1);
    expect(s.replaceAll('\n', '')).toMatch(/cfgtrail: stopped by SIGTERM after the rollback commit [0-9a-f]+ was recorded, while restarting or checking services: run `cfgtrail rollback --continue`/);
    expect(t.display('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    const status = cfgtrail(['status'], { cwd: dir });
    expect(status.stdout).toMatch(/^Rollback in progress: /);
  }, 120_000);

  it('a rollback from the TUI runs the pre-rollback and post-rollback hooks as the command does: a refusing one changes nothing', async () => {
    const { dir } = replayStore(3);
    const store = join(dir, '.cfgtrail');
    const out = join(tempDir(), 'hooks.log');
    mkdirSync(join(store, 'hooks'), { recursive: true });
    const hook = (name: string, body: string) => {
      writeFileSync(join(store, 'hooks', name), `#!/bin/sh\necho "$CFGTRAIL_HOOK $CFGTRAIL_ACTION" >> '${out}'\n${body}\n`);
      chmodSync(join(store, 'hooks', name), 0o755);
    };
    hook('pre-rollback', 'echo "change window closed" >&2; exit 1');
    hook('post-rollback', 'exit 0');
    const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    const t = startTmux([BIN, 'tui'], { cols: 100, rows: 30, cwd: dir, env: env() });
    await t.until((x) => at(x) === '1/3');
    t.keys('j', 'r');
    await t.until((x) => x.includes('Roll back? y: yes'));
    t.keys('y', 'Enter');
    const s = await t.until((x) => x.includes('cfgtrail: the pre-rollback hook refused'));
    expect(s.replaceAll('\n', '')).toContain('change window closed');
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD']).trim()).toBe(head);
    // let through: the rollback is made and the post-rollback hook told
    hook('pre-rollback', 'exit 0');
    t.keys('Enter');
    await t.until((x) => !x.includes('FAILED') && x.includes('── detail'));
    t.keys('r');
    await t.until((x) => x.includes('Roll back? y: yes'));
    t.keys('y', 'Enter');
    await t.until(() => readFileSync(out, 'utf8').includes('post-rollback rollback'));
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toEqual(['pre-rollback rollback', 'pre-rollback rollback', 'post-rollback rollback']);
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD']).trim()).not.toBe(head);
    t.keys('Enter');
    await t.until((x) => !x.includes('Roll back to') && x.includes('── detail'));
    t.keys('q');
    await t.until((x) => x.includes('EXIT=0'));
  }, 120_000);

  it.skipIf(!hasStrace)('loads dist/tui.mjs (ink, React) only for tui: log never opens it', async () => {
    const { dir } = replayStore(2);
    const trace = join(tempDir(), 'tui.strace');
    const t = startTmux(['strace', '-f', '-qq', '-e', 'trace=open,openat', '-o', trace, process.execPath, BIN, 'tui'], { cols: 100, rows: 30, cwd: dir, env: env() });
    await t.until((x) => at(x) === '1/2');
    t.keys('q');
    await t.until((x) => x.includes('EXIT=0'));
    expect(readFileSync(trace, 'utf8')).toMatch(/dist\/tui\.mjs/); // the trace sees the bundle when it is loaded
    const logTrace = join(tempDir(), 'log.strace');
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=open,openat', '-o', logTrace, process.execPath, BIN, 'log', '--oneline'], { cwd: dir, env: env(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    const opened = readFileSync(logTrace, 'utf8');
    expect(opened).not.toMatch(/tui\.mjs|tui-load\.cjs|node_modules\/(ink|react)/);
    expect(opened).toMatch(/dist\/cli\.cjs/);
  }, 120_000);
});

describe('cfgtrail tui without a terminal', () => {
  it('refuses in one line, suggesting cfgtrail log, exit 2, and leaves the output empty', () => {
    const { dir } = replayStore(1);
    const r = cfgtrail(['tui'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cfgtrail: tui: stdout is not a terminal; .*'cfgtrail log'.*\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});
