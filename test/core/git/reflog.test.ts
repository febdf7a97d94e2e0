import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendReflog, formatReflogLine, lastLoggedOid, ZERO_OID } from '../../../src/core/git/reflog.js';
import { signatureOf } from '../../../src/core/git/commit.js';
import { git, tempRepo } from './objects-fixtures.js';

const WHO = { GIT_AUTHOR_NAME: 'Ann Ops', GIT_AUTHOR_EMAIL: 'ann@example.com', GIT_COMMITTER_NAME: 'Ann Ops', GIT_COMMITTER_EMAIL: 'ann@example.com' };

describe('reflog lines', () => {
  it('are byte-identical to the lines native git writes for the same commits', () => {
    const { dir, gitdir } = tempRepo();
    writeFileSync(join(dir, 'a'), 'a\n');
    git(dir, ['add', 'a']);
    git(dir, ['commit', '-q', '-m', 'first title', '-m', 'a body'], undefined, { ...WHO, GIT_COMMITTER_DATE: '1700000000 +0130', GIT_AUTHOR_DATE: '1700000000 +0130' });
    const one = git(dir, ['rev-parse', 'HEAD']).trim();
    writeFileSync(join(dir, 'a'), 'b\n');
    git(dir, ['commit', '-q', '-am', 'second'], undefined, { ...WHO, GIT_COMMITTER_DATE: '1700000100 -0800', GIT_AUTHOR_DATE: '1700000100 -0800' });
    const two = git(dir, ['rev-parse', 'HEAD']).trim();
    const native = readFileSync(join(gitdir, 'logs/HEAD'), 'utf8');
    const who = (ts: number, tz: number) => signatureOf({ name: 'Ann Ops', email: 'ann@example.com' }, ts, tz);
    const ours =
      formatReflogLine({ old: null, new: one, who: who(1700000000, 90), message: 'commit (initial): first title' }) +
      formatReflogLine({ old: one, new: two, who: who(1700000100, -480), message: 'commit: second' });
    expect(ours).toBe(native);
  });

  it('keep a multi-line message on one line', () => {
    const line = formatReflogLine({ old: null, new: 'a'.repeat(40), who: signatureOf({ name: 'x', email: 'y' }, 1, 0), message: 'commit: one\ntwo' });
    expect(line).toBe(`${ZERO_OID} ${'a'.repeat(40)} x <y> 1 +0000\tcommit: one two\n`);
  });

  it('append to what native git wrote, and native git reads the result; lastLoggedOid is the newest new value', () => {
    const { dir, gitdir } = tempRepo();
    writeFileSync(join(dir, 'a'), 'a\n');
    git(dir, ['add', 'a']);
    git(dir, ['commit', '-q', '-m', 'first'], undefined, WHO);
    const one = git(dir, ['rev-parse', 'HEAD']).trim();
    const two = git(dir, ['commit-tree', '-p', one, '-m', 'second', `${one}^{tree}`], undefined, WHO).trim();
    const branch = `refs/heads/${git(dir, ['symbolic-ref', '--short', 'HEAD']).trim()}`;
    for (const ref of [branch, 'HEAD']) appendReflog(gitdir, ref, { old: one, new: two, who: signatureOf({ name: 'c', email: 'c@x' }, 1700000000, 0), message: 'commit: second' });
    writeFileSync(join(gitdir, branch), `${two}\n`);
    expect(git(dir, ['log', '-g', '--format=%H %gs']).trim().split('\n')).toEqual([`${two} commit: second`, `${one} commit (initial): first`]);
    expect(lastLoggedOid(gitdir, 'HEAD')).toBe(two);
    expect(lastLoggedOid(gitdir, 'refs/heads/nope')).toBeNull();
  });
});
