import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/App.js';
import { createBrowser } from '../../src/ops/browse.js';
import { openStore } from '../../src/core/store/open.js';
import { replayStore } from '../helpers/tui-store.js';

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** Ports for a store with no services: nothing is restarted or probed (a fake only where nothing would run). */
const noServices = {
  services: [],
  control: { restart: async () => { throw new Error('no service to restart'); } },
  probe: { check: async () => { throw new Error('no service to check'); } },
  clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
  author: { name: 'TUI Tester', email: 'tui@example.com' },
  now: () => Date.now(),
  chown: false,
};

async function until(frame: () => string | undefined, pred: (f: string) => boolean, ms = 5000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = stripAnsi(frame() ?? '');
    if (pred(f)) return f;
    if (Date.now() > end) throw new Error(`timed out; last frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tui: navigation', () => {
  it('j moves the selection', async () => {
    const { dir, versions } = replayStore(6);
    const browser = createBrowser(openStore(dir), noServices as never);
    const app = render(<App browser={browser} color={false} />);
    await until(app.lastFrame, (f) => f.includes('1/6'));
    app.stdin.write('j');
    const f = await until(app.lastFrame, (f) => f.includes('2/6'));
    expect(f).toContain(versions[4]!.subject.trim().slice(0, 20));
    app.unmount();
  });
});
