import { describe, expect, it } from 'vitest';
import { parseCommit, serializeCommit } from '../../../src/core/git/commit.js';
import { hashObject, openObjectStore } from '../../../src/core/git/objects.js';
import { buildHistory, git, readAllWithGit, tempRepo } from './objects-fixtures.js';

describe('commit codec', () => {
  it('parses every commit like git log and re-serializes it byte for byte', () => {
    const { dir, gitdir } = tempRepo();
    buildHistory(dir, 6);
    git(dir, ['checkout', '-qb', 'side', 'HEAD~2']);
    git(dir, ['commit', '-q', '--allow-empty', '-m', 'side\n\nwith body\n\n\nand blank lines'], undefined, {
      GIT_AUTHOR_DATE: '1600000000 +0000', GIT_AUTHOR_NAME: 'Zoë Ünicode', GIT_AUTHOR_EMAIL: 'z@x',
    });
    git(dir, ['checkout', '-q', 'main']);
    git(dir, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
    const store = openObjectStore(gitdir);
    const commits = [...readAllWithGit(dir)].filter(([, o]) => o.type === 'commit');
    expect(commits.length).toBe(8);
    for (const [oid, { content }] of commits) {
      const c = parseCommit(store.read(oid).content);
      expect(serializeCommit(c).equals(content)).toBe(true);
      const [tree, parents, an, ae, at, ct, aiso] = git(dir, ['log', '-1', '--format=%T%n%P%n%an%n%ae%n%at%n%ct%n%ai', oid]).split('\n');
      expect(c.tree).toBe(tree);
      expect(c.parents.join(' ')).toBe(parents);
      expect([c.author.name, c.author.email, String(c.author.timestamp), String(c.committer.timestamp)]).toEqual([an, ae, at, ct]);
      const tz = /([+-])(\d\d)(\d\d)$/.exec(aiso!)!;
      expect(c.author.timezoneOffset).toBe((tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3])));
      expect(c.message).toBe(git(dir, ['cat-file', 'commit', oid]).split('\n\n').slice(1).join('\n\n') + '\n');
    }
    expect(commits.some(([, o]) => parseCommit(o.content).parents.length === 2)).toBe(true);
  });

  it('round-trips signed commits and extra headers', () => {
    const { dir } = tempRepo();
    buildHistory(dir, 1);
    const raw = git(dir, ['cat-file', 'commit', 'HEAD']);
    const [head, ...rest] = raw.split('\n\n');
    const sig = '-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----';
    const signed = `${head}\nencoding ISO-8859-1\ngpgsig ${sig.replace(/\n/g, '\n ')}\n\n${rest.join('\n\n')}\n`;
    const oid = git(dir, ['hash-object', '-t', 'commit', '-w', '--stdin'], signed);
    const stored = Buffer.from(git(dir, ['cat-file', 'commit', oid]) + '\n');
    const c = parseCommit(stored);
    expect(c.gpgsig).toBe(sig);
    expect(c.extraHeaders).toEqual([{ key: 'encoding', value: 'ISO-8859-1' }]);
    expect(hashObject('commit', serializeCommit(c))).toBe(oid);
    expect(c.author.timezoneOffset).toBe(-480); // the first commit of buildHistory is at -0800
  });
});
