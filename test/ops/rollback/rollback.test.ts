import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, lstatSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { planRollback, planStillHolds, type RollbackRequest } from '../../../src/ops/rollback/plan.js';
import { validateServices } from '../../../src/ops/services-config.js';
import { scanLive } from '../../../src/core/store/scan.js';
import { applyRollback } from '../../../src/ops/rollback/apply.js';
import { writeJournal } from '../../../src/ops/rollback/journal.js';
import type { RollbackEvent } from '../../../src/ops/rollback/types.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import { parseTrailers } from '../../../src/core/record/trailers.js';
import { readStoreHead } from '../../../src/core/audit/store-head.js';
import { readVerificationNote } from '../../../src/core/audit/verification-notes.js';
import type { Store } from '../../../src/core/store/open.js';
import { git } from '../../helpers/cli.js';
import { author, instantClock, picture, snap, storeWith, writeFiles } from './builders.js';
import type { ServiceConfig } from '../../../src/ops/services-config.js';
import type { HealthProbe, ServiceControl } from '../../../src/ops/ports.js';

const req = (over: Partial<RollbackRequest> = {}): RollbackRequest => ({ services: [], restart: true, verify: true, ...over });

async function run(store: Store, r: RollbackRequest, extra: { services?: ServiceConfig[]; control?: ServiceControl; probe?: HealthProbe } = {}) {
  const plan = planRollback(store, r);
  const events: RollbackEvent[] = [];
  const result = await applyRollback(plan, { store, services: extra.services ?? [], control: extra.control, probe: extra.probe, clock: instantClock, author, onEvent: (e) => events.push(e) });
  return { plan, result, events };
}

const message = (gitdir: string, rev = 'HEAD') => git(['--git-dir', gitdir, 'log', '-1', '--format=%B', rev]);

describe('planRollback', () => {
  it('lists writes, deletes, chmods, undone changes and the live->target diff, and changes nothing', async () => {
    const { dir, store } = await storeWith({ 'config.yaml': 'a: 1\n', 'secret.yaml': 'token: abc\n' });
    chmodSync(join(dir, 'secret.yaml'), 0o600);
    const one = await snap(dir, 'one');
    writeFiles(dir, { 'config.yaml': 'a: 2\n', 'extra.yaml': 'x: 1\n' });
    chmodSync(join(dir, 'secret.yaml'), 0o644);
    const two = await snap(dir, 'two');
    const before = picture(dir, '');
    const plan = planRollback(store(), req({ rev: one.commit }));
    expect(picture(dir, '')).toEqual(before); // the store too: planning writes nothing
    expect(plan.target.commit).toBe(one.commit);
    expect(plan.actions.map((a) => `${a.action} ${a.path}`)).toEqual(['write config.yaml', 'delete extra.yaml', 'chmod secret.yaml']);
    expect(plan.undone).toEqual([{ commit: two.commit, changeId: two.changeId, title: 'two' }]);
    expect(plan.diffs.find((d) => d.file === 'config.yaml')?.changes).toEqual([expect.objectContaining({ pathText: 'a', from: 2, to: 1 })]);
    expect(plan.drift).toEqual([]);
    expect(plan.trailers).toEqual([
      { key: 'Rollback-To', value: one.commit },
      { key: 'Rollback-Of', value: two.changeId },
      { key: 'Reason', value: 'not given' },
    ]);
    expect(plan.nothingToDo).toBe(false);
  });

  it('says nothing to do when the live files already match the target', async () => {
    const { dir, store } = await storeWith({ 'a.yaml': 'a: 1\n' });
    await snap(dir, 'one');
    writeFiles(dir, { 'a.yaml': 'a: 2\n' });
    await snap(dir, 'two');
    writeFiles(dir, { 'a.yaml': 'a: 1\n' }); // by hand, not committed
    const plan = planRollback(store(), req({ previous: true }));
    expect(plan.nothingToDo).toBe(true);
    await expect(applyRollback(plan, { store: store(), services: [], clock: instantClock, author })).rejects.toSatisfy((e) => isCfgtrailError(e, 'NOTHING_TO_DO'));
  });

  it('needs exactly one target, and a known one', async () => {
    const { dir, store } = await storeWith({ 'a.yaml': 'a: 1\n' });
    await snap(dir, 'one');
    expect(() => planRollback(store(), req())).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => planRollback(store(), req({ previous: true, rev: 'HEAD' }))).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => planRollback(store(), req({ previous: true }))).toThrow(expect.objectContaining({ code: 'UNKNOWN_REV' }));
    expect(() => planRollback(store(), req({ lastGood: true }))).toThrow(expect.objectContaining({ code: 'UNKNOWN_REV' }));
  });

  it('warns about undone changes that remaining changes depend on', async () => {
    const { dir, store } = await storeWith({ 'db.yaml': 'pool: 1\n', 'app.yaml': 'x: 1\n' });
    const base = await snap(dir, 'base');
    writeFiles(dir, { 'db.yaml': 'pool: 2\n' });
    const schema = await snap(dir, 'db schema');
    writeFiles(dir, { 'app.yaml': 'x: 2\n' });
    const app = await snap(dir, 'app uses it', [{ key: 'Depends-On', value: schema.changeId }]);
    const selective = planRollback(store(), req({ rev: base.commit, files: ['db.yaml'] }));
    expect(selective.undone.map((u) => u.changeId)).toEqual([schema.changeId]);
    expect(selective.dependencies).toEqual([{ undone: schema.changeId, dependent: { commit: app.commit, changeId: app.changeId, title: 'app uses it' } }]);
    // Rolling everything back undoes the dependent too: nothing is left broken.
    expect(planRollback(store(), req({ rev: base.commit })).dependencies).toEqual([]);
    // Two later changes, one with the key in another case; an unrelated one in between.
    writeFiles(dir, { 'app.yaml': 'x: 3\n' });
    await snap(dir, 'unrelated', [{ key: 'Depends-On', value: 'I00000000000000ff' }]);
    writeFiles(dir, { 'app.yaml': 'x: 4\n' });
    await snap(dir, 'app again', [{ key: 'depends-on', value: schema.changeId }]);
    const later = planRollback(store(), req({ rev: base.commit, files: ['db.yaml'] }));
    expect(later.dependencies.map((d) => [d.undone, d.dependent.title])).toEqual([[schema.changeId, 'app again'], [schema.changeId, 'app uses it']]);
  });
});

