import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRef, writeRef } from '../../../src/core/git/refs.js';
import { buildHistory, git, tempRepo } from './objects-fixtures.js';

describe('writeRef', () => {
  it('points a ref at a commit as git reads it, leaving no temp file', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 2);
    const parent = git(dir, ['rev-parse', 'HEAD~1']).trim();
    writeRef(gitdir, 'refs/notes/cfgtrail', parent);
    expect(readRef(gitdir, 'refs/notes/cfgtrail')).toBe(parent);
    expect(git(dir, ['rev-parse', 'refs/notes/cfgtrail']).trim()).toBe(parent);
    expect(readdirSync(join(gitdir, 'refs', 'notes'))).toEqual(['cfgtrail']);
  });

  it('names its temp file so that git never reads one left by a killed process as a ref', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 1);
    const head = git(dir, ['rev-parse', 'HEAD']).trim();
    const branch = git(dir, ['symbolic-ref', '--short', 'HEAD']).trim();
    // What a writeRef killed between its write and its rename leaves (see writeRef).
    writeFileSync(join(gitdir, 'refs', 'heads', `${branch}.4242.lock`), `${head}\n`);
    expect(git(dir, ['for-each-ref', '--format=%(refname)']).trim().split('\n')).toEqual([`refs/heads/${branch}`]);
    git(dir, ['fsck', '--strict']);
  });
});
