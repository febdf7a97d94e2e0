import { describe, expect, it, onTestFinished } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { cfgtrail, git } from '../helpers/cli.js';
import { replayStore } from '../helpers/tui-store.js';
import { KEY, renderApp } from '../helpers/tui-app.js';

/** The selected row of a frame (the one with the cursor). */
const selected = (frame: string) => frame.split('\n').find((l) => l.startsWith('> ')) ?? '';
const short = (subject: string) => subject.trim().slice(0, 24);
/** The status bar's `n/total`. */
const at = (frame: string) => /│ (\d+\/\d+) │/.exec(frame)?.[1] ?? '';

describe('tui: navigation', () => {
  it('shows the newest change first and moves with j/k, arrows, G/g and pages', async () => {
    const { dir, versions } = replayStore(14);
    const newest = [...versions].reverse();
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    let f = await app.until((x) => at(x) === '1/14' && x.includes('── diff against its parent'));
    expect(selected(f)).toContain(short(newest[0]!.subject));
    // the detail pane shows the selected change's record
    expect(f).toContain(`    ${newest[0]!.subject.trim()}`);
    await app.keys('j', KEY.down);
    f = await app.until((x) => at(x) === '3/14');
    expect(selected(f)).toContain(short(newest[2]!.subject));
    await app.keys('k');
    f = await app.until((x) => at(x) === '2/14');
    await app.keys('G');
    f = await app.until((x) => at(x) === '14/14');
    expect(selected(f)).toContain(short(newest[13]!.subject));
    // only the rows that fit are rendered: the newest is scrolled away at the bottom
    expect(f).not.toContain(short(newest[0]!.subject));
    await app.keys('g');
    f = await app.until((x) => at(x) === '1/14');
    await app.keys(KEY.pageDown);
    f = await app.until((x) => at(x) !== '1/14');
    const page = Number(at(f).split('/')[0]);
    expect(page).toBeGreaterThan(5);
    // keys that arrive together (a paste, fast typing) each count
    await app.keys('gjjj');
    await app.until((x) => at(x) === '4/14');
  });

  it('Tab moves the focus to the detail pane, where j/k scroll it', async () => {
    const { dir } = replayStore(3);
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    await app.until((x) => at(x) === '1/3');
    await app.keys('G'); // the first snapshot: its diff adds the whole file, longer than the pane
    const first = await app.until((x) => at(x) === '3/3' && x.includes('── diff against its parent'));
    const commitLine = first.split('\n').find((l) => l.startsWith('commit '))!;
    await app.keys(KEY.tab, 'j', 'j');
    const f = await app.until((x) => x.includes('[detail]') && !x.includes(commitLine));
    expect(f).toContain('j/k scroll');
    await app.keys(KEY.tab, 'k');
    await app.until((x) => at(x) === '2/3');
  });
});

describe('tui: history moving under it', () => {
  it('a snapshot made by another command appears on top; the selected change stays selected', async () => {
    const { dir } = replayStore(3);
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    await app.until((x) => at(x) === '1/3');
    await app.keys('j');
    const before = selected(await app.until((x) => at(x) === '2/3'));
    expect(cfgtrail(['snapshot', '-m', 'made elsewhere', '--allow-empty'], { cwd: dir }).code).toBe(0);
    const f = await app.until((x) => at(x) === '3/4');
    expect(selected(f)).toBe(before);
    expect(f).toContain('made elsewhere');
  });
});

