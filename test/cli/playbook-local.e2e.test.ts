/**
 * `cfgtrail playbook` through bin/ on a store whose service restarts with a
 * command (no supervisord): the refusals (bad flags, nothing verified good, a
 * target whose objects do not read cleanly; one line on stderr, its exit
 * code, store and files untouched), and who is told when it runs.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfgtrail, cfgtrailAsync, gitIn, tempDir } from '../helpers/cli.js';

/** A store whose first snapshot was marked good and whose second changed app.yaml. */
function storeWithBadChange(markGood = true): { dir: string; store: string } {
  const dir = tempDir('cfgtrail-playbook-refusals-');
  writeFileSync(join(dir, 'app.yaml'), 'pool: 10\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), 'services:\n  - name: app\n    files: ["app.yaml"]\n    restart: { command: ["true"] }\n');
  expect(cfgtrail(['snapshot', '-m', 'Good'], { cwd: dir }).code).toBe(0);
  if (markGood) expect(cfgtrail(['mark-good'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'app.yaml'), 'pool: 5000\n');
  expect(cfgtrail(['snapshot', '-m', 'Bad'], { cwd: dir }).code).toBe(0);
  return { dir, store: join(dir, '.cfgtrail') };
}

function expectOneLine(r: { code: number; stderr: string }, code: number, text: RegExp): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('cfgtrail playbook refusals', () => {
  it('bad flags, an unknown service and a missing kind exit 5 with one line, changing nothing', () => {
    const { dir, store } = storeWithBadChange();
    const head = gitIn(store, ['rev-parse', 'HEAD']);
    const cases: [string[], RegExp][] = [
      [['playbook'], /^cfgtrail: playbook: say which one: emergency, selective, gradual$/],
      [['playbook', 'panic'], /say which one: .* \(not 'panic'\)/],
      [['playbook', 'selective', '--yes'], /needs --service NAME or --file PATH/],
      [['playbook', 'emergency', '--service', 'app', '--yes'], /--service and --file belong to 'playbook selective'/],
      [['playbook', 'selective', '--service', 'nope', '--yes'], /unknown service 'nope': settings.yaml lists app/],
      [['playbook', 'gradual', '--yes'], /'playbook gradual' needs --instances FILE or --instances-cmd CMD/],
      [['playbook', 'emergency', '--instances', 'x.txt', '--yes'], /--instances\/--instances-cmd belong to 'playbook gradual'/],
    ];
    for (const [argv, text] of cases) expectOneLine(cfgtrail(argv, { cwd: dir }), 5, text);
    expect(gitIn(store, ['rev-parse', 'HEAD'])).toBe(head);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 5000\n');
  });

  it('nothing verified good yet: exit 4; without --yes and no terminal: exit 13 after the checklist', () => {
    const fresh = storeWithBadChange(false);
    expectOneLine(cfgtrail(['playbook', 'emergency', '--yes'], { cwd: fresh.dir }), 4, /no revision has passed verification yet/);
    const { dir } = storeWithBadChange();
    const r = cfgtrail(['playbook', 'emergency'], { cwd: dir });
    expectOneLine(r, 13, /not running the emergency playbook without confirmation: run with --yes/);
  });

  it('a target whose file does not read cleanly (a corrupt object) is refused before anything changes', () => {
    const { dir, store } = storeWithBadChange();
    const blob = gitIn(store, ['rev-parse', 'HEAD~1:app.yaml']).trim();
    const path = join(store, 'objects', blob.slice(0, 2), blob.slice(2));
    writeFileSync(path, Buffer.from('not a zlib stream at all'));
    const head = gitIn(store, ['rev-parse', 'HEAD']);
    const r = cfgtrail(['playbook', 'emergency', '--yes'], { cwd: dir });
    expect(r.stderr).toMatch(/\[FAIL\] target: [0-9a-f]{7} does not read cleanly: /);
    expectOneLine(r, 13, /playbook emergency refused: target failed/);
    expect(gitIn(store, ['rev-parse', 'HEAD'])).toBe(head);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 5000\n');
  });

  it('a refusing pre-rollback hook stops the playbook before the freeze (exit 16); an unwritable --report dir before anything (exit 8)', () => {
    const { dir, store } = storeWithBadChange();
    const head = gitIn(store, ['rev-parse', 'HEAD']);
    mkdirSync(join(store, 'hooks'), { recursive: true });
    const out = tempDir();
    writeFileSync(join(store, 'hooks', 'pre-rollback'), `#!/bin/sh\ncat > '${out}/pre.json'\necho "change board says no" >&2\nexit 1\n`);
    chmodSync(join(store, 'hooks', 'pre-rollback'), 0o755);
    expectOneLine(cfgtrail(['playbook', 'emergency', '--yes'], { cwd: dir }), 16, /^cfgtrail: the pre-rollback hook refused the rollback \(exit 1: change board says no\); nothing was changed$/);
    expect(JSON.parse(readFileSync(join(out, 'pre.json'), 'utf8'))).toMatchObject({ action: 'rollback' });
    expect(gitIn(store, ['rev-parse', 'HEAD'])).toBe(head);
    expect(cfgtrail(['snapshot', '--allow-empty', '-m', 'not frozen'], { cwd: dir }).code).toBe(0);
    const fileInTheWay = join(out, 'file');
    writeFileSync(fileInTheWay, '');
    rmSync(join(store, 'hooks', 'pre-rollback'));
    const head2 = gitIn(store, ['rev-parse', 'HEAD']);
    expectOneLine(cfgtrail(['playbook', 'emergency', '--yes', '--report', join(fileInTheWay, 'sub')], { cwd: dir }), 8, /^cfgtrail: --report .*: (ENOTDIR|EEXIST); nothing was changed$/);
    expect(gitIn(store, ['rev-parse', 'HEAD'])).toBe(head2);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 5000\n');
  });

  it('emergency: a plan that changed between the confirmation and the rollback is not applied; the freeze stays, the record says it failed', () => {
    const { dir, store } = storeWithBadChange();
    mkdirSync(join(store, 'hooks'), { recursive: true });
    // the hook approves, but a new file appears before the rollback is applied: the plan shown is no longer the plan
    writeFileSync(join(store, 'hooks', 'pre-rollback'), `#!/bin/sh\nprintf 'x: 1\\n' > '${join(dir, 'extra.yaml')}'\n`);
    chmodSync(join(store, 'hooks', 'pre-rollback'), 0o755);
    const reports = tempDir();
    const r = cfgtrail(['playbook', 'emergency', '--yes', '--report', reports], { cwd: dir });
    expectOneLine(r, 13, /^cfgtrail: the live files or the history changed after the plan was confirmed: nothing was rolled back \(the freeze [0-9a-f]{7} stays\); run the playbook again to see the new plan$/);
    expect(r.stderr).toMatch(/^playbook emergency INC-\S+ failed; incident record: \S+\.md, \S+\.json; changes stay frozen until `cfgtrail unfreeze`$/m);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 5000\n');
    expect(cfgtrail(['snapshot', '-m', 'while frozen'], { cwd: dir }).code).toBe(15);
    const json = readFileSync(join(reports, readdirSync(reports).find((f) => f.endsWith('.json'))!), 'utf8');
    expect(JSON.parse(json)).toMatchObject({ outcome: 'failed' });
  });

  it('--dry-run prints the checklist, the steps and the plan, and changes nothing', () => {
    const { dir, store } = storeWithBadChange();
    const head = gitIn(store, ['rev-parse', 'HEAD']);
    const r = cfgtrail(['playbook', 'emergency', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Pre-rollback checklist:\n {2}\[ok {2}\] incident-window: 1 change since /);
    expect(r.stdout).toMatch(/^Playbook emergency INC-\S+: freeze changes; roll back every file to the last good revision [0-9a-f]{7} \(Good\); restart and verify app; notify; record\. The freeze stays until 'cfgtrail unfreeze'\.$/m);
    expect(r.stdout).toContain('pool: 5000 → 10');
    expect(gitIn(store, ['rev-parse', 'HEAD'])).toBe(head);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 5000\n');
    expect(cfgtrail(['playbook', '--history'], { cwd: dir }).stdout).toBe('no playbook has been run\n');
  });

  it('the live files already at last-good: nothing to do (exit 10)', () => {
    const { dir } = storeWithBadChange();
    writeFileSync(join(dir, 'app.yaml'), 'pool: 10\n');
    expectOneLine(cfgtrail(['playbook', 'emergency', '--yes'], { cwd: dir }), 10, /nothing to do: the live files already match the last good revision/);
  });
});

describe('cfgtrail playbook notifies', () => {
  it('sends a playbook alert to watch.alerts (a real command target), names it in the checklist, and the record lists it', () => {
    const { dir, store } = storeWithBadChange();
    const paged = join(tempDir(), 'paged.jsonl');
    writeFileSync(join(store, 'settings.yaml'), `${readFileSync(join(store, 'settings.yaml'), 'utf8')}watch:\n  metrics: []\n  alerts:\n    - command: ["sh", "-c", "cat >> ${paged}"]\n`);
    const r = cfgtrail(['playbook', 'emergency', '--yes', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[ok {2}\] notify: notified: command sh/);
    const rec = JSON.parse(r.stdout) as { id: string; outcome: string; timeline: { step: string; detail: string }[] };
    const alert = JSON.parse(readFileSync(paged, 'utf8')) as { event: string; summary: string; details: { id: string; outcome: string } };
    expect([alert.event, alert.details.id, alert.details.outcome]).toEqual(['playbook', rec.id, 'recovered']);
    expect(alert.summary).toMatch(new RegExp(`playbook emergency ${rec.id}: recovered; rolled back 1 file to [0-9a-f]{7}; changes stay frozen until unfreeze`));
    expect(rec.timeline.find((t) => t.step === 'notify')?.detail).toMatch(/^told command sh/);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 10\n');
    const hist = cfgtrail(['playbook', '--history', '--json'], { cwd: dir });
    expect((JSON.parse(hist.stdout) as { id: string; kind: string; outcome: string }[]).map((h) => [h.id, h.kind, h.outcome])).toEqual([[rec.id, 'emergency', 'recovered']]);
  });
});

describe('cfgtrail playbook races', () => {
  it('two emergency playbooks at once: one rolls back, the other ends in one line; one rollback commit, native git fsck clean', async () => {
    const { dir, store } = storeWithBadChange();
    // a restart that takes a moment, so the second run arrives while the first holds the rollback
    writeFileSync(join(store, 'settings.yaml'), 'services:\n  - name: app\n    files: ["app.yaml"]\n    restart: { command: ["sleep", "0.5"] }\n');
    const runs = await Promise.all([0, 100].map(async (delay) => {
      await new Promise((r) => setTimeout(r, delay));
      return cfgtrailAsync(['playbook', 'emergency', '--yes'], { cwd: dir });
    }));
    const codes = runs.map((r) => r.code).sort();
    expect(codes[0]).toBe(0);
    expect([6, 10, 13]).toContain(codes[1]);
    const loser = runs.find((r) => r.code !== 0)!;
    expect(loser.stderr.trim().split('\n').at(-1)).toMatch(/^cfgtrail: /);
    expect(loser.stderr).not.toMatch(/\n\s+at /);
    const titles = gitIn(store, ['log', '--format=%s']).split('\n');
    expect(titles.filter((t) => t.startsWith('Rollback to'))).toHaveLength(1);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 10\n');
    gitIn(store, ['fsck', '--strict']);
  });
});