describe('planStillHolds', () => {
  it('holds for the live files, chown setting and services the plan was made with, and for nothing else', async () => {
    const { dir, store } = await storeWith({ 'a.yaml': 'x: 1\n' });
    const base = await snap(dir, 'base');
    writeFiles(dir, { 'a.yaml': 'x: 2\n' });
    await snap(dir, 'two');
    const r = req({ rev: base.commit });
    const plan = planRollback(store(), r);
    const live = () => scanLive(dir, { include: [], exclude: [], gitdir: join(dir, '.cfgtrail') });
    expect(planStillHolds(plan, live(), false, r.services)).toBe(true);
    expect(planStillHolds(plan, live(), true, r.services)).toBe(false);
    const other = validateServices([{ name: 'app', files: ['*.yaml'], restart: { command: ['true'] } }], { file: 'settings.yaml' });
    expect(planStillHolds(plan, live(), false, other)).toBe(false); // other service settings
    // What it was made from is in the plan: a copy that went through JSON judges the same.
    const copy = JSON.parse(JSON.stringify(plan)) as typeof plan;
    expect(planStillHolds(copy, live(), false, [])).toBe(true);
    expect(planStillHolds(copy, live(), true, [])).toBe(false);
    expect(planStillHolds({ ...copy, basis: undefined }, live(), false, [])).toBe(false);
    chmodSync(join(dir, 'a.yaml'), 0o600);
    expect(planStillHolds(plan, live(), false, r.services)).toBe(false);
    chmodSync(join(dir, 'a.yaml'), 0o644);
    writeFiles(dir, { 'a.yaml': 'x: 3\n' });
    expect(planStillHolds(plan, live(), false, r.services)).toBe(false);
  });
});

