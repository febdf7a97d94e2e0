/**
 * Store permissions (issue 9, "Store permissions"): the store holds every
 * version of a 0600 `.env`, so init makes it 0700, the next write tightens an
 * older, open store (saying so on stderr), and fsck warns while the store is
 * more open than the most private file it holds.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfgtrail, tempDir } from '../helpers/cli.js';

const modeOf = (p: string) => statSync(p).mode & 0o7777;

/** A config dir with config.yaml (0644) and, when `secret`, a 0600 .env; initialised and snapshotted once. */
function setup(secret = true, filePerm = 0o600) {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.yaml'), 'a: 1\n');
  if (secret) {
    writeFileSync(join(dir, '.env'), 'TOKEN=hunter2\n');
    chmodSync(join(dir, '.env'), filePerm);
  }
  const init = cfgtrail(['init'], { cwd: dir });
  expect(init.code, init.stderr).toBe(0);
  const s = cfgtrail(['snapshot', '-m', 'v1'], { cwd: dir });
  expect(s.code, s.stderr).toBe(0);
  return { dir, store: join(dir, '.cfgtrail') };
}

/** Whether user nobody (65534) can run `cat path` (only when we are root and have setpriv). */
function nobodyCanRead(path: string): boolean | null {
  if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).error) return null;
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', path], { encoding: 'utf8' });
  return r.status === 0;
}

describe('store permissions', () => {
  it('init makes the store 0700, a separate --store too, so another user cannot read an object; fsck says nothing', () => {
    const { dir, store } = setup();
    expect(modeOf(store).toString(8)).toBe('700');
    const r = cfgtrail(['fsck'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^warning:/m);

    const cfg = tempDir();
    writeFileSync(join(cfg, 'a.yaml'), 'a: 1\n');
    const elsewhere = join(tempDir(), 'stores', 'app.git');
    expect(cfgtrail(['init', '--store', elsewhere], { cwd: cfg }).code).toBe(0);
    expect(modeOf(elsewhere).toString(8)).toBe('700');

    // Another user can no longer reach an object even where the config dir is open.
    chmodSync(dir, 0o755);
    const dirs = readdirSync(join(store, 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d));
    const obj = join(store, 'objects', dirs[0]!, readdirSync(join(store, 'objects', dirs[0]!))[0]!);
    const can = nobodyCanRead(obj);
    if (can !== null) {
      expect(can).toBe(false);
      chmodSync(store, 0o755);
      expect(nobodyCanRead(obj)).toBe(true); // the witness works: an open store is readable
    }
  });

  it('an open store with a 0600 file: fsck warns (exit 0); the next snapshot makes it 0700 and says so, once', () => {
    const { dir, store } = setup();
    chmodSync(store, 0o755);
    const f = cfgtrail(['fsck'], { cwd: dir });
    expect(f.code, f.stdout).toBe(0);
    expect(f.stdout).toMatch(/^warning: store .*: the store's mode 0755 lets other users read every recorded version of \.env \(0600\); run: chmod 700 /m);

    writeFileSync(join(dir, 'config.yaml'), 'a: 2\n');
    const s = cfgtrail(['snapshot', '-m', 'v2'], { cwd: dir });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/^note: the store .* was open to other users \(mode 0755\); it is now 0700/m);
    expect(modeOf(store).toString(8)).toBe('700');
    expect(cfgtrail(['fsck'], { cwd: dir }).stdout).not.toMatch(/^warning:/m);

    writeFileSync(join(dir, 'config.yaml'), 'a: 3\n');
    const again = cfgtrail(['snapshot', '-m', 'v3'], { cwd: dir });
    expect(again.stderr).not.toMatch(/note: the store/);
  });

  it('a rollback and a mark-good tighten an open store too', () => {
    const { dir, store } = setup();
    writeFileSync(join(dir, 'config.yaml'), 'a: 2\n');
    expect(cfgtrail(['snapshot', '-m', 'v2'], { cwd: dir }).code).toBe(0);
    chmodSync(store, 0o755);
    const r = cfgtrail(['rollback', '--previous', '--yes'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^note: the store .* was open to other users \(mode 0755\)/m);
    expect(modeOf(store).toString(8)).toBe('700');

    chmodSync(store, 0o750);
    const g = cfgtrail(['mark-good'], { cwd: dir });
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).toMatch(/^note: the store .* \(mode 0750\); it is now 0700/m);
    expect(modeOf(store).toString(8)).toBe('700');
  });

  it('fsck weighs the most private file: 0644 files in a 0755 store, or 0640 in a 0750 one, are not exposed', () => {
    const open = setup(false);
    chmodSync(open.store, 0o755);
    expect(cfgtrail(['fsck'], { cwd: open.dir }).stdout).not.toMatch(/^warning:/m);

    const grp = setup(true, 0o640);
    chmodSync(grp.store, 0o750);
    expect(cfgtrail(['fsck'], { cwd: grp.dir }).stdout).not.toMatch(/^warning:/m);
    chmodSync(grp.store, 0o751);
    expect(cfgtrail(['fsck'], { cwd: grp.dir }).stdout).toMatch(/lets other users read every recorded version of \.env \(0640\)/);

    // A file made private later: its older, open versions do not hide it.
    const later = setup(true, 0o644);
    chmodSync(join(later.dir, '.env'), 0o600);
    expect(cfgtrail(['snapshot', '-m', 'private now'], { cwd: later.dir }).code).toBe(0);
    chmodSync(later.store, 0o750);
    expect(cfgtrail(['fsck'], { cwd: later.dir }).stdout).toMatch(/lets its group read every recorded version of \.env \(0600\)/);
  });
});
