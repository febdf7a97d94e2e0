/**
 * The fleet commands against what an SRE or a hostile server can do to them
 * (native git http-backend on 127.0.0.1, the built CLI, strace for kills):
 * each case was a problem found by trying, kept so it stays fixed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, gitIn } from '../helpers/cli.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { hostStore } from '../helpers/fleet-store.js';
import { killAtFileRename } from '../helpers/strace.js';

describe('the fleet commands under adversarial use', () => {
  it('pull refuses while a rollback is pending (it would move HEAD under the journal and the rollback could no longer be finished or aborted)', async () => {
    const server = await startGitHttpServer();
    const host = hostStore(3);
    expect((await host.run(['remote', 'add', 'origin', server.url, '--host', 'db-1'])).code).toBe(0);
    expect((await host.run(['push'])).code).toBe(0);
    // The store goes back one change (restored from an older backup): the server is ahead of it.
    const older = gitIn(host.gitdir, ['rev-parse', 'main~1']).trim();
    gitIn(host.gitdir, ['update-ref', 'refs/heads/main', older]);
    writeFileSync(join(host.dir, 'config.yaml'), 'pool: 2\n');
    expect(killAtFileRename(['rollback', '--previous', '--yes'], host.dir, 1)).toBeNull();
    const r = await host.run(['pull']);
    expect(r.code).toBe(13);
    // the killed rollback's lock is taken over with a note; the refusal is the one error line
    expect(r.stderr.split('\n').filter((l) => l.startsWith('cfgtrail:'))).toHaveLength(1);
    expect(r.stderr).toMatch(/^cfgtrail: not pulling: a rollback to [0-9a-f]{7} was interrupted .*rollback --continue.*\n$/m);
    expect(gitIn(host.gitdir, ['rev-parse', 'main']).trim()).toBe(older);
    const c = await host.run(['rollback', '--continue']);
    expect(c.code, c.stderr).toBe(0);
    expect(readFileSync(join(host.dir, 'config.yaml'), 'utf8')).toBe('pool: 1\n');
    const p = await host.run(['pull']);
    expect(p.code).toBe(13); // the rollback commit is this store's own history now: diverged, as any rollback after the push
  });

  it('an annotated tag pushed by a host is fetched whole (its peeled entry stopped every fetch of the fleet with an internal error)', async () => {
    const server = await startGitHttpServer();
    const web1 = hostStore(2);
    gitIn(web1.gitdir, ['tag', '-a', '-m', 'release 1', 'rel-1', 'main']);
    expect((await web1.run(['remote', 'add', 'origin', server.url, '--host', 'web-1'])).code).toBe(0);
    expect((await web1.run(['push'])).code).toBe(0);
    const auditor = hostStore(0);
    expect((await auditor.run(['remote', 'add', 'origin', server.url])).code).toBe(0);
    const f = await auditor.run(['fetch']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toBe('new host web-1 (2 changes)\n');
    expect(gitIn(auditor.gitdir, ['cat-file', '-t', 'refs/tags/hosts/web-1/rel-1'])).toBe('tag\n');
    expect(gitIn(auditor.gitdir, ['rev-parse', 'refs/tags/hosts/web-1/rel-1^{}'])).toBe(gitIn(web1.gitdir, ['rev-parse', 'main']));
    web1.change('3');
    expect((await web1.run(['push'])).code).toBe(0);
    const again = await auditor.run(['fetch']);
    expect(again.stdout, again.stderr).toBe('web-1: 1 new change\n');
    const log = await auditor.run(['log', '--host', 'web-1', 'rel-1', '--oneline']);
    expect(log.stdout.trim().split('\n'), log.stderr).toHaveLength(2);
    gitIn(auditor.gitdir, ['fsck', '--strict']);
  });
  it('a server branch or notes ref naming a blob or a tag object is skipped with a warning; the other hosts are fetched and the next fetch works', async () => {
    const server = await startGitHttpServer();
    const web1 = hostStore(2);
    expect((await web1.run(['remote', 'add', 'origin', server.url, '--host', 'web-1'])).code).toBe(0);
    expect((await web1.run(['push'])).code).toBe(0);
    const blob = git(['--git-dir', server.repo, 'hash-object', '-w', '--stdin'], undefined, 'not a commit\n').trim();
    // git update-ref refuses a non-commit under refs/heads; a hostile server need not
    writeFileSync(join(server.repo, 'refs', 'heads', 'hosts', 'blobby'), `${blob}\n`);
    gitIn(server.repo, ['tag', '-a', '-m', 'a tag', 'tagobj', 'hosts/web-1']);
    const tagObject = gitIn(server.repo, ['rev-parse', 'refs/tags/tagobj']).trim();
    gitIn(server.repo, ['update-ref', 'refs/notes/hosts/web-1', tagObject]);
    const auditor = hostStore(0);
    expect((await auditor.run(['remote', 'add', 'origin', server.url])).code).toBe(0);
    for (let round = 0; round < 2; round++) {
      const f = await auditor.run(['fetch']);
      expect(f.code, f.stderr).toBe(0);
      expect(f.stderr).toBe('warning: skipped "refs/heads/hosts/blobby": names a blob, not a commit\nwarning: skipped "refs/notes/hosts/web-1": names a tag, not a commit\n');
      expect(f.stdout).toBe(round === 0 ? 'new host web-1 (2 changes)\n' : 'origin: already up to date\n');
    }
    expect(gitIn(auditor.gitdir, ['for-each-ref', '--format=%(refname)', 'refs/remotes', 'refs/notes'])).toBe('refs/remotes/origin/hosts/web-1\n');
    const log = await auditor.run(['log', '--all-hosts', '--oneline']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout.trim().split('\n')).toHaveLength(2);
    gitIn(auditor.gitdir, ['fsck', '--strict']);
  });

  it('a host or tag name too long for a ref file (a server\'s packed-refs can hold one) is skipped with a warning, not an internal error for the whole fleet', async () => {
    const server = await startGitHttpServer();
    const web1 = hostStore(1);
    expect((await web1.run(['remote', 'add', 'origin', server.url, '--host', 'web-1'])).code).toBe(0);
    expect((await web1.run(['push'])).code).toBe(0);
    const head = gitIn(server.repo, ['rev-parse', 'hosts/web-1']).trim();
    const long = 'h'.repeat(300);
    writeFileSync(join(server.repo, 'packed-refs'), `${head} refs/heads/hosts/${long}\n${head} refs/tags/hosts/web-1/${long}\n`);
    const auditor = hostStore(0);
    expect((await auditor.run(['remote', 'add', 'origin', server.url])).code).toBe(0);
    const f = await auditor.run(['fetch']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toBe('new host web-1 (1 change)\n');
    expect(f.stderr).toBe(`warning: skipped "refs/heads/hosts/${long}": not a valid host name\nwarning: skipped "refs/tags/hosts/web-1/${long}": not a valid host name\n`);
    expect((await auditor.run(['hosts'])).code).toBe(0);
  });

  it('a tag moved in a host store: push says to put it back or delete it (pull cannot help), and after that the push goes through', async () => {
    const server = await startGitHttpServer();
    const web1 = hostStore(2);
    gitIn(web1.gitdir, ['tag', 'rel-1', 'main']);
    expect((await web1.run(['remote', 'add', 'origin', server.url, '--host', 'web-1'])).code).toBe(0);
    expect((await web1.run(['push'])).code).toBe(0);
    const onServer = gitIn(server.repo, ['rev-parse', 'refs/tags/hosts/web-1/rel-1']).trim();
    gitIn(web1.gitdir, ['tag', '-f', 'rel-1', 'main~1']);
    web1.change('3');
    const r = await web1.run(['push']);
    expect(r.code).toBe(13);
    expect(r.stderr).toBe(`cfgtrail: push refused, nothing changed on the server: tag rel-1 points to ${gitIn(web1.gitdir, ['rev-parse', '--short=7', 'main~2']).trim()} here and to ${onServer.slice(0, 7)} on the server (tags are never moved there): put it back (git --git-dir .cfgtrail tag -f rel-1 ${onServer.slice(0, 12)}) or delete it here (git --git-dir .cfgtrail tag -d rel-1), then push again\n`);
    gitIn(web1.gitdir, ['tag', '-f', 'rel-1', onServer.slice(0, 12)]);
    const again = await web1.run(['push']);
    expect(again.code, again.stderr).toBe(0);
    expect(gitIn(server.repo, ['rev-parse', 'hosts/web-1']).trim()).toBe(gitIn(web1.gitdir, ['rev-parse', 'main']).trim());
  });

  it('verification notes rewritten by native git notes: push says how to merge them (pull alone kept them diverged), and after the merge the push goes through', async () => {
    const server = await startGitHttpServer();
    const db1 = hostStore(2);
    gitIn(db1.gitdir, ['notes', '--ref', 'cfgtrail', 'add', '-m', 'verify: ok', 'main']);
    expect((await db1.run(['remote', 'add', 'origin', server.url, '--host', 'db-1'])).code).toBe(0);
    expect((await db1.run(['push'])).code).toBe(0);
    const notes = gitIn(db1.gitdir, ['rev-parse', 'refs/notes/cfgtrail']).trim();
    const rewritten = gitIn(db1.gitdir, ['commit-tree', `${notes}^{tree}`, '-m', 'notes rewritten'], { GIT_COMMITTER_NAME: 'Ops', GIT_COMMITTER_EMAIL: 'ops@example.com' }).trim();
    gitIn(db1.gitdir, ['update-ref', 'refs/notes/cfgtrail', rewritten]);
    gitIn(db1.gitdir, ['notes', '--ref', 'cfgtrail', 'add', '-f', '-m', 'verify: failed', 'main~1'], { GIT_COMMITTER_NAME: 'Ops', GIT_COMMITTER_EMAIL: 'ops@example.com' });
    const r = await db1.run(['push']);
    expect(r.code).toBe(13);
    expect(r.stderr).toBe("cfgtrail: push refused, nothing changed on the server: the verification notes here (refs/notes/cfgtrail) and the server's notes/hosts/db-1 have diverged; merge them: cfgtrail pull origin, then git --git-dir .cfgtrail notes --ref cfgtrail merge -s cat_sort_uniq refs/notes/remotes/origin/hosts/db-1, then push again\n");
    expect((await db1.run(['pull', 'origin'])).stdout).toMatch(/notes kept \(they diverged/);
    gitIn(db1.gitdir, ['notes', '--ref', 'cfgtrail', 'merge', '-s', 'cat_sort_uniq', 'refs/notes/remotes/origin/hosts/db-1'], { GIT_COMMITTER_NAME: 'Ops', GIT_COMMITTER_EMAIL: 'ops@example.com', GIT_AUTHOR_NAME: 'Ops', GIT_AUTHOR_EMAIL: 'ops@example.com' });
    const again = await db1.run(['push']);
    expect(again.code, again.stderr).toBe(0);
    expect(gitIn(server.repo, ['notes', '--ref', 'refs/notes/hosts/db-1', 'show', 'hosts/db-1'])).toBe('verify: ok\n');
    expect(gitIn(server.repo, ['notes', '--ref', 'refs/notes/hosts/db-1', 'show', 'hosts/db-1~1'])).toBe('verify: failed\n');
  });

  it('log --all-hosts shows terminal controls in fetched titles, bodies, authors and trailers as \\x1b, never sends them to the terminal', async () => {
    const server = await startGitHttpServer();
    const evil = hostStore(1, { GIT_AUTHOR_NAME: 'Mallory \x1b[2J' });
    writeFileSync(join(evil.dir, 'config.yaml'), 'pool: x\n');
    const snap = await evil.run(['snapshot', '-m', 'evil \x1b]0;pwned\x07\x1b[2J title', '--impact', 'because \x1b[31mred', '--body', 'body \x1b[1mbold']);
    expect(snap.code, snap.stderr).toBe(0);
    expect((await evil.run(['remote', 'add', 'origin', server.url, '--host', 'evil'])).code).toBe(0);
    expect((await evil.run(['push'])).code).toBe(0);
    const auditor = hostStore(0);
    expect((await auditor.run(['remote', 'add', 'origin', server.url])).code).toBe(0);
    expect((await auditor.run(['fetch'])).code).toBe(0);
    for (const args of [['--oneline'], []]) {
      const r = await auditor.run(['log', '--all-hosts', ...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(r.stdout).toContain('evil \\x1b]0;pwned\\x07\\x1b[2J title');
      if (args.length === 0) expect(r.stdout).toContain('Mallory \\x1b[2J');
    }
    const json = JSON.parse((await auditor.run(['log', '--all-hosts', '--json'])).stdout) as { title: string }[];
    expect(json[0]!.title).toBe('evil \x1b]0;pwned\x07\x1b[2J title'); // --json carries the title itself
  });
});
