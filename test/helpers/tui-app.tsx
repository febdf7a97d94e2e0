/** Rendering the TUI with ink-testing-library over a real store, with the real ports. */
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/App.js';
import { createBrowser } from '../../src/ops/browse.js';
import { openStore } from '../../src/core/store/open.js';
import { loadServices, realPorts } from '../../src/cli/wire.js';

export const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** The browser of the store in `dir`, as `cfgtrail tui` builds it (real processes, HTTP, clock). */
export function browserFor(dir: string) {
  const store = openStore(dir);
  return createBrowser(store, { services: loadServices(store), ...realPorts(), author: { name: 'TUI Tester', email: 'tui@example.com' }, now: Date.now, chown: false });
}

export type Rendered = ReturnType<typeof render> & {
  /** Resolves with the first frame (ANSI stripped) that `pred` accepts; fails with the last frame after `ms`. */
  until(pred: (frame: string) => boolean, ms?: number): Promise<string>;
  /** Types keys one at a time, as a person does. */
  keys(...keys: string[]): Promise<void>;
};

export const KEY = { up: '\x1b[A', down: '\x1b[B', pageDown: '\x1b[6~', pageUp: '\x1b[5~', enter: '\r', tab: '\t', esc: '\x1b', backspace: '\x7f' };

/** Renders the browser for the store in `dir`. */
export function renderApp(dir: string, opts: { color?: boolean; filter?: string } = {}): Rendered {
  const app = render(<App browser={browserFor(dir)} color={opts.color ?? false} filter={opts.filter ?? ''} />);
  const until = async (pred: (frame: string) => boolean, ms = 8000) => {
    const end = Date.now() + ms;
    for (;;) {
      const f = stripAnsi(app.lastFrame() ?? '');
      if (pred(f)) return f;
      if (Date.now() > end) throw new Error(`timed out; last frame:\n${f}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  };
  const keys = async (...ks: string[]) => {
    for (const k of ks) {
      app.stdin.write(k);
      // ink reads stdin on 'readable'; a lone ESC waits briefly for a sequence to follow it.
      await new Promise((r) => setTimeout(r, k === KEY.esc ? 60 : 15));
    }
  };
  return Object.assign(app, { until, keys });
}
