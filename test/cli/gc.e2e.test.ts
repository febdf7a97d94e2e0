import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfgtrail, configDir, git } from '../helpers/cli.js';

const packs = (store: string) => readdirSync(join(store, 'objects', 'pack')).filter((f) => f.endsWith('.pack'));
const loose = (store: string) =>
  readdirSync(join(store, 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d)).flatMap((d) => readdirSync(join(store, 'objects', d)));

describe('keeping the store packed', () => {
  it('packs loose objects every gc_every snapshots and fully on cfgtrail gc, losing nothing', () => {
    const dir = configDir('example');
    const store = join(dir, '.cfgtrail');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const settings = join(store, 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('gc_every: 100', 'gc_every: 4'));
    for (let i = 1; i <= 10; i++) {
      writeFileSync(join(dir, 'config.yaml'), readFileSync(join(dir, 'config.yaml'), 'utf8').replace(/rate_limit: \d+/, `rate_limit: ${100 + i}`));
      expect(cfgtrail(['snapshot', '-m', `change ${i}`], { cwd: dir }).code).toBe(0);
    }
    expect(packs(store)).toHaveLength(2); // after snapshots 4 and 8
    expect(loose(store).length).toBeGreaterThan(0); // snapshots 9 and 10
    git(['--git-dir', store, 'fsck', '--strict']);
    const before = git(['--git-dir', store, 'log', '-p', '--format=%H %s']);

    const gc = cfgtrail(['gc'], { cwd: dir });
    expect(gc.code).toBe(0);
    expect(gc.stdout).toMatch(/^packed \d+ objects/);
    expect(packs(store)).toHaveLength(1);
    expect(loose(store)).toEqual([]);
    git(['--git-dir', store, 'fsck', '--strict']);
    git(['--git-dir', store, 'verify-pack', join(store, 'objects', 'pack', packs(store)[0]!)]);
    expect(git(['--git-dir', store, 'log', '-p', '--format=%H %s'])).toBe(before);
    expect(JSON.parse(cfgtrail(['log', '--json'], { cwd: dir }).stdout)).toHaveLength(10);
    expect(JSON.parse(cfgtrail(['diff', '--json', 'HEAD~9', 'HEAD'], { cwd: dir }).stdout)).toEqual([
      { file: 'config.yaml', path: ['features', 'rate_limit'], pathText: 'features.rate_limit', kind: 'changed', from: 101, to: 110 },
    ]);
  });

  it('refuses to pack a store whose history lacks objects, removing nothing (as git gc does)', () => {
    const dir = configDir('example');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const store = join(dir, '.cfgtrail');
    for (let i = 1; i <= 3; i++) {
      writeFileSync(join(dir, 'config.yaml'), `a: ${i}\n`);
      expect(cfgtrail(['snapshot', '-m', `c${i}`], { cwd: dir }).code).toBe(0);
    }
    const blob = git(['--git-dir', store, 'rev-parse', 'HEAD~2:config.yaml']).trim();
    rmSync(join(store, 'objects', blob.slice(0, 2), blob.slice(2)));
    const before = loose(store).sort();
    const r = cfgtrail(['gc'], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toBe(`cfgtrail: the store is damaged: 1 object(s) reachable from its refs are missing (${blob}); nothing was packed or removed: run cfgtrail fsck\n`);
    expect(loose(store).sort()).toEqual(before);
    expect(packs(store)).toEqual([]);
  });
});
