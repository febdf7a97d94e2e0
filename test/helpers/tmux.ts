/**
 * A real terminal for end-to-end TUI tests: tmux on its own server socket
 * (so a test never touches anyone's sessions), driven with send-keys and read
 * with capture-pane.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { onTestFinished } from 'vitest';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export interface Tmux {
  /** The pane's text (`-e`: with its escape codes). */
  capture(opts?: { escapes?: boolean }): string;
  keys(...keys: string[]): void;
  /** Literal text, sent as typed. */
  type(text: string): void;
  /** tmux formats such as `#{alternate_on}`. */
  display(format: string): string;
  resize(cols: number, rows: number): void;
  /** Resolves with the first capture `pred` accepts; fails with the last one after `ms`. */
  until(pred: (screen: string) => boolean, ms?: number): Promise<string>;
}

/** Starts `command` (argv) in a detached tmux session of `cols`×`rows`; the server is killed when the test ends. */
export function startTmux(command: string[], opts: { cols: number; rows: number; cwd: string; env: NodeJS.ProcessEnv }): Tmux {
  const socket = `cfgtrail-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: { ...opts.env, TMUX: '' } });
  onTestFinished(() => void spawnSync('tmux', ['-L', socket, 'kill-server']));
  // -u: UTF-8 whatever the locale; the shell prints a line before and the exit code after.
  const quoted = command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  tmux('-u', 'new-session', '-d', '-s', 't', '-x', String(opts.cols), '-y', String(opts.rows), '-c', opts.cwd, `echo BEFORE-TUI; ${quoted}; echo "EXIT=$?"; sleep 600`);
  tmux('set-option', '-t', 't', 'remain-on-exit', 'on');
  const t: Tmux = {
    capture: (o = {}) => tmux('capture-pane', '-p', ...(o.escapes ? ['-e'] : []), '-t', 't'),
    keys: (...keys) => void tmux('send-keys', '-t', 't', ...keys),
    type: (text) => void tmux('send-keys', '-t', 't', '-l', text),
    display: (format) => tmux('display-message', '-p', '-t', 't', format).trim(),
    resize: (cols, rows) => void tmux('resize-window', '-t', 't', '-x', String(cols), '-y', String(rows)),
    until: async (pred, ms = 15_000) => {
      const end = Date.now() + ms;
      for (;;) {
        const s = t.capture();
        if (pred(s)) return s;
        if (Date.now() > end) throw new Error(`timed out; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  return t;
}