describe('tui: filtering with log\'s filters', () => {
  it('filters by field, text and risk; a bad filter is one line and keeps the list', async () => {
    const { dir, versions } = replayStore(12, { riskEvery: 4 });
    const fieldChanges = JSON.parse(cfgtrail(['log', '--json', '--field', 'podAnnotations'], { cwd: dir }).stdout) as { title: string }[];
    expect(fieldChanges.length).toBeGreaterThan(0);
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    await app.until((x) => at(x) === '1/12');
    await app.keys('/', ...'field:podAnnotations', KEY.enter);
    let f = await app.until((x) => at(x) === `1/${fieldChanges.length}`);
    expect(f).toContain('filter: field:podAnnotations');
    expect(selected(f)).toContain(short(fieldChanges[0]!.title));
    // risk: every 4th change of the replay was recorded high
    await app.keys('/', '\x15', ...'risk:high', KEY.enter);
    f = await app.until((x) => x.includes('filter: risk:high') && at(x) === `1/${Math.ceil(12 / 4)}`);
    // free text, case-insensitive, as plain text (a '.' is no wildcard)
    const word = versions[5]!.subject.trim().split(' ').slice(1, 3).join(' ').toUpperCase();
    await app.keys('/', '\x15', ...word, KEY.enter);
    f = await app.until((x) => x.includes(`filter: ${word}`) && at(x) !== '1/3');
    expect(selected(f).toUpperCase()).toContain(word.slice(0, 10));
    // refused as log refuses --risk extreme; the list stays
    await app.keys('/', '\x15', ...'risk:extreme', KEY.enter);
    f = await app.until((x) => x.includes("cfgtrail: --risk must be one of low, medium, high, critical; got 'extreme'"));
    expect(selected(f).toUpperCase()).toContain(word.slice(0, 10));
    // Esc at the prompt keeps the filter in effect; an empty filter lists everything
    await app.keys('/', 'x', KEY.esc);
    await app.keys('/', '\x15', KEY.enter);
    await app.until((x) => at(x) === '1/12' && !x.includes('filter:'));
  });
});

describe('tui: diff toggle and drift', () => {
  it('d shows the selected revision against the live files; s shows the live drift', async () => {
    const { dir, versions } = replayStore(4);
    // an uncommitted edit on top of the newest version
    writeFileSync(join(dir, 'values.yaml'), `${readFileSync(versions[3]!.file, 'utf8')}\ntuiDriftProbe: 42\n`);
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    let f = await app.until((x) => x.includes('── diff against its parent') && x.includes('drift: 1 file(s)'));
    expect(f).not.toContain('tuiDriftProbe');
    await app.keys('d');
    f = await app.until((x) => x.includes('── diff against the live files'));
    expect(f).toContain('+ tuiDriftProbe: 42');
    await app.keys('d');
    await app.until((x) => x.includes('── diff against its parent'));
    await app.keys('s');
    f = await app.until((x) => x.includes('live drift') && x.includes('drift since'));
    expect(f).toContain('+ tuiDriftProbe: 42');
    await app.keys(KEY.esc);
    await app.until((x) => x.includes('── diff against its parent'));
  });
});

/** A real HTTP health endpoint on 127.0.0.1 that counts its probes. */
async function healthServer(): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, hits: () => hits };
}

