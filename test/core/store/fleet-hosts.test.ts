import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { git, gitIn, tempDir } from '../../helpers/cli.js';
import { checkHostName, findFetchedHost, isValidHostName, listFetchedHosts } from '../../../src/core/store/fleet-hosts.js';
import { listRefs } from '../../../src/core/git/ref-list.js';
import { isCfgtrailError } from '../../../src/core/errors.js';

/** A bare repo with one commit, and its id. */
function repo(): { gitdir: string; head: string } {
  const gitdir = join(tempDir(), 'r.git');
  git(['init', '-q', '--bare', gitdir]);
  const tree = gitIn(gitdir, ['mktree'], {}).trim();
  const head = gitIn(gitdir, ['commit-tree', tree, '-m', 'x'], { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' }).trim();
  return { gitdir, head };
}

describe('host names', () => {
  it.each([
    ['web-1', true],
    ['db-1.eu-west_2', true],
    ['_a', true],
    ['x.lock.y', true],
    ['.hidden', false],
    ['-oProxyCommand', false],
    ['a..b', false],
    ['web.lock', false],
    ['a/b', false],
    ['', false],
    ['wéb', false],
    ['a b', false],
    ['a\nb', false],
  ])('%j valid: %s', (name, valid) => {
    expect(isValidHostName(name)).toBe(valid);
    if (!valid) expect(() => checkHostName(name)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('fetched hosts', () => {
  it('lists loose and packed refs as git for-each-ref does', () => {
    const { gitdir, head } = repo();
    for (const r of ['refs/remotes/origin/hosts/web-1', 'refs/remotes/origin/hosts/db-1', 'refs/remotes/eu/west/hosts/web-1', 'refs/remotes/origin/main', 'refs/tags/hosts/web-1/v1']) gitIn(gitdir, ['update-ref', r, head]);
    gitIn(gitdir, ['pack-refs', '--all']);
    gitIn(gitdir, ['update-ref', 'refs/remotes/origin/hosts/edge', head]); // loose, beside packed ones
    const witness = gitIn(gitdir, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/remotes/']).trim().split('\n');
    expect([...listRefs(gitdir, 'refs/remotes/')].map(([r, o]) => `${r} ${o}`)).toEqual(witness);
    const fleet = listFetchedHosts(gitdir);
    expect(fleet.hosts.map((h) => [h.remote, h.host, h.label])).toEqual([
      ['eu/west', 'web-1', 'eu/west/web-1'],
      ['origin', 'db-1', 'db-1'],
      ['origin', 'edge', 'edge'],
      ['origin', 'web-1', 'origin/web-1'],
    ]);
    expect(findFetchedHost(fleet, 'eu/west/web-1').remote).toBe('eu/west');
    expect(findFetchedHost(fleet, 'db-1').notesRef).toBe('refs/notes/remotes/origin/hosts/db-1');
    const ambiguous = (() => { try { findFetchedHost(fleet, 'web-1'); } catch (e) { return e; } })();
    expect(isCfgtrailError(ambiguous, 'AMBIGUOUS_REV')).toBe(true);
    expect(() => findFetchedHost(fleet, 'nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_REV' }));
    expect(() => findFetchedHost(fleet, '../db-1')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
