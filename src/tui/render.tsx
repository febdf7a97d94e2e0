/**
 * The TUI's entry point, bundled on its own (dist/tui.mjs) and loaded only by
 * `cfgtrail tui`, so no other command loads ink or React.
 */
import { render, type Instance } from 'ink';
import { App, type AppProps } from './App.js';

/** Enter / leave the terminal's alternate screen (ink 6 has no option for it), cursor shown again on leaving. */
export const ALT_SCREEN_ON = '\x1b[?1049h';
export const ALT_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';

export interface RenderOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Runs the browser full-screen until the user quits, then puts the terminal
 * back as it was (main screen, cursor shown), also when the process is ended
 * by a signal or an error.
 * @example await renderTui({ browser, color: !process.env.NO_COLOR }, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
 */
export async function renderTui(props: AppProps, opts: RenderOptions): Promise<void> {
  let app: Instance | undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    // ink's own exit hook (signal-exit) runs after this one and would draw its last
    // frame on the main screen: it is unmounted first, while the TUI's screen is up.
    app?.unmount();
    opts.stdout.write(ALT_SCREEN_OFF);
  };
  // The CLI's SIGINT/SIGTERM handlers exit the process: the screen goes back first.
  process.once('exit', restore);
  opts.stdout.write(ALT_SCREEN_ON);
  try {
    app = render(<App {...props} />, { stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, exitOnCtrlC: false, patchConsole: false });
    await app.waitUntilExit();
  } finally {
    restore();
    process.off('exit', restore);
  }
}
