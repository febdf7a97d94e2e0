/**
 * `cfgtrail revert REV` through bin/: one change undone, later ones kept,
 * with native git as the witness of the commit it records.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, git, gitIn, tempDir } from '../helpers/cli.js';
import { picture } from '../ops/rollback/builders.js';

const RAISE = 'I1111111111111111111111111111111111111111';
const MOVE = 'I2222222222222222222222222222222222222222';

function write(dir: string, files: Record<string, string>): void {
  for (const [p, t] of Object.entries(files)) writeFileSync(join(dir, p), t);
}

function snapshot(dir: string, files: Record<string, string | Buffer>, args: string[]): void {
  for (const [p, t] of Object.entries(files)) writeFileSync(join(dir, p), t);
  const r = cfgtrail(['snapshot', ...args], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

/** base → "Raise pool" (app.yaml pool, nginx.conf log) → "Move db" (app.yaml host, nginx.conf listen). */
function history(): { dir: string; store: string } {
  const dir = tempDir('cfgtrail-revert-');
  write(dir, {
    'app.yaml': '# database\ndb:\n  pool: 20    # connections\n  host: "db1"\n',
    'nginx.conf': 'listen 80;\nworkers 4;\nuser www;\nlog off;\n',
    'limits.json': '{\n  "rps": 100,\n  "burst": 10\n}\n',
  });
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
  snapshot(dir, {
    'app.yaml': '# database\ndb:\n  pool: 50    # connections\n  host: "db1"\n',
    'nginx.conf': 'listen 80;\nworkers 4;\nuser www;\nlog on;\n',
    'limits.json': '{\n  "rps": 500,\n  "burst": 10\n}\n',
  }, ['-m', 'Raise pool', '--change-id', RAISE]);
  snapshot(dir, {
    'app.yaml': '# database\ndb:\n  pool: 50    # connections\n  host: "db2"\n',
    'nginx.conf': 'listen 8080;\nworkers 4;\nuser www;\nlog on;\n',
    'limits.json': '{\n  "rps": 500,\n  "burst": 20\n}\n',
  }, ['-m', 'Move db', '--change-id', MOVE]);
  return { dir, store: join(dir, '.cfgtrail') };
}

const read = (dir: string, p: string) => readFileSync(join(dir, p), 'utf8');
const headTrailers = (store: string) => git(['interpret-trailers', '--parse'], undefined, gitIn(store, ['log', '-1', '--format=%B'])).trim().split('\n');
const count = (store: string) => gitIn(store, ['rev-list', '--count', 'HEAD']).trim();

