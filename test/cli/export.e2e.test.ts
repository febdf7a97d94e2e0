import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cfgtrail, configDir, git, gitIn } from '../helpers/cli.js';

/** A record as read back from YAML/JSON: the assertions below check its shape. */
type Rec = Record<string, any>;

function ok(dir: string, args: string[]): string {
  const r = cfgtrail(args, { cwd: dir });
  expect(r.stderr, `cfgtrail ${args.join(' ')}`).not.toMatch(/^cfgtrail:/m);
  expect(r.code, `cfgtrail ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

function edit(dir: string, file: string, from: string, to: string): void {
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
}

/** A snapshot; returns its Change-Id. */
function snap(dir: string, title: string, flags: string[] = []): string {
  const out = ok(dir, ['snapshot', '-m', title, ...flags]);
  return /Change-Id: (I[0-9a-f]{16})/.exec(out)![1]!;
}

/** The YAML record of `rev`. */
function yamlRecord(dir: string, rev = 'HEAD'): Rec {
  return parse(ok(dir, ['export', rev])) as Rec;
}

/** The record of `rev`, checked to be the same in YAML and JSON. */
function exported(dir: string, rev = 'HEAD'): Rec {
  const yaml = yamlRecord(dir, rev);
  // --json is the same record
  expect(JSON.parse(ok(dir, ['export', rev, '--json']))).toEqual(yaml);
  return yaml;
}

const STORE = '.cfgtrail';

/** A store over the example with one first snapshot. */
function store(settings?: string): string {
  const dir = configDir('example');
  ok(dir, ['init']);
  if (settings !== undefined) writeFileSync(join(dir, STORE, 'settings.yaml'), settings);
  writeFileSync(join(dir, 'myapp.env'), 'LISTEN=0.0.0.0\nDB_PASSWORD=hunter2-old\nWORKERS=4\n');
  snap(dir, 'first');
  return dir;
}

describe('export: the four things it got wrong', () => {
  it('text files list their changed lines (redacted), modes appear, the command undoes only this change', () => {
    const dir = store();
    edit(dir, 'myapp.env', 'DB_PASSWORD=hunter2-old\nWORKERS=4', 'DB_PASSWORD=hunter2-new\nWORKERS=8');
    writeFileSync(join(dir, 'nginx.conf'), 'worker_processes 4;\n');
    chmodSync(join(dir, 'limits.json'), 0o600);
    const id = snap(dir, 'env, nginx and limits');
    const out = ok(dir, ['export']);
    expect(out).not.toContain('hunter2');
    const rec = yamlRecord(dir);
    const files = Object.fromEntries((rec.files_modified as Rec[]).map((f) => [f.path, f]));
    expect(files['myapp.env']!.changes).toHaveLength(2);
    expect(files['myapp.env']!.changes[0]).toMatchObject({ line: 2, from: expect.stringMatching(/^DB_PASSWORD=<redacted:\w+>$/), to: expect.stringMatching(/^DB_PASSWORD=<redacted:\w+>$/) });
    expect(files['myapp.env']!.changes[1]).toEqual({ line: 3, from: 'WORKERS=4', to: 'WORKERS=8' });
    expect(files['nginx.conf']).toEqual({ path: 'nginx.conf', status: 'added', changes: [{ line: 1, to: 'worker_processes 4;' }] });
    expect(files['limits.json']).toEqual({ path: 'limits.json', status: 'mode', mode: { from: '0644', to: '0600' }, changes: [] });
    expect(rec.rollback_info.command).toBe(`cfgtrail revert ${id}`);
    expect(out).toContain(`command: cfgtrail revert ${id}\n`);
    expect(out).not.toContain('cfgtrail rollback');
    // --show-secrets still shows them, as everywhere else
    expect(ok(dir, ['export', '--show-secrets'])).toContain('DB_PASSWORD=hunter2-new');
  });

  it('a rollback shows its chain: Rollback-To, Rollback-Of, Pre-Rollback-Snapshot', () => {
    const dir = store();
    const first = git(['--git-dir', join(dir, STORE), 'rev-parse', 'HEAD']).trim();
    edit(dir, 'config.yaml', 'max: 20', 'max: 30');
    const a = snap(dir, 'A');
    edit(dir, 'config.yaml', 'min: 5', 'min: 6');
    const b = snap(dir, 'B');
    edit(dir, 'config.yaml', 'port: 8080', 'port: 8081'); // drift, saved before the rollback
    ok(dir, ['rollback', first, '-y', '-m', 'bad pool']);
    const rec = yamlRecord(dir);
    const pre = gitIn(join(dir, STORE), ['log', '-1', '--format=%(trailers:key=Pre-Rollback-Snapshot,valueonly)']).trim();
    expect(pre).toMatch(/^[0-9a-f]{40}$/);
    expect(rec.rollback_info).toMatchObject({
      is_rollback: true,
      rolls_back_to: first,
      rolls_back: expect.arrayContaining([a, b]),
      partially_rolls_back: [],
      reverts: [],
      pre_rollback_snapshot: pre,
    });
    expect(rec.rollback_info.rolls_back).toHaveLength(2);
    expect(rec.other_trailers).toEqual([{ key: 'Reason', value: 'bad pool' }]);
  });
});

describe('export: rollback_info.command, run as given', () => {
  it('undoes only that change and keeps the later ones; the revert shows in the records', () => {
    const dir = store();
    edit(dir, 'config.yaml', 'max: 20', 'max: 30');
    const a = snap(dir, 'A');
    edit(dir, 'config.yaml', 'min: 5', 'min: 6');
    const b = snap(dir, 'B', ['--depends-on', a]);
    const command = (yamlRecord(dir, a).rollback_info.command as string).split(' ');
    expect(command.slice(0, 2)).toEqual(['cfgtrail', 'revert']);
    const r = cfgtrail([...command.slice(1), '-y', '--force'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const config = readFileSync(join(dir, 'config.yaml'), 'utf8');
    expect(config).toContain('max: 20'); // A undone
    expect(config).toContain('min: 6'); // B kept
    const rec = exported(dir);
    expect(rec.rollback_info.reverts).toEqual([a]);
    expect(rec.other_trailers).toEqual(expect.arrayContaining([{ key: 'Forced', value: 'depends-on check overridden' }]));
    expect(exported(dir, b).dependencies[0]).toMatchObject({ change_id: a, in_effect: false, status: 'reverted', undone_by: rec.id });
  });
});

describe('export: the change-record template', () => {
  it('snapshot records testing, impact, downtime and the approval time as trailers git reads', () => {
    const dir = store();
    edit(dir, 'config.yaml', 'max: 20', 'max: 30');
    snap(dir, 'Pool', [
      '--tested', 'staging: passed', '--tested', 'load test: p99 120ms', '--impact', 'API pods restart one by one',
      '--downtime', '90s', '--approved-by', 'Bob <bob@example.com>', '--approved-at', 'Mon, 23 Nov 2026 17:55:45 +0100', '--risk', 'medium',
    ]);
    const message = gitIn(join(dir, STORE), ['log', '-1', '--format=%B']);
    const parsed = git(['interpret-trailers', '--parse'], undefined, message);
    expect(parsed).toContain('Approved-At: 2026-11-23T17:55:45+01:00\nTested: staging: passed\nTested: load test: p99 120ms\nImpact: API pods restart one by one\nDowntime: 90s\n');
    const rec = exported(dir);
    expect(rec.impact_assessment).toEqual({ risk: 'medium', impact: 'API pods restart one by one', downtime: '90s', downtime_ms: 90_000 });
    expect(rec.testing.pre_change).toEqual([{ environment: 'staging', result: 'passed' }, { environment: 'load test', result: 'p99 120ms' }]);
    expect(rec.testing.post_change).toEqual({ status: 'not verified' });
    expect(rec.approval).toEqual({ approved_by: ['Bob <bob@example.com>'], approved: true, approved_at: '2026-11-23T17:55:45+01:00', approved_at_source: 'Approved-At trailer' });
    expect(rec.other_trailers).toEqual([]);
  });

  it.each<[string, string[], RegExp]>([
    ['a downtime that is no duration', ['--downtime', '5 minutes'], /--downtime must be a duration/],
    ['a bare number as downtime', ['--downtime', '30'], /--downtime must be a duration/],
    ['an approval time without an approver', ['--approved-at', '2026-11-23T10:00:00Z'], /--approved-at needs --approved-by/],
    ['an unreadable approval time', ['--approved-by', 'Bob', '--approved-at', 'last tuesday'], /--approved-at: cannot read the date/],
    ['an empty test record', ['--tested', ' '], /--tested needs a value/],
  ])('refuses %s, recording nothing', (_name, flags, message) => {
    const dir = store();
    edit(dir, 'config.yaml', 'max: 20', 'max: 30');
    const head = gitIn(join(dir, STORE), ['rev-parse', 'HEAD']);
    const r = cfgtrail(['snapshot', '-m', 'x', ...flags], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(gitIn(join(dir, STORE), ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('components with type and environment from settings; dependencies with whether each is still in effect', () => {
    const dir = store('components:\n  database: { type: postgres, environment: production }\n');
    edit(dir, 'config.yaml', 'max: 20', 'max: 30');
    const a = snap(dir, 'A', ['--component', 'database', '--component', 'api']);
    edit(dir, 'config.yaml', 'min: 5', 'min: 6');
    const b = snap(dir, 'B', ['--depends-on', a, '--depends-on', 'I0123456789abcdef']);
    let rec = exported(dir, a);
    expect(rec.affected_components).toEqual([
      { name: 'database', type: 'postgres', environment: 'production' },
      { name: 'api', type: null, environment: null },
    ]);
    rec = exported(dir, b);
    const aCommit = gitIn(join(dir, STORE), ['rev-parse', 'HEAD~1']).trim();
    expect(rec.dependencies).toEqual([
      { change_id: a, relationship: 'depends-on', in_effect: true, status: 'in effect', commit: aCommit, undone_by: null },
      { change_id: 'I0123456789abcdef', relationship: 'depends-on', in_effect: false, status: 'unknown change', commit: null, undone_by: null },
    ]);
    // undo A (and B with it): B's record now says its dependency is rolled back, and by which change
    ok(dir, ['rollback', 'HEAD~2', '-y']);
    const rollbackId = gitIn(join(dir, STORE), ['log', '-1', '--format=%(trailers:key=Change-Id,valueonly)']).trim();
    rec = exported(dir, b);
    expect(rec.dependencies[0]).toEqual({ change_id: a, relationship: 'depends-on', in_effect: false, status: 'rolled back', commit: null, undone_by: rollbackId });
    // and rolling forward again to B's state restores it
    ok(dir, ['rollback', b, '-y']);
    expect(exported(dir, b).dependencies[0]).toMatchObject({ change_id: a, in_effect: true, status: 'in effect', commit: aCommit });
  });

  it('post_change is the verification note; the rollback time is the median of measured rollbacks, never invented', () => {
    const sh = (script: string) => `["/bin/sh", "-c", "${script}"]`;
    const dir = store(`services:\n  - name: app\n    files: ["config.yaml"]\n    restart: { command: ${sh('sleep 0.2')} }\n    health:\n      - command: ${sh('exit 0')}\n`);
    edit(dir, 'config.yaml', 'max: 20', 'max: 30');
    snap(dir, 'A');
    expect(exported(dir).rollback_info).toMatchObject({ estimated_rollback_time: 'no measurement yet', estimate_basis: null });
    ok(dir, ['verify']);
    const verified = exported(dir).testing.post_change;
    expect(verified).toMatchObject({ status: 'passed', kind: 'manual', services: [{ name: 'app', ok: true, checks: [{ ok: true, attempts: 1 }] }] });
    expect(Date.parse(verified.at)).toBeGreaterThan(0);

    ok(dir, ['rollback', 'HEAD~1', '-y']);
    const rollback = gitIn(join(dir, STORE), ['rev-parse', 'HEAD']).trim();
    const note = parse(gitIn(join(dir, STORE), ['notes', '--ref=cfgtrail', 'show', rollback])) as Rec;
    const measured = (note.services as Rec[]).reduce((sum, s) => sum + s.restart.durationMs + (s.checks as Rec[]).reduce((n, c) => n + c.durationMs, 0), 0);
    expect(measured).toBeGreaterThanOrEqual(200);
    const rec = exported(dir, 'HEAD~1');
    expect(rec.rollback_info.estimate_basis).toEqual({ median_ms: measured, rollbacks: [rollback], services: ['app'] });
    expect(rec.rollback_info.estimated_rollback_time).toMatch(/^\d+ ms$|^\d+(\.\d)? s$/);
    // the rollback's own record carries its verification
    expect(exported(dir).testing.post_change).toMatchObject({ status: 'passed', kind: 'rollback', services: [{ name: 'app', restart: { ok: true } }] });
  });

  it('reverts are measured too: the median of two undo operations is their mean', () => {
    const sh = (script: string) => `["/bin/sh", "-c", "${script}"]`;
    const dir = store(`services:\n  - name: app\n    files: ["config.yaml"]\n    restart: { command: ${sh('sleep 0.1')} }\n`);
    edit(dir, 'config.yaml', 'max: 20', 'max: 30');
    snap(dir, 'A');
    edit(dir, 'config.yaml', 'min: 5', 'min: 6');
    const b = snap(dir, 'B');
    ok(dir, ['revert', b, '-y']);
    const revert = gitIn(join(dir, STORE), ['rev-parse', 'HEAD']).trim();
    ok(dir, ['rollback', 'HEAD~3', '-y']); // to the first snapshot: undoes A
    const rollback = gitIn(join(dir, STORE), ['rev-parse', 'HEAD']).trim();
    const ms = (commit: string) => {
      const note = parse(gitIn(join(dir, STORE), ['notes', '--ref=cfgtrail', 'show', commit])) as Rec;
      expect(note.kind).toBe('rollback');
      return (note.services as Rec[]).reduce((sum, s) => sum + s.restart.durationMs, 0);
    };
    const basis = exported(dir, 'HEAD~3').rollback_info.estimate_basis;
    expect(basis).toEqual({ median_ms: Math.round((ms(revert) + ms(rollback)) / 2), rollbacks: [rollback, revert], services: ['app'] });
  });

  it('export A..B is the change log of a release, oldest first, the same in JSON', () => {
    const dir = store();
    const ids: string[] = [];
    for (const n of [30, 40, 50]) {
      edit(dir, 'config.yaml', `max: ${n - 10}`, `max: ${n}`);
      ids.push(snap(dir, `max ${n}`));
    }
    const text = ok(dir, ['export', 'HEAD~3..HEAD']);
    const list = parse(text) as Rec[];
    expect(list.map((r) => r.id)).toEqual(ids);
    expect(list.map((r) => r.files_modified[0].changes[0])).toEqual([
      { field: 'database.pool.max', from: 20, to: 30 },
      { field: 'database.pool.max', from: 30, to: 40 },
      { field: 'database.pool.max', from: 40, to: 50 },
    ]);
    expect(JSON.parse(ok(dir, ['export', 'HEAD~3..HEAD', '--json']))).toEqual(list);
    expect(parse(ok(dir, ['export', `${ids[0]}..${ids[2]}`])).map((r: Rec) => r.id)).toEqual(ids.slice(1));
  });
});
