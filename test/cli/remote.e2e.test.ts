import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { gitIn, tempDir } from '../helpers/cli.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { hostStore, logOf } from '../helpers/fleet-store.js';

const AUTH = { user: 'fleet', password: 's3cret-Pa55' };
const CREDS = { CFGTRAIL_REMOTE_USERNAME: AUTH.user, CFGTRAIL_REMOTE_PASSWORD: AUTH.password };

describe('push, fetch and pull over git smart HTTP (native git http-backend)', () => {
  it('two hosts push to their own branches; an auditor fetches both, notes and tags included', async () => {
    const server = await startGitHttpServer({ auth: AUTH });
    const web1 = hostStore(3, CREDS);
    const web2 = hostStore(2, CREDS);
    gitIn(web1.gitdir, ['tag', 'release-1', 'main']);
    gitIn(web1.gitdir, ['notes', '--ref', 'cfgtrail', 'add', '-m', 'verify: ok', 'main']);
    for (const [s, host] of [[web1, 'web-1'], [web2, 'web-2']] as const) {
      expect((await s.run(['remote', 'add', 'origin', server.url, '--host', host])).code).toBe(0);
      const r = await s.run(['push']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`hosts/${host}: `);
    }
    expect(logOf(server.repo, 'hosts/web-1')).toBe(logOf(web1.gitdir, 'main'));
    expect(logOf(server.repo, 'hosts/web-2')).toBe(logOf(web2.gitdir, 'main'));
    expect(gitIn(server.repo, ['rev-parse', 'refs/notes/hosts/web-1']).trim()).toBe(gitIn(web1.gitdir, ['rev-parse', 'refs/notes/cfgtrail']).trim());
    expect(gitIn(server.repo, ['rev-parse', 'refs/tags/hosts/web-1/release-1']).trim()).toBe(gitIn(web1.gitdir, ['rev-parse', 'release-1']).trim());
    gitIn(server.repo, ['fsck', '--strict']);
    expect(gitIn(web1.gitdir, ['remote', '-v'])).toBe(`origin\t${server.url} (fetch)\norigin\t${server.url} (push)\n`);

    const auditor = hostStore(0, CREDS);
    expect((await auditor.run(['remote', 'add', 'origin', server.url])).code).toBe(0);
    const f = await auditor.run(['fetch']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toBe('new host web-1 (3 changes)\nnew host web-2 (2 changes)\n');
    expect(logOf(auditor.gitdir, 'refs/remotes/origin/hosts/web-1')).toBe(logOf(web1.gitdir, 'main'));
    expect(logOf(auditor.gitdir, 'refs/remotes/origin/hosts/web-2')).toBe(logOf(web2.gitdir, 'main'));
    expect(gitIn(auditor.gitdir, ['notes', '--ref', 'refs/notes/remotes/origin/hosts/web-1', 'show', 'refs/remotes/origin/hosts/web-1'])).toBe('verify: ok\n');
    expect(gitIn(auditor.gitdir, ['rev-parse', 'refs/tags/hosts/web-1/release-1']).trim()).toBe(gitIn(web1.gitdir, ['rev-parse', 'release-1']).trim());
    expect(gitIn(auditor.gitdir, ['for-each-ref', 'refs/heads/'])).toBe(''); // its own branch untouched
    expect((await auditor.run(['log'])).code).toBe(0); // a store that only fetched is still a new store, not a damaged one
    gitIn(auditor.gitdir, ['fsck', '--strict']);

    // incremental: only what is new travels, and an unchanged fleet is one line
    web1.change('10');
    web1.change('11');
    const p2 = await web1.run(['push']);
    expect(p2.stdout).toMatch(/^hosts\/web-1: 2 new changes \(\w{7}\.\.\w{7}\)\n$/);
    expect((await web1.run(['push'])).stdout).toBe('Everything up to date (origin hosts/web-1)\n');
    const f2 = await auditor.run(['fetch']);
    expect(f2.stdout).toBe('web-1: 2 new changes\n');
    expect(logOf(auditor.gitdir, 'refs/remotes/origin/hosts/web-1')).toBe(logOf(web1.gitdir, 'main'));
    expect((await auditor.run(['fetch'])).stdout).toBe('origin: already up to date\n');

    // a host deleted on the server is pruned locally, its tags with it
    gitIn(server.repo, ['update-ref', '-d', 'refs/heads/hosts/web-1']);
    gitIn(server.repo, ['update-ref', '-d', 'refs/notes/hosts/web-1']);
    gitIn(server.repo, ['update-ref', '-d', 'refs/tags/hosts/web-1/release-1']);
    expect((await auditor.run(['fetch'])).stdout).toBe('pruned web-1\n');
    expect(gitIn(auditor.gitdir, ['for-each-ref', '--format=%(refname)'])).toBe('refs/remotes/origin/hosts/web-2\n'); // web-2 pushed no notes
    gitIn(auditor.gitdir, ['fsck', '--strict']);
  });

  it('fetch --all reads every remote; remote remove forgets a remote and the hosts fetched from it', async () => {
    const [east, west] = [await startGitHttpServer(), await startGitHttpServer()];
    const h1 = hostStore(2);
    const h2 = hostStore(1);
    await h1.run(['remote', 'add', 'origin', east.url, '--host', 'web-1']);
    await h2.run(['remote', 'add', 'origin', west.url, '--host', 'web-2']);
    expect((await h1.run(['push'])).code).toBe(0);
    expect((await h2.run(['push'])).code).toBe(0);
    const auditor = hostStore(0);
    await auditor.run(['remote', 'add', 'east', east.url]);
    await auditor.run(['remote', 'add', 'west', west.url]);
    const none = await auditor.run(['fetch']);
    expect([none.code, none.stderr]).toEqual([5, 'cfgtrail: 2 remotes and none is origin: name one (east, west)\n']);
    const all = await auditor.run(['fetch', '--all']);
    expect(all.stdout).toBe('new host east/web-1 (2 changes)\nnew host west/web-2 (1 change)\n');
    expect((await auditor.run(['remote'])).stdout).toBe('east\nwest\n');
    expect((await auditor.run(['remote', 'remove', 'east'])).code).toBe(0);
    expect(gitIn(auditor.gitdir, ['for-each-ref', '--format=%(refname)'])).toBe('refs/remotes/west/hosts/web-2\n');
    expect(gitIn(auditor.gitdir, ['remote'])).toBe('west\n');
    gitIn(auditor.gitdir, ['fsck', '--strict']);
  });

  it('two fetches started at once into one store: both succeed, refs and objects whole', async () => {
    const server = await startGitHttpServer();
    for (const host of ['web-1', 'web-2', 'web-3']) {
      const h = hostStore(4);
      await h.run(['remote', 'add', 'origin', server.url, '--host', host]);
      expect((await h.run(['push'])).code).toBe(0);
    }
    const auditor = hostStore(0);
    await auditor.run(['remote', 'add', 'origin', server.url]);
    const [a, b] = await Promise.all([auditor.run(['fetch']), auditor.run(['fetch'])]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const lines = (a.stdout + b.stdout).trim().split('\n').sort();
    expect(lines).toEqual(['new host web-1 (4 changes)', 'new host web-2 (4 changes)', 'new host web-3 (4 changes)', 'origin: already up to date']);
    for (const host of ['web-1', 'web-2', 'web-3']) expect(logOf(auditor.gitdir, `refs/remotes/origin/hosts/${host}`)).toBe(logOf(server.repo, `refs/heads/hosts/${host}`));
    gitIn(auditor.gitdir, ['fsck', '--strict']);
  });

  it('push builds its pack holding the store lock (a gc cannot swap packs under it): a held lock is waited for, then LOCKED, nothing sent', async () => {
    const server = await startGitHttpServer();
    const h = hostStore(2);
    await h.run(['remote', 'add', 'origin', server.url, '--host', 'web-1']);
    const settings = join(h.gitdir, 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('lock_timeout: 10', 'lock_timeout: 1'));
    const lock = join(h.gitdir, 'cfgtrail.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), command: 'test holder', since: new Date().toISOString() }));
    const blocked = await h.run(['push']);
    expect(blocked.code).toBe(6);
    expect(blocked.stderr).toMatch(/^cfgtrail: the store is locked by pid \d+ \(test holder/);
    expect(gitIn(server.repo, ['for-each-ref'])).toBe('');
    rmSync(lock);
    expect((await h.run(['push'])).code).toBe(0);
    expect(logOf(server.repo, 'hosts/web-1')).toBe(logOf(h.gitdir, 'main'));
  });

  it('refuses a push when the server has diverged, changing nothing there', async () => {
    const server = await startGitHttpServer();
    const a = hostStore(2);
    const b = hostStore(2); // another store claiming the same host name
    for (const s of [a, b]) await s.run(['remote', 'add', 'origin', server.url, '--host', 'web-1']);
    expect((await a.run(['push'])).code).toBe(0);
    const before = gitIn(server.repo, ['for-each-ref']);
    const r = await b.run(['push']);
    expect(r.code).toBe(13);
    expect(r.stderr).toMatch(/^cfgtrail: push refused, nothing changed on the server: hosts\/web-1 has history this store does not\. .*cfgtrail\.host.*cfgtrail pull/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(gitIn(server.repo, ['for-each-ref'])).toBe(before);
  });

  it('pull restores a re-created, empty store from its host branch (log lists it); a diverged store is refused', async () => {
    const server = await startGitHttpServer();
    const old = hostStore(3);
    await old.run(['remote', 'add', 'origin', server.url, '--host', 'db-1']);
    gitIn(old.gitdir, ['notes', '--ref', 'cfgtrail', 'add', '-m', 'verify: ok', 'main']);
    expect((await old.run(['push'])).code).toBe(0);
    const fresh = hostStore(0);
    writeFileSync(join(fresh.dir, 'config.yaml'), 'pool: live\n');
    await fresh.run(['remote', 'add', 'origin', server.url, '--host', 'db-1']);
    const r = await fresh.run(['pull']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('fast-forwarded to origin/hosts/db-1: 3 changes; notes updated; live files untouched: run cfgtrail status / cfgtrail rollback to apply\n');
    expect(logOf(fresh.gitdir, 'main')).toBe(logOf(old.gitdir, 'main'));
    expect(gitIn(fresh.gitdir, ['reflog', 'main']).split('\n')[0]).toMatch(/pull origin: fast-forward to hosts\/db-1/);
    expect(gitIn(fresh.gitdir, ['notes', '--ref', 'cfgtrail', 'show', 'main'])).toBe('verify: ok\n');
    const log = await fresh.run(['log', '--oneline']);
    expect(log.stdout.trim().split('\n')).toHaveLength(3);
    expect(log.stdout).toContain('set pool 3');
    expect(await import('node:fs').then((fs) => fs.readFileSync(join(fresh.dir, 'config.yaml'), 'utf8'))).toBe('pool: live\n');
    gitIn(fresh.gitdir, ['fsck', '--strict']);
    expect((await fresh.run(['pull'])).stdout).toBe('already up to date with origin/hosts/db-1\n');

    // An interrupted rollback's journal (what a kill while restoring files leaves, written here
    // directly) names the head it started from: a pull moving the branch would orphan it.
    old.change('4');
    expect((await old.run(['push'])).code).toBe(0);
    const head = gitIn(fresh.gitdir, ['rev-parse', 'main']).trim();
    const target = gitIn(fresh.gitdir, ['rev-parse', 'main~1']).trim();
    writeFileSync(join(fresh.gitdir, 'cfgtrail-rollback.json'), JSON.stringify({ version: 2, head, preRollbackCommit: null, commit: null, target, files: null, reason: null, restart: false, verify: false, startedAt: new Date().toISOString() }));
    const pending = await fresh.run(['pull']);
    expect([pending.code, pending.stderr.trim().split('\n').length]).toEqual([13, 1]);
    expect(pending.stderr).toMatch(/^cfgtrail: not pulling: a rollback to [0-9a-f]{7} was interrupted while restoring files/);
    expect(gitIn(fresh.gitdir, ['rev-parse', 'main']).trim()).toBe(head);
    rmSync(join(fresh.gitdir, 'cfgtrail-rollback.json'));
    expect((await fresh.run(['pull'])).code).toBe(0);
    expect(logOf(fresh.gitdir, 'main')).toBe(logOf(old.gitdir, 'main'));

    const other = hostStore(1);
    await other.run(['remote', 'add', 'origin', server.url, '--host', 'db-1']);
    const d = await other.run(['pull']);
    expect(d.code).toBe(13);
    expect(d.stderr).toMatch(/^cfgtrail: this store and origin\/hosts\/db-1 have diverged; pull never merges/);
  });

  it('wrong or missing credentials exit 21 and the password appears nowhere; a 0644 credentials file is refused', async () => {
    const server = await startGitHttpServer({ auth: AUTH });
    const s = hostStore(1);
    await s.run(['remote', 'add', 'origin', server.url, '--host', 'web-1']);
    const wrong = await s.run(['push'], { CFGTRAIL_REMOTE_USERNAME: 'fleet', CFGTRAIL_REMOTE_PASSWORD: 'wrong-Pa55word' });
    expect(wrong.code).toBe(21);
    expect(wrong.stderr).toMatch(/^cfgtrail: .* refused the credentials from the environment \(CFGTRAIL_REMOTE_USERNAME\/CFGTRAIL_REMOTE_PASSWORD\)/);
    expect(wrong.stdout + wrong.stderr).not.toContain('wrong-Pa55word');
    const none = await s.run(['fetch']);
    expect(none.code).toBe(21);
    expect(none.stderr).toMatch(/asks for credentials and none are set \(no \S+credentials\)/);
    // a file that matches nothing (here UTF-16, which git-credential-store cannot read either) is named
    const utf16 = join(tempDir('cfgtrail-home-'), 'credentials');
    writeFileSync(utf16, Buffer.from(`\ufeff${server.url.replace('http://', 'http://fleet:x@')}\n`, 'utf16le'), { mode: 0o600 });
    const unread = await s.run(['fetch'], { CFGTRAIL_CREDENTIALS_FILE: utf16 });
    expect([unread.code, unread.stderr]).toEqual([21, expect.stringContaining(`none are set (${utf16} has no line git-credential-store can read for this server)`)]);

    const home = tempDir('cfgtrail-home-');
    const file = join(home, 'credentials');
    writeFileSync(file, `https://x:y@elsewhere.example\n${server.url.replace('http://', `http://${AUTH.user}:${encodeURIComponent(AUTH.password)}@`).replace('/fleet.git', '')}\n`);
    chmodSync(file, 0o644);
    const loose = await s.run(['push'], { CFGTRAIL_CREDENTIALS_FILE: file });
    expect(loose.code).toBe(5);
    expect(loose.stderr).toBe(`cfgtrail: ${file} must be yours and private: run chmod 600 ${file}\n`);
    chmodSync(file, 0o600);
    const good = await s.run(['push'], { CFGTRAIL_CREDENTIALS_FILE: file });
    expect(good.code, good.stderr).toBe(0);
    expect(logOf(server.repo, 'hosts/web-1')).toBe(logOf(s.gitdir, 'main'));
    const bad = await s.run(['push'], { CFGTRAIL_CREDENTIALS_FILE: file, CFGTRAIL_REMOTE_USERNAME: 'fleet', CFGTRAIL_REMOTE_PASSWORD: 'nope-Pa55' });
    expect(bad.code).toBe(21); // the environment comes first, and says so
    expect(bad.stderr).toMatch(/refused the credentials from the environment/);
    expect(bad.stdout + bad.stderr).not.toContain('nope-Pa55');
  });

  it('a server advertising a ref name with terminal controls is skipped with a warning that shows them escaped', async () => {
    // A hostile server, not git http-backend: git itself refuses to make such a ref name.
    const oid = 'a'.repeat(40);
    const pkt = (t: string) => `${(Buffer.byteLength(t, 'latin1') + 4).toString(16).padStart(4, '0')}${t}`;
    const body = `${pkt('# service=git-upload-pack\n')}0000${pkt(`${oid} refs/heads/hosts/ev\x1b[2J\x1b]0;owned\x07il\0report-status\n`)}0000`;
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' }).end(Buffer.from(body, 'latin1')));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    onTestFinished(() => new Promise<void>((ok) => server.close(() => ok())));
    const auditor = hostStore(0);
    expect((await auditor.run(['remote', 'add', 'origin', `http://127.0.0.1:${(server.address() as AddressInfo).port}/fleet.git`])).code).toBe(0);
    const r = await auditor.run(['fetch']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('warning: skipped "refs/heads/hosts/ev\\u001b[2J\\u001b]0;owned\\u0007il": not a valid host name\n');
  });

  it('credentials headed over plain http off this machine get one warning line first; https and loopback do not', async () => {
    const s = hostStore(1);
    // TEST-NET-1 (RFC 5737): never routed, so nothing is sent anywhere
    await s.run(['remote', 'add', 'far', 'http://192.0.2.1:9/fleet.git', '--host', 'web-1']);
    await s.run(['remote', 'add', 'tls', 'https://192.0.2.1:9/fleet.git']);
    await s.run(['remote', 'add', 'local', 'http://127.0.0.1:9/fleet.git']);
    const far = await s.run(['push', 'far'], { ...CREDS, CFGTRAIL_REMOTE_TIMEOUT: '1' });
    expect(far.code).toBe(20);
    expect(far.stderr.split('\n')[0]).toBe('warning: credentials for 192.0.2.1:9 go over plain http, readable on the way; use an https:// URL');
    expect(far.stderr.trim().split('\n')).toHaveLength(2); // the warning, then the one line of the failure
    for (const r of [far, await s.run(['push', 'tls'], { ...CREDS, CFGTRAIL_REMOTE_TIMEOUT: '1' }), await s.run(['push', 'local'], CREDS)]) {
      expect(r.stdout + r.stderr).not.toContain(AUTH.password);
      if (r !== far) expect([r.code, r.stderr]).toEqual([20, expect.not.stringContaining('warning:')]);
    }
    // without credentials there is nothing to warn about
    expect((await s.run(['push', 'far'], { CFGTRAIL_REMOTE_TIMEOUT: '1' })).stderr).not.toContain('warning:');
  });

  it('an unreachable server, a server answering garbage or 500, and one that never answers exit 20', async () => {
    const server = await startGitHttpServer();
    const s = hostStore(1);
    await s.run(['remote', 'add', 'origin', server.url, '--host', 'web-1']);
    await s.run(['remote', 'add', 'dead', 'http://127.0.0.1:9/fleet.git']);
    const dead = await s.run(['push', 'dead']);
    expect([dead.code, dead.stderr]).toEqual([20, expect.stringMatching(/^cfgtrail: cannot reach http:\/\/127\.0\.0\.1:9\/fleet\.git: .*ECONNREFUSED/)]);
    server.state.mode = 'garbage';
    const garbage = await s.run(['fetch', 'origin']);
    expect([garbage.code, garbage.stderr]).toEqual([20, expect.stringMatching(/did not answer as a git server/)]);
    server.state.mode = 'error500';
    const e500 = await s.run(['push', 'origin']);
    expect([e500.code, e500.stderr]).toEqual([20, expect.stringMatching(/HTTP 500/)]);
    server.state.mode = 'hang';
    const t0 = Date.now();
    const hang = await s.run(['push', 'origin'], { CFGTRAIL_REMOTE_TIMEOUT: '1' });
    expect([hang.code, hang.stderr]).toEqual([20, expect.stringMatching(/timed out/)]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const badTimeout = await s.run(['fetch', 'origin'], { CFGTRAIL_REMOTE_TIMEOUT: 'soon' });
    expect([badTimeout.code, badTimeout.stderr]).toEqual([5, "cfgtrail: CFGTRAIL_REMOTE_TIMEOUT must be a number of seconds, got 'soon'\n"]);
  });

  it('refuses URLs with credentials, non-http URLs and bad host names with one line; remote -v never shows credentials', async () => {
    const s = hostStore(0);
    const cases: [string[], RegExp][] = [
      [['remote', 'add', 'origin', 'https://u:pw-Secret1@git.example/fleet.git'], /URL holds credentials/],
      [['remote', 'add', 'origin', 'ssh://git.example/fleet.git'], /only http:\/\/ and https:\/\/ remotes are supported .*not ssh/],
      [['remote', 'add', 'origin', 'https://git.example/f.git', '--host', '../x'], /host name '\.\.\/x' cannot name a git branch/],
      [['remote', 'add', 'origin', 'https://git.example/f.git', '--host', 'web.lock'], /cannot name a git branch/],
      [['remote', 'add', '-bad', 'https://git.example/f.git'], /./],
      [['push'], /no remote: add one with cfgtrail remote add origin URL/],
    ];
    for (const [args, re] of cases) {
      const r = await s.run(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toContain('pw-Secret1');
    }
    expect((await s.run(['remote', 'add', 'origin', 'https://git.example/fleet.git'])).code).toBe(0);
    expect((await s.run(['remote', '-v'])).stdout).toBe('origin\thttps://git.example/fleet.git (fetch)\norigin\thttps://git.example/fleet.git (push)\n');
    expect(gitIn(s.gitdir, ['config', '--get-all', 'remote.origin.fetch'])).toBe('+refs/heads/hosts/*:refs/remotes/origin/hosts/*\n');
    gitIn(s.gitdir, ['remote', 'add', 'handmade', 'https://u:pw-Secret1@git.example/fleet.git']); // credentials written by hand
    const v = await s.run(['remote', '-v']);
    expect(v.stdout).toContain('handmade\thttps://git.example/fleet.git (fetch)\n');
    expect(v.stdout).not.toContain('pw-Secret1');
    const refused = await s.run(['push', 'handmade']);
    expect([refused.code, refused.stderr.includes('pw-Secret1')]).toEqual([5, false]);
    gitIn(s.gitdir, ['remote', 'remove', 'handmade']);
    expect((await s.run(['remote', 'remove', 'origin'])).code).toBe(0);
    expect((await s.run(['remote'])).stdout).toBe('');
    // the only remote, picked without being named, is checked the same way
    gitIn(s.gitdir, ['remote', 'add', 'origin', 'http://u:pw-Secret1@127.0.0.1:9/fleet.git']);
    for (const verb of ['fetch', 'pull']) {
      const r = await s.run([verb]);
      expect([verb, r.code, r.stderr]).toEqual([verb, 5, expect.stringMatching(/^cfgtrail: the URL holds credentials: leave them out/)]);
    }
  });
});
