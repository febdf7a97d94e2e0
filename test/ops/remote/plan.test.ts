import { describe, expect, it } from 'vitest';
import { planFetchChanges } from '../../../src/ops/remote/fetch.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('planFetchChanges: the server fleet refs against the local ones (the fleet contract)', () => {
  const server = new Map([
    ['HEAD', A],
    ['refs/heads/main', A], // not a host branch: ignored
    ['refs/heads/hosts/web-1', B],
    ['refs/notes/hosts/web-1', C],
    ['refs/tags/hosts/web-1/v1', A],
    ['refs/heads/hosts/web-2', A],
    ['refs/heads/hosts/..evil', A],
    ['refs/tags/hosts/web-2/../../heads/main', A],
  ]);

  it('maps every host ref, skips invalid names, and leaves unchanged refs alone', () => {
    const skipped: string[] = [];
    const local = new Map([['refs/remotes/origin/hosts/web-2', A]]);
    const changes = planFetchChanges('origin', server, local, { onSkip: (r) => skipped.push(r) });
    expect(changes.map((c) => [c.kind, c.local, c.old, c.oid])).toEqual([
      ['branch', 'refs/remotes/origin/hosts/web-1', null, B],
      ['notes', 'refs/notes/remotes/origin/hosts/web-1', null, C],
      ['tag', 'refs/tags/hosts/web-1/v1', null, A],
    ]);
    expect(skipped).toEqual(['refs/heads/hosts/..evil', 'refs/tags/hosts/web-2/../../heads/main']);
  });

  it('prunes local refs of hosts gone from the server, each under its own host', () => {
    const local = new Map([
      ['refs/remotes/origin/hosts/web-3', A],
      ['refs/notes/remotes/origin/hosts/web-3', B],
      ['refs/tags/hosts/web-3/v9', C],
      ['refs/remotes/origin/hosts/web-2', A],
    ]);
    const gone = planFetchChanges('origin', server, local).filter((c) => c.oid === null);
    expect(gone.map((c) => [c.host, c.kind, c.local])).toEqual([
      ['web-3', 'branch', 'refs/remotes/origin/hosts/web-3'],
      ['web-3', 'notes', 'refs/notes/remotes/origin/hosts/web-3'],
      ['web-3', 'tag', 'refs/tags/hosts/web-3/v9'],
    ]);
  });

  it('with a host, plans only that host (pull)', () => {
    const changes = planFetchChanges('origin', server, new Map([['refs/remotes/origin/hosts/web-9', A]]), { host: 'web-2' });
    expect(changes.map((c) => c.local)).toEqual(['refs/remotes/origin/hosts/web-2']);
  });
});
