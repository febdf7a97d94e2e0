import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cfgtrail, cliEnv, configDir, tempDir } from '../helpers/cli.js';

const DIST = resolve(import.meta.dirname, '../../dist');

describe('the V8 code cache of dist/cli.cjs', () => {
  it('is used by bin/cfgtrail.js for the bundle the build made', () => {
    // With CFGTRAIL_DEBUG the bin says when it compiled from source instead.
    const r = spawnSync(process.execPath, [BIN, '--version'], { env: cliEnv({ CFGTRAIL_DEBUG: '1' }), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a damaged cache, a cache for another bundle, or none at all only means compiling from source', () => {
    const dir = configDir('example');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    expect(cfgtrail(['snapshot', '-m', 'first'], { cwd: dir }).code).toBe(0);
    const expected = cfgtrail(['log', '--json'], { cwd: dir });
    // A copy of the installed layout, with a damaged cache, then without one.
    const copy = tempDir();
    cpSync(resolve(BIN, '..'), join(copy, 'bin'), { recursive: true });
    cpSync(DIST, join(copy, 'dist'), { recursive: true });
    const cache = join(copy, 'dist', 'cli.cache');
    const bytes = readFileSync(cache);
    bytes.fill(0x5a, 64, 4096);
    writeFileSync(cache, bytes);
    for (const round of ['damaged', 'other bundle', 'missing']) {
      if (round === 'other bundle') {
        // Checksums intact, but made for a bundle of the same length with other content.
        writeFileSync(cache, readFileSync(join(DIST, 'cli.cache')));
        const cli = join(copy, 'dist', 'cli.cjs');
        writeFileSync(cli, readFileSync(cli, 'utf8').replace('cfgtrail', 'cfgtrai1'));
      }
      if (round === 'missing') writeFileSync(cache, '');
      const r = spawnSync(process.execPath, [join(copy, 'bin', 'cfgtrail.js'), 'log', '--json'], { cwd: dir, env: cliEnv({ CFGTRAIL_DEBUG: '1' }), encoding: 'utf8' });
      expect({ round, code: r.status, stderr: r.stderr }).toEqual({ round, code: 0, stderr: 'cfgtrail: code cache not used: compiled from source\n' });
      expect(r.stdout).toBe(expected.stdout);
    }
  });
});