describe('tui: rollback dialog', () => {
  it('plans, confirms, restarts and verifies with live progress; the rollback is in history', async () => {
    const { dir, versions } = replayStore(5);
    const store = join(dir, '.cfgtrail');
    const health = await healthServer();
    writeFileSync(join(store, 'settings.yaml'), [
      'services:',
      '  - name: chart',
      '    files: ["values.yaml"]',
      '    restart: { command: ["true"] }',
      `    health: [{ http: "http://127.0.0.1:${health.port}/health" }]`,
      '',
    ].join('\n'));
    const before = git(['--git-dir', store, 'rev-list', 'HEAD']).trim().split('\n');
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    await app.until((x) => at(x) === '1/5');
    await app.keys('j', 'j'); // versions[2]
    await app.until((x) => at(x) === '3/5');
    await app.keys('r');
    let f = await app.until((x) => x.includes('Roll back? y: yes'));
    expect(f).toContain(`Roll back to ${before[2]!.slice(0, 7)}`);
    expect(f).toMatch(/Restart.*chart|chart/);
    await app.keys('y');
    await app.until((x) => x.includes('Reason (recorded in the commit'));
    await app.keys(...'pool exhaustion', KEY.enter);
    f = await app.until((x) => x.includes('Done.') || x.includes('FAILED'), 20_000);
    expect(f).toContain('restart chart:');
    expect(f).toContain('verify chart:');
    expect(f).toContain(`Rolled back to ${before[2]!.slice(0, 7)}`);
    expect(f).toContain('Done.');
    expect(health.hits()).toBeGreaterThan(0);
    // native git: one new commit, recording the rollback, holding the target's file
    const after = git(['--git-dir', store, 'rev-list', 'HEAD']).trim().split('\n');
    expect(after.slice(1)).toEqual(before);
    expect(git(['--git-dir', store, 'log', '-1', '--format=%(trailers:key=Rollback-To,valueonly)']).trim()).toBe(before[2]);
    expect(git(['--git-dir', store, 'log', '-1', '--format=%(trailers:key=Reason,valueonly)']).trim()).toBe('pool exhaustion');
    expect(readFileSync(join(dir, 'values.yaml'))).toEqual(readFileSync(versions[2]!.file));
    expect(git(['--git-dir', store, 'notes', '--ref=cfgtrail', 'show', 'HEAD'])).toContain('# cfgtrail verification: passed');
    // closing the dialog: the list has the rollback on top, marked R and verified ✓; the selection stayed
    await app.keys(KEY.esc);
    f = await app.until((x) => at(x) === '4/6');
    await app.keys('g');
    f = await app.until((x) => at(x) === '1/6' && x.includes(`commit ${after[0]}`));
    expect(selected(f)).toMatch(new RegExp(`^> ${after[0]!.slice(0, 7)} .* R ?✓`));
  }, 60_000);

  it('n cancels: nothing changes', async () => {
    const { dir, versions } = replayStore(3);
    const store = join(dir, '.cfgtrail');
    const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    await app.until((x) => at(x) === '1/3');
    await app.keys('G', 'r');
    await app.until((x) => x.includes('Roll back? y: yes'));
    await app.keys('n');
    await app.until((x) => x.includes('── diff') && !x.includes('Roll back?'));
    await app.keys('k', 'v'); // the first snapshot has nothing before it to revert to
    await app.until((x) => x.includes('Revert? y: yes'));
    await app.keys(KEY.esc);
    await app.until((x) => !x.includes('Revert?'));
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD']).trim()).toBe(head);
    expect(readFileSync(join(dir, 'values.yaml'))).toEqual(readFileSync(versions[2]!.file));
  });

  it('shows why a rollback cannot go on: nothing to do, a revert conflict, a damaged lock file', async () => {
    const { dir, versions } = replayStore(3);
    const store = join(dir, '.cfgtrail');
    // two changes to one field: reverting the first conflicts with the second
    const newest = readFileSync(versions[2]!.file, 'utf8');
    for (const v of [1, 2]) {
      writeFileSync(join(dir, 'values.yaml'), `${newest}\ntuiConflict: ${v}\n`);
      expect(cfgtrail(['snapshot', '-m', `tuiConflict ${v}`], { cwd: dir }).code).toBe(0);
    }
    const app = renderApp(dir);
    onTestFinished(() => app.unmount());
    await app.until((x) => at(x) === '1/5');
    await app.keys('r'); // to HEAD itself
    await app.until((x) => x.includes('nothing to do: the live files already match that state'));
    await app.keys(KEY.enter);
    await app.keys('j', 'v');
    let f = await app.until((x) => x.includes('Settle them with cfgtrail revert --ours or --theirs.'));
    expect(f).toContain('tuiConflict');
    expect(f).toContain('Esc/Enter: close');
    await app.keys('y'); // no confirmation to give
    await app.keys(KEY.esc);
    await app.until((x) => !x.includes('Settle them'));
    // a file in the lock's place that is no lock: the apply fails with one line, nothing changes
    const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    writeFileSync(join(store, 'cfgtrail.lock'), 'not a lock\n');
    await app.keys('G', 'r');
    await app.until((x) => x.includes('Roll back? y: yes'));
    await app.keys('y', KEY.enter); // no reason given
    f = await app.until((x) => x.includes('FAILED'));
    expect(f).toMatch(/cfgtrail: .*cfgtrail\.lock/);
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD']).trim()).toBe(head);
  }, 60_000);
});

describe('tui: hostile text and colour', () => {
  it('shows a title with terminal escapes as text; NO_COLOR frames carry no colour codes', async () => {
    const { dir, versions } = replayStore(2);
    copyFileSync(versions[0]!.file, join(dir, 'values.yaml'));
    expect(cfgtrail(['snapshot', '-m', 'evil \x1b[2J\x1b]0;pwned\x07 title'], { cwd: dir }).code).toBe(0);
    const plain = renderApp(dir, { color: false });
    onTestFinished(() => plain.unmount());
    await plain.until((x) => x.includes('── diff'));
    const raw = plain.lastFrame()!;
    expect(raw).not.toContain('\x1b[2J');
    expect(raw).not.toContain('\x1b]0;');
    expect(raw).toContain('^[[2J');
    expect(raw).not.toMatch(/\x1b\[(3\d|9\d)m/); // no foreground colours
    const coloured = renderApp(dir, { color: true });
    onTestFinished(() => coloured.unmount());
    await coloured.until((x) => x.includes('── diff'));
    expect(coloured.lastFrame()).toMatch(/\x1b\[(3\d|9\d)m/);
  });
});
