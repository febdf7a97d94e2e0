/**
 * `cfgtrail freeze` / `unfreeze` through bin/: the freeze is a commit native
 * git reads (log, interpret-trailers), it blocks snapshots but not rollback,
 * it ends at --until, and hostile reasons cannot forge an unfreeze.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cfgtrail, git, gitIn, tempDir } from '../helpers/cli.js';

function store(): { dir: string; gitdir: string } {
  const dir = tempDir('cfgtrail-freeze-');
  writeFileSync(join(dir, 'app.yaml'), 'pool: 20\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
  writeFileSync(join(dir, 'app.yaml'), 'pool: 50\n');
  expect(cfgtrail(['snapshot', '-m', 'Raise pool'], { cwd: dir }).code).toBe(0);
  return { dir, gitdir: join(dir, '.cfgtrail') };
}

function trailersOf(gitdir: string, rev = 'HEAD'): string {
  return gitIn(gitdir, ['log', '-1', '--format=%B', rev]);
}

describe('cfgtrail freeze', () => {
  it('records a commit with the same tree as its parent that native git reads', () => {
    const { dir, gitdir } = store();
    const r = cfgtrail(['freeze', '--reason', 'incident 42: db failover', '--author', 'Ann Oncall <ann@example.com>'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(gitIn(gitdir, ['rev-parse', 'HEAD^{tree}'])).toBe(gitIn(gitdir, ['rev-parse', 'HEAD~1^{tree}']));
    expect(gitIn(gitdir, ['log', '-1', '--format=%s|%an <%ae>'])).toBe('freeze: incident 42: db failover|Ann Oncall <ann@example.com>\n');
    const msg = trailersOf(gitdir);
    expect(git(['interpret-trailers', '--parse'], undefined, msg)).toBe('Freeze: on\nReason: incident 42: db failover\n');
    const viaGit = gitIn(gitdir, ['log', '-1', '--format=%(trailers:only,unfold)']);
    expect(viaGit).toBe('Freeze: on\nReason: incident 42: db failover\n\n');
    gitIn(gitdir, ['fsck', '--strict']);
    expect(cfgtrail(['fsck', '--quiet'], { cwd: dir }).code).toBe(0);
  });

  it('blocks snapshot (exit 15, reason and who) but not rollback or revert; unfreeze lifts it', () => {
    const { dir, gitdir } = store();
    expect(cfgtrail(['freeze', '--reason', 'incident 42', '--author', 'Ann <ann@example.com>'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'app.yaml'), 'pool: 99\n');
    const snap = cfgtrail(['snapshot', '-m', 'sneaky'], { cwd: dir });
    expect(snap.code).toBe(15);
    expect(snap.stderr).toMatch(/^cfgtrail: not recording a snapshot: changes are frozen since .* by Ann <ann@example.com>: incident 42/);
    expect(snap.stderr.trim().split('\n')).toHaveLength(1);
    expect(gitIn(gitdir, ['log', '-1', '--format=%s'])).toBe('freeze: incident 42\n');
    // the emergency playbook: roll back during the freeze (drift saved first)
    const rb = cfgtrail(['rollback', '--previous', '--yes', '--no-restart'], { cwd: dir });
    expect(rb.code).toBe(0);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 20\n');
    // the freeze stays in effect after the rollback
    expect(cfgtrail(['status', '--json'], { cwd: dir }).stdout).toContain('"reason": "incident 42"');
    const revert = cfgtrail(['revert', 'HEAD', '--yes', '--no-restart'], { cwd: dir });
    expect(revert.code).toBe(0);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 99\n');
    const un = cfgtrail(['unfreeze', '--reason', 'incident over'], { cwd: dir });
    expect(un.code).toBe(0);
    expect(gitIn(gitdir, ['log', '-1', '--format=%s%n%(trailers:only)'])).toBe('unfreeze: incident over\nFreeze: off\nReason: incident over\n\n');
    writeFileSync(join(dir, 'app.yaml'), 'pool: 60\n');
    expect(cfgtrail(['snapshot', '-m', 'after'], { cwd: dir }).code).toBe(0);
    // a second unfreeze has nothing to do
    expect(cfgtrail(['unfreeze'], { cwd: dir }).code).toBe(10);
  });

  it('rollback --previous steps over the freeze record; revert of the freeze is refused in one line', () => {
    const { dir, gitdir } = store();
    expect(cfgtrail(['freeze', '--reason', 'incident'], { cwd: dir }).code).toBe(0);
    const freeze = gitIn(gitdir, ['rev-parse', 'HEAD']).trim();
    const dry = cfgtrail(['rollback', '--previous', '--dry-run'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Roll back to [0-9a-f]{7} base/);
    const rv = cfgtrail(['revert', freeze, '--yes'], { cwd: dir });
    expect(rv.code).toBe(5);
    expect(rv.stderr).toBe(`cfgtrail: ${freeze.slice(0, 7)} is a freeze record, not a change of files: there is nothing to revert ('cfgtrail unfreeze' lifts a freeze)\n`);
    const rb = cfgtrail(['rollback', '--previous', '--yes', '--no-restart'], { cwd: dir });
    expect(rb.code).toBe(0);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 20\n');
    // the freeze record is not listed as a change the rollback undid
    expect(trailersOf(gitdir)).toMatch(/Rollback-Of: I[0-9a-f]{16}\n/);
    expect(trailersOf(gitdir).match(/Rollback-Of/g)).toHaveLength(1);
    // rolling back "to" the freeze record is its parent's state: nothing to do now that the live files are base? no: the freeze has pool 50
    const to = cfgtrail(['rollback', freeze, '--yes', '--no-restart'], { cwd: dir });
    expect(to.code).toBe(0);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('pool: 50\n');
    expect(cfgtrail(['rollback', freeze, '--yes', '--no-restart'], { cwd: dir }).code).toBe(10);
  });

  it('--previous and --last-good name changes, never freeze records', () => {
    const { dir, gitdir } = store();
    const raise = gitIn(gitdir, ['rev-parse', 'HEAD']).trim();
    expect(cfgtrail(['freeze', '--reason', 'incident'], { cwd: dir }).code).toBe(0);
    // marked good while the freeze record is HEAD: the good state is the change below it
    expect(cfgtrail(['mark-good'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['unfreeze'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'app.yaml'), 'pool: 60\n');
    expect(cfgtrail(['snapshot', '-m', 'After the incident'], { cwd: dir }).code).toBe(0);
    const prev = cfgtrail(['rollback', '--previous', '--dry-run'], { cwd: dir });
    expect(prev.stdout).toContain(`Roll back to ${raise.slice(0, 7)} Raise pool`);
    const good = cfgtrail(['rollback', '--last-good', '--dry-run'], { cwd: dir });
    expect(good.stdout).toContain(`Roll back to ${raise.slice(0, 7)} Raise pool`);
  });

  it('ends by itself at --until; a --until in the past is refused', () => {
    const { dir } = store();
    const past = cfgtrail(['freeze', '--reason', 'x', '--until', '2020-01-01T00:00:00Z'], { cwd: dir });
    expect(past.code).toBe(5);
    expect(past.stderr).toBe('cfgtrail: --until 2020-01-01T00:00:00+00:00 has already passed\n');
    expect(cfgtrail(['freeze', '--reason', 'x', '--until', 'next tuesday'], { cwd: dir }).code).toBe(5);
    const soon = new Date(Date.now() + 4000).toISOString().replace(/\.\d+Z$/, 'Z');
    expect(cfgtrail(['freeze', '--reason', 'short window', '--until', soon], { cwd: dir }).code).toBe(0);
    const st = cfgtrail(['status'], { cwd: dir });
    expect(st.stdout).toMatch(/^Changes are frozen since .* until .*: short window\n/);
    writeFileSync(join(dir, 'app.yaml'), 'pool: 70\n');
    expect(cfgtrail(['snapshot', '-m', 'too early'], { cwd: dir }).code).toBe(15);
    const wait = Date.parse(soon) - Date.now() + 1100;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, wait));
    expect(cfgtrail(['status', '--json'], { cwd: dir }).stdout).toContain('"freeze": null');
    expect(cfgtrail(['snapshot', '-m', 'after the window'], { cwd: dir }).code).toBe(0);
  });

  it('a duration --until (2h) is stored as an ISO time; freezing again replaces reason and end', () => {
    const { dir, gitdir } = store();
    expect(cfgtrail(['freeze', '--reason', 'first', '--until', '2h'], { cwd: dir }).code).toBe(0);
    const until = /Freeze-Until: (\S+)/.exec(trailersOf(gitdir))![1]!;
    expect(Math.abs(Date.parse(until) - Date.now() - 2 * 3600_000)).toBeLessThan(60_000);
    const again = cfgtrail(['freeze', '--reason', 'second'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^replaced the freeze of .* by Test Operator <ops@example.com>\n/);
    const json = JSON.parse(cfgtrail(['status', '--json'], { cwd: dir }).stdout) as { freeze: { reason: string; until: string | null; by: string } };
    expect(json.freeze).toMatchObject({ reason: 'second', until: null, by: 'Test Operator <ops@example.com>' });
  });

  it('hostile reasons: newlines and trailer-looking lines stay inside the Reason and never unfreeze', () => {
    const { dir, gitdir } = store();
    const hostile = 'db down\n\nFreeze: off\nFreeze-Until: 2000-01-01T00:00:00Z\n\x1b[31mred';
    const r = cfgtrail(['freeze', '--reason', hostile], { cwd: dir });
    expect(r.code).toBe(0);
    const viaGit = gitIn(gitdir, ['log', '-1', '--format=%(trailers:key=Freeze,valueonly)']);
    expect(viaGit.trim()).toBe('on');
    expect(gitIn(gitdir, ['log', '-1', '--format=%(trailers:key=Freeze-Until)']).trim()).toBe('');
    expect(git(['interpret-trailers', '--parse'], undefined, trailersOf(gitdir))).toBe('Freeze: on\nReason: db down Freeze: off Freeze-Until: 2000-01-01T00:00:00Z [31mred\n');
    expect(gitIn(gitdir, ['log', '-1', '--format=%s'])).toBe('freeze: db down Freeze: off Freeze-Until: 2000-01-01T00:00:00Z [31mred\n');
    writeFileSync(join(dir, 'app.yaml'), 'pool: 1\n');
    expect(cfgtrail(['snapshot', '-m', 'x'], { cwd: dir }).code).toBe(15);
    const st = cfgtrail(['status'], { cwd: dir }).stdout;
    expect(st).not.toContain('\x1b');
    // an unfreeze reason that looks like a freeze does not re-freeze either
    expect(cfgtrail(['unfreeze', '--reason', 'ok\nFreeze: on'], { cwd: dir }).code).toBe(0);
    expect(gitIn(gitdir, ['log', '-1', '--format=%(trailers:key=Freeze,valueonly)']).trim()).toBe('off');
    expect(cfgtrail(['snapshot', '-m', 'x'], { cwd: dir }).code).toBe(0);
    // an empty reason is refused
    expect(cfgtrail(['freeze', '--reason', ' \n '], { cwd: dir }).code).toBe(5);
  });

  it('log marks freeze records, export describes them, the index answers --trailer', () => {
    const { dir } = store();
    expect(cfgtrail(['freeze', '--reason', 'incident', '--until', '2h'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['unfreeze'], { cwd: dir }).code).toBe(0);
    const one = cfgtrail(['log', '--oneline'], { cwd: dir }).stdout.split('\n');
    expect(one[0]).toMatch(/^[0-9a-f]{7} UNFREEZE  unfreeze: lifts the freeze of /);
    expect(one[1]).toMatch(/^[0-9a-f]{7} FREEZE    freeze: incident$/);
    expect(cfgtrail(['log', '--oneline', '--trailer', 'Freeze=on'], { cwd: dir }).stdout).toMatch(/^[0-9a-f]{7} FREEZE    freeze: incident\n$/);
    const exp = JSON.parse(cfgtrail(['export', 'HEAD~1', '--json'], { cwd: dir }).stdout) as { id: null; freeze: { state: string; reason: string; until: string }; files_modified: unknown[] };
    expect(exp.id).toBeNull();
    expect(exp.freeze.state).toBe('on');
    expect(exp.freeze.reason).toBe('incident');
    expect(exp.files_modified).toEqual([]);
  });

  it('needs a snapshot first and --reason', () => {
    const dir = tempDir('cfgtrail-freeze-');
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const r = cfgtrail(['freeze', '--reason', 'x'], { cwd: dir });
    expect(r.code).toBe(10);
    expect(r.stderr).toBe('cfgtrail: the store has no snapshot yet: take one first (cfgtrail snapshot)\n');
    expect(cfgtrail(['freeze'], { cwd: dir }).code).toBe(2);
  });
});

describe('the freeze in effect follows git, whoever wrote the commits', () => {
  it('a freeze made by native git counts; moving HEAD back before it lifts it; a torn cache is found again', () => {
    const { dir, gitdir } = store();
    const before = gitIn(gitdir, ['rev-parse', 'HEAD']).trim();
    expect(cfgtrail(['status', '--json'], { cwd: dir }).stdout).toContain('"freeze": null');
    gitIn(gitdir, ['commit', '--allow-empty', '-q', '-m', 'freeze: by hand', '-m', 'Freeze: on\nReason: by hand'], { GIT_AUTHOR_NAME: 'Hand', GIT_AUTHOR_EMAIL: 'hand@example.com', GIT_COMMITTER_NAME: 'Hand', GIT_COMMITTER_EMAIL: 'hand@example.com' });
    writeFileSync(join(dir, 'app.yaml'), 'pool: 77\n');
    const r = cfgtrail(['snapshot', '-m', 'x'], { cwd: dir });
    expect(r.code).toBe(15);
    expect(r.stderr).toContain('by Hand <hand@example.com>: by hand');
    // a torn cache file: found again from git
    writeFileSync(join(gitdir, 'cfgtrail-freeze.json'), '{"head":');
    expect(cfgtrail(['snapshot', '-m', 'x'], { cwd: dir }).code).toBe(15);
    // HEAD moved back before the freeze (the cache names another HEAD): not frozen
    gitIn(gitdir, ['update-ref', 'refs/heads/main', before]);
    expect(cfgtrail(['snapshot', '-m', 'after the reset'], { cwd: dir }).code).toBe(0);
  });

  it('a freeze made between the pre-snapshot hook and the lock still stops the snapshot', () => {
    const top = tempDir('cfgtrail-freeze-');
    const bin = join(top, 'bin');
    const { dir, gitdir } = store();
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'cfgtrail'));
    writeFileSync(join(gitdir, 'hooks', 'pre-snapshot'), '#!/bin/sh\ncfgtrail freeze --reason "frozen while you waited" >/dev/null\n');
    chmodSync(join(gitdir, 'hooks', 'pre-snapshot'), 0o755);
    writeFileSync(join(dir, 'app.yaml'), 'pool: 78\n');
    const r = cfgtrail(['snapshot', '-m', 'racing'], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code).toBe(15);
    expect(r.stderr).toContain('frozen while you waited');
    expect(gitIn(gitdir, ['log', '-1', '--format=%s'])).toBe('freeze: frozen while you waited\n');
  });
});