describe('cfgtrail revert', () => {
  it('undoes one change field by field and line by line, keeps the later one, and records Reverts', () => {
    const { dir, store } = history();
    const reverted = gitIn(store, ['rev-parse', 'HEAD~1']).trim();
    const r = cfgtrail(['revert', RAISE.slice(0, 9), '--yes', '-m', 'pool too big'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Reverted ${reverted.slice(0, 7)} as commit [0-9a-f]{7} \\(Change-Id I[0-9a-f]+\\)\\.$`, 'm'));
    expect(read(dir, 'app.yaml')).toBe('# database\ndb:\n  pool: 20    # connections\n  host: "db2"\n');
    expect(read(dir, 'nginx.conf')).toBe('listen 8080;\nworkers 4;\nuser www;\nlog off;\n');
    expect(read(dir, 'limits.json')).toBe('{\n  "rps": 100,\n  "burst": 20\n}\n');
    expect(gitIn(store, ['log', '-1', '--format=%s']).trim()).toBe('Revert "Raise pool"');
    expect(gitIn(store, ['log', '-1', '--format=%b'])).toContain(`This reverts commit ${reverted} (${RAISE}); the changes made after it stay.`);
    const trailers = headTrailers(store);
    expect(trailers).toContain(`Reverts: ${RAISE}`);
    expect(trailers).toContain(`Reverts-Commit: ${reverted}`);
    expect(trailers).toContain('Reason: pool too big');
    expect(trailers.some((t) => t.startsWith('Rollback-'))).toBe(false);
    // The commit is HEAD's child and changes only the three files (and the permissions record).
    expect(gitIn(store, ['log', '-1', '--format=%P']).trim()).toBe(gitIn(store, ['rev-parse', 'HEAD~1']).trim());
    expect(gitIn(store, ['diff', '--name-only', 'HEAD~1', 'HEAD']).trim().split('\n').filter((p) => p !== '.cfgtrail-meta')).toEqual(['app.yaml', 'limits.json', 'nginx.conf']);
    expect(gitIn(store, ['show', 'HEAD:app.yaml'])).toBe(read(dir, 'app.yaml'));
    expect(cfgtrail(['status', '--exit-code'], { cwd: dir }).code).toBe(0);
    gitIn(store, ['fsck', '--strict']);
  });

  it('refuses a field a later change touched, lists it, exits 13 and changes nothing; --ours and --theirs settle it', () => {
    const { dir, store } = history();
    snapshot(dir, { 'app.yaml': read(dir, 'app.yaml').replace('pool: 50', 'pool: 60') }, ['-m', 'Tune pool']);
    const mid = picture(dir, '');
    const n = count(store);
    const c = cfgtrail(['revert', RAISE, '--yes'], { cwd: dir });
    expect(c.code).toBe(13);
    expect(c.stdout).toContain('app.yaml: db.pool changed later');
    expect(c.stdout).toMatch(/--ours +keep the later values/);
    expect(picture(dir, '')).toEqual(mid);
    expect(count(store)).toBe(n);
    const ours = cfgtrail(['revert', RAISE, '--yes', '--ours'], { cwd: dir });
    expect(ours.code).toBe(0);
    expect(read(dir, 'app.yaml')).toContain('pool: 60    # connections');
    expect(read(dir, 'nginx.conf')).toMatch(/log off;/);
    expect(headTrailers(store)).toContain('Conflicts-Settled: ours (app.yaml)');
  });

  it('--theirs puts the old value back over the later change', () => {
    const { dir, store } = history();
    snapshot(dir, { 'app.yaml': read(dir, 'app.yaml').replace('pool: 50', 'pool: 60') }, ['-m', 'Tune pool']);
    const r = cfgtrail(['revert', RAISE, '--yes', '--theirs'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(read(dir, 'app.yaml')).toBe('# database\ndb:\n  pool: 20    # connections\n  host: "db2"\n');
    expect(headTrailers(store)).toContain('Conflicts-Settled: theirs (app.yaml)');
    expect(gitIn(store, ['log', '-1', '--format=%b'])).toContain('- app.yaml: db.pool');
    expect(cfgtrail(['revert', RAISE, '--ours', '--theirs'], { cwd: dir }).code).toBe(5);
  });

  it('--dry-run and --json show the plan and change nothing; without --yes it refuses off a terminal', () => {
    const { dir, store } = history();
    const before = picture(dir, '');
    const dry = cfgtrail(['revert', 'HEAD~1', '--dry-run'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^Revert [0-9a-f]{7} I1111111111111111111111111111111111111111 Raise pool$/m);
    expect(dry.stdout).toContain('app.yaml: fields db.pool');
    expect(dry.stdout).toContain('nginx.conf: merged line by line');
    const json = JSON.parse(cfgtrail(['revert', 'HEAD~1', '--dry-run', '--json'], { cwd: dir }).stdout) as { revert: { files: { path: string; how: string }[]; conflicts: unknown[] }; plan: { actions: { path: string }[] }; result: null };
    expect(json.revert.files.map((f) => `${f.path}:${f.how}`)).toEqual(['app.yaml:fields', 'limits.json:fields', 'nginx.conf:lines']);
    expect(json.revert.conflicts).toEqual([]);
    expect(json.plan.actions.map((a) => a.path)).toEqual(['app.yaml', 'limits.json', 'nginx.conf']);
    expect(json.result).toBeNull();
    const refused = cfgtrail(['revert', 'HEAD~1'], { cwd: dir });
    expect(refused.code).toBe(13);
    expect(refused.stderr).toMatch(/without confirmation/);
    expect(picture(dir, '')).toEqual(before);
    expect(count(store)).toBe('3');
  });

  it('binary files go back whole, and a binary file changed later is a conflict', () => {
    const dir = tempDir('cfgtrail-revert-bin-');
    write(dir, { 'a.yaml': 'a: 1\n' });
    writeFileSync(join(dir, 'logo.bin'), Buffer.from([0, 1, 2]));
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['snapshot', '-m', 'base'], { cwd: dir }).code).toBe(0);
    snapshot(dir, { 'logo.bin': Buffer.from([0, 9, 9]) }, ['-m', 'new logo', '--change-id', RAISE]);
    snapshot(dir, { 'a.yaml': 'a: 2\n' }, ['-m', 'other']);
    expect(cfgtrail(['revert', RAISE, '--yes'], { cwd: dir }).code).toBe(0);
    expect([...readFileSync(join(dir, 'logo.bin'))]).toEqual([0, 1, 2]);
    expect(read(dir, 'a.yaml')).toBe('a: 2\n');
    snapshot(dir, { 'logo.bin': Buffer.from([0, 7]) }, ['-m', 'logo again']);
    const c = cfgtrail(['revert', 'HEAD~1', '--yes'], { cwd: dir }); // the revert commit itself: logo changed after it
    expect(c.code).toBe(13);
    expect(c.stdout).toContain('logo.bin: the whole file changed later');
  });

  it('reverts a rollback commit, and a commit with no Change-Id (native git made it)', () => {
    const { dir, store } = history();
    expect(cfgtrail(['rollback', 'HEAD~2', '--file', 'nginx.conf', '--yes'], { cwd: dir }).code).toBe(0);
    expect(read(dir, 'nginx.conf')).toBe('listen 80;\nworkers 4;\nuser www;\nlog off;\n');
    const rb = cfgtrail(['revert', 'HEAD', '--yes'], { cwd: dir });
    expect(rb.code).toBe(0);
    expect(read(dir, 'nginx.conf')).toBe('listen 8080;\nworkers 4;\nuser www;\nlog on;\n');
    expect(gitIn(store, ['log', '-1', '--format=%s']).trim()).toMatch(/^Revert "Rollback of nginx\.conf to [0-9a-f]{7}: base"$/);
    // A commit without a Change-Id, made by native git on the store.
    const env = { GIT_INDEX_FILE: join(dir, '..', `${dir.split('/').pop()}.idx`) };
    gitIn(store, ['read-tree', 'HEAD'], env);
    const text = read(dir, 'app.yaml').replace('host: "db2"', 'host: "db3"');
    const oid = git(['--git-dir', store, 'hash-object', '-w', '--stdin'], undefined, text).trim();
    gitIn(store, ['update-index', '--cacheinfo', `100644,${oid},app.yaml`], env);
    const tree = gitIn(store, ['write-tree'], env).trim();
    const commit = git(['--git-dir', store, 'commit-tree', tree, '-p', 'HEAD', '-m', 'hand edit'], undefined, undefined,
      { GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@x' }).trim();
    gitIn(store, ['update-ref', 'HEAD', commit]);
    writeFileSync(join(dir, 'app.yaml'), text);
    const r = cfgtrail(['revert', commit.slice(0, 8), '--yes'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(read(dir, 'app.yaml')).toContain('host: "db2"');
    const trailers = headTrailers(store);
    expect(trailers).toContain(`Reverts-Commit: ${commit}`);
    expect(trailers.some((t) => t.startsWith('Reverts:'))).toBe(false);
  });

  it('refuses the first snapshot, an unknown revision, and a change later ones depend on unless --force', () => {
    const { dir, store } = history();
    expect(cfgtrail(['revert', 'HEAD~2', '--yes'], { cwd: dir }).code).toBe(13);
    expect(cfgtrail(['revert', 'Inosuch', '--yes'], { cwd: dir }).code).toBe(4);
    snapshot(dir, { 'cache.yaml': 'size: 1\n' }, ['-m', 'needs pool', '--depends-on', RAISE]);
    const refused = cfgtrail(['revert', RAISE, '--yes'], { cwd: dir });
    expect(refused.code).toBe(13);
    expect(refused.stderr).toMatch(/depend on the change to revert/);
    expect(cfgtrail(['revert', RAISE, '--yes', '--force'], { cwd: dir }).code).toBe(0);
    expect(headTrailers(store)).toContain('Forced: depends-on check overridden');
    expect(read(dir, 'nginx.conf')).toBe('listen 8080;\nworkers 4;\nuser www;\nlog off;\n');
    expect(read(dir, 'cache.yaml')).toBe('size: 1\n');
    expect(gitIn(store, ['log', '-1', '--format=%b'])).toMatch(/^Forced \(--force\): changes that stay in effect depend on the reverted one:\n- [0-9a-f]{7} I[0-9a-f]+ needs pool$/m);
    expect(cfgtrail(['revert', RAISE, '--yes', '--force'], { cwd: dir }).code).toBe(10);
  });
});
