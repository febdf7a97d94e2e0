/**
 * Runs a program in a real terminal: a private tmux server (its own socket),
 * one pane of a fixed size, the program started from an argv (no shell),
 * and the screen captured once it exits. For output that only appears on a
 * terminal (progress lines, prompts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir } from './cli.js';

export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // scripts/test-deps.sh installs it
  }
})();

const EXIT_MARK = 'CFGTRAIL-TEST-EXIT=';

export interface TerminalRun { code: number; screen: string }

/** Runs `argv` in a `width`×`height` tmux pane in `cwd` with `env`; resolves with its exit code and the whole screen (scrollback included). */
export async function runInTerminal(argv: string[], opts: { cwd: string; env: Record<string, string | undefined>; width?: number; height?: number; timeoutMs?: number }): Promise<TerminalRun> {
  const sock = `cfgtrail-test-${randomBytes(4).toString('hex')}`;
  // A config file, so the pane stays (with its exit status) however fast the program ends.
  const conf = join(tempDir('cfgtrail-tmux-'), 'tmux.conf');
  writeFileSync(conf, 'set -g remain-on-exit on\nset -g history-limit 5000\n');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', sock, '-f', conf, ...args], { encoding: 'utf8' });
  const env = Object.entries(opts.env).filter(([, v]) => v !== undefined).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  // Through sh, which prints the exit code after the program: tmux 3.3a sometimes marks the pane
  // dead without its exit status (nor a signal), so the status is read from the screen instead.
  const wrapped = ['sh', '-c', '"$@"; printf "\\n%s%s\\n" "$0" "$?"', EXIT_MARK, ...argv];
  tmux('new-session', '-d', '-s', 't', '-x', String(opts.width ?? 200), '-y', String(opts.height ?? 50), '-c', opts.cwd, ...env, '--', ...wrapped);
  onTestFinished(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const dead = tmux('display-message', '-p', '-t', 't', '#{pane_dead}').trim() === '1';
    if (dead) {
      const screen = tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 't');
      const m = new RegExp(`\\n?${EXIT_MARK}(\\d+)\\n`).exec(screen);
      if (!m) throw new Error(`the program ended without its exit code (killed?):\n${screen}`);
      return { code: Number(m[1]), screen: screen.slice(0, m.index) + screen.slice(m.index + m[0].length) };
    }
    if (Date.now() > deadline) throw new Error(`still running after ${opts.timeoutMs ?? 60_000} ms:\n${tmux('capture-pane', '-p', '-t', 't')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
