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

export interface TerminalRun { code: number; screen: string }

/** Runs `argv` in a `width`×`height` tmux pane in `cwd` with `env`; resolves with its exit code and the whole screen (scrollback included). */
export async function runInTerminal(argv: string[], opts: { cwd: string; env: Record<string, string | undefined>; width?: number; height?: number; timeoutMs?: number }): Promise<TerminalRun> {
  const sock = `cfgtrail-test-${randomBytes(4).toString('hex')}`;
  // A config file, so the pane stays (with its exit status) however fast the program ends.
  const conf = join(tempDir('cfgtrail-tmux-'), 'tmux.conf');
  writeFileSync(conf, 'set -g remain-on-exit on\nset -g history-limit 5000\n');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', sock, '-f', conf, ...args], { encoding: 'utf8' });
  const env = Object.entries(opts.env).filter(([, v]) => v !== undefined).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  tmux('new-session', '-d', '-s', 't', '-x', String(opts.width ?? 200), '-y', String(opts.height ?? 50), '-c', opts.cwd, ...env, '--', ...argv);
  onTestFinished(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const [dead, status, signal] = tmux('display-message', '-p', '-t', 't', '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}').trim().split(':');
    // tmux may mark the pane dead a moment before it has the exit status: poll again then.
    // A program killed by a signal has no status, only a signal: 128 + N, as shells report it.
    const code = status ? Number(status) : signal ? 128 + Number(signal) : null;
    if (dead === '1' && code !== null) return { code, screen: tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 't') };
    if (Date.now() > deadline) throw new Error(`still running after ${opts.timeoutMs ?? 60_000} ms:\n${tmux('capture-pane', '-p', '-t', 't')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