describe('applyRollback', () => {
  it('snapshots drift first, restores content, permissions and deletions, and commits with trailers', async () => {
    const { dir, store } = await storeWith({ 'config.yaml': 'a: 1\n', 'secret.yaml': 'token: abc\n', 'conf.d/x.yaml': 'x: 1\n' });
    chmodSync(join(dir, 'secret.yaml'), 0o600);
    const one = await snap(dir, 'one');
    const wanted = picture(dir);
    writeFiles(dir, { 'config.yaml': 'a: 2\n', 'conf.d/new.yaml': 'n: 1\n' });
    unlinkSync(join(dir, 'conf.d/x.yaml'));
    chmodSync(join(dir, 'secret.yaml'), 0o640);
    const two = await snap(dir, 'two');
    writeFiles(dir, { 'config.yaml': 'a: 3 # by hand\n' }); // drift
    const { result, events } = await run(store(), req({ rev: one.commit, reason: 'pool exhausted' }));
    expect(picture(dir)).toEqual(wanted);
    expect(lstatSync(join(dir, 'secret.yaml')).mode & 0o777).toBe(0o600);
    const gitdir = join(dir, '.cfgtrail');
    // The drift is kept in history, byte for byte.
    expect(result.preRollbackCommit).not.toBeNull();
    expect(git(['--git-dir', gitdir, 'show', `${result.preRollbackCommit}:config.yaml`])).toBe('a: 3 # by hand\n');
    expect(git(['--git-dir', gitdir, 'rev-parse', `${result.preRollbackCommit}~1`]).trim()).toBe(two.commit);
    expect(parseTrailers(message(gitdir, result.preRollbackCommit!))).toContainEqual({ key: 'Snapshot-Of', value: 'drift' });
    // The rollback is a new commit whose tree is the target's, with its change record.
    expect(readStoreHead(gitdir)).toBe(result.commit);
    expect(git(['--git-dir', gitdir, 'rev-parse', 'HEAD^{tree}'])).toBe(git(['--git-dir', gitdir, 'rev-parse', `${one.commit}^{tree}`]));
    const msg = message(gitdir);
    expect(msg.split('\n')[0]).toBe(`Rollback to ${one.commit.slice(0, 7)}: one`);
    // The drift snapshot is said as saved, not listed as an undone change.
    expect(git(['interpret-trailers', '--parse'], undefined, msg)).toBe(
      `Change-Id: ${result.changeId}\nRollback-To: ${one.commit}\nRollback-Of: ${two.changeId}\nPre-Rollback-Snapshot: ${result.preRollbackCommit}\nReason: pool exhausted\n`,
    );
    expect(msg).toContain(`pool exhausted\n\nUncommitted edits were saved first as ${result.preRollbackCommit!.slice(0, 7)} (Pre-rollback snapshot).\n\nUndone changes:\n- ${two.commit.slice(0, 7)} ${two.changeId} two\n`);
    git(['--git-dir', gitdir, 'fsck', '--strict']);
    const done = events.filter((e) => e.step === 'done').map((e) => e.phase);
    expect(done).toEqual(['lock', 'drift-snapshot', 'write', 'commit']);
    expect(Object.keys(result.timings).sort()).toEqual(['commit', 'drift-snapshot', 'lock', 'write']);
  });

  it('rolls back only the --file paths, and deletes only within them', async () => {
    const { dir, store } = await storeWith({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const one = await snap(dir, 'one');
    writeFiles(dir, { 'a.yaml': 'a: 2\n', 'b.yaml': 'b: 2\n', 'c.yaml': 'c: 2\n', 'd.yaml': 'd: 2\n' });
    const two = await snap(dir, 'two');
    const { plan } = await run(store(), req({ rev: one.commit, files: ['a.yaml', 'c.yaml'] }));
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).toBe('b: 2\n');
    expect(existsSync(join(dir, 'c.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'd.yaml'), 'utf8')).toBe('d: 2\n');
    const gitdir = join(dir, '.cfgtrail');
    expect(message(gitdir).split('\n')[0]).toBe(`Rollback of a.yaml, c.yaml to ${one.commit.slice(0, 7)}: one`);
    expect(plan.undone.map((u) => u.commit)).toEqual([two.commit]);
    expect(git(['--git-dir', gitdir, 'ls-tree', '-r', '--name-only', 'HEAD']).split('\n').filter(Boolean)).toEqual(['.cfgtrail-meta', 'a.yaml', 'b.yaml', 'd.yaml']);
  });

  it('recreates symlinks and replaces a file by a symlink atomically', async () => {
    const { dir, store } = await storeWith({ 'real.yaml': 'r: 1\n' });
    symlinkSync('real.yaml', join(dir, 'current.yaml'));
    const one = await snap(dir, 'one');
    unlinkSync(join(dir, 'current.yaml'));
    writeFiles(dir, { 'current.yaml': 'plain: file\n' });
    await snap(dir, 'two');
    await run(store(), req({ rev: one.commit }));
    expect(lstatSync(join(dir, 'current.yaml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'current.yaml'))).toBe('real.yaml');
  });

  it('refuses to run when HEAD moved since planning', async () => {
    const { dir, store } = await storeWith({ 'a.yaml': 'a: 1\n' });
    await snap(dir, 'one');
    writeFiles(dir, { 'a.yaml': 'a: 2\n' });
    await snap(dir, 'two');
    const plan = planRollback(store(), req({ previous: true }));
    writeFiles(dir, { 'a.yaml': 'a: 3\n' });
    await snap(dir, 'three');
    await expect(applyRollback(plan, { store: store(), services: [], clock: instantClock, author })).rejects.toSatisfy((e) => isCfgtrailError(e, 'REFUSED'));
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('a: 3\n');
  });

  it('restarts and verifies the affected services only, and notes the outcome on the rollback commit', async () => {
    const { dir, store } = await storeWith({ 'app.yaml': 'a: 1\n', 'other.yaml': 'o: 1\n' });
    const one = await snap(dir, 'one');
    writeFiles(dir, { 'app.yaml': 'a: 2\n' });
    await snap(dir, 'two');
    const svc = (name: string, file: string): ServiceConfig => ({ name, files: [file], restart: { kind: 'command', argv: ['true'] }, timeoutMs: 1000, health: [{ kind: 'tcp', host: '127.0.0.1', port: 1, timeoutMs: 100, retries: 0 }] });
    const restarted: string[] = [];
    const control: ServiceControl = { restart: async (s) => { restarted.push(s.name); return { ok: true, command: ['true'], stdout: '', stderr: '', exitCode: 0, durationMs: 1, message: 'ok' }; } };
    const probe: HealthProbe = { check: async () => ({ ok: true, message: 'open', durationMs: 1 }) };
    const services = [svc('app', 'app.yaml'), svc('other', 'other.yaml')];
    const { plan, result, events } = await run(store(), req({ rev: one.commit, services }), { services, control, probe });
    expect(plan.services).toEqual(['app']);
    expect(restarted).toEqual(['app']);
    expect(result.verification?.report.ok).toBe(true);
    expect(readVerificationNote(store(), result.commit!)).toMatchObject({ result: 'passed', kind: 'rollback' });
    expect(events.filter((e) => e.step === 'done').map((e) => e.phase)).toEqual(['lock', 'write', 'commit', 'restart', 'verify', 'record']);
  });
});

describe('resuming after a crash between the rollback commit and the journal', () => {
  it('finds the rollback commit, finishes the job and removes the journal', async () => {
    const { dir, store } = await storeWith({ 'a.yaml': 'a: 1\n' });
    const one = await snap(dir, 'one');
    writeFiles(dir, { 'a.yaml': 'a: 2\n' });
    const two = await snap(dir, 'two');
    const { result } = await run(store(), req({ rev: one.commit }));
    // The state a SIGKILL leaves right after the commit: the journal still says "no commit yet".
    writeJournal(store().gitdir, {
      version: 1, head: two.commit!, preRollbackCommit: null, commit: null, target: one.commit!, files: null,
      reason: null, restart: true, verify: true, startedAt: new Date(0).toISOString(),
    });
    const plan = planRollback(store(), req({ rev: one.commit }));
    expect(plan.resume?.stage).toBe('after-commit');
    expect(plan.nothingToDo).toBe(false);
    const again = await applyRollback(plan, { store: store(), services: [], clock: instantClock, author });
    expect(again.commit).toBe(result.commit); // no second rollback commit
    expect(readStoreHead(store().gitdir)).toBe(result.commit);
    expect(existsSync(join(store().gitdir, 'cfgtrail-rollback.json'))).toBe(false);
  });
});
