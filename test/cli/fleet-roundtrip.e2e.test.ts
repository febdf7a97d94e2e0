/**
 * The whole fleet path the issue describes, with nothing made by hand: hosts
 * snapshot with the CLI and `cfgtrail push` to a real `git http-backend`
 * behind HTTP Basic auth, an auditor `cfgtrail fetch`es, and the fleet
 * queries (`hosts`, `log --host/--all-hosts`, `blame`, `suspects`) answer
 * for each host as the host itself answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn } from '../helpers/cli.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { hostStore, type HostStore } from '../helpers/fleet-store.js';

const AUTH = { user: 'fleet', password: 'rt-Pa55-word-9' };
const CREDS = { CFGTRAIL_REMOTE_USERNAME: AUTH.user, CFGTRAIL_REMOTE_PASSWORD: AUTH.password };

async function ok(h: HostStore, args: string[]): Promise<string> {
  const r = await h.run(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  expect(r.stdout + r.stderr).not.toContain(AUTH.password);
  return r.stdout;
}

describe('a fleet through a git server: push from hosts, fetch, query across hosts', () => {
  it('log --host equals the host\'s own log; --all-hosts merges by date with labels; blame and suspects answer per host', async () => {
    const server = await startGitHttpServer({ auth: AUTH });
    const web1 = hostStore(2, CREDS);
    const web2 = hostStore(3, CREDS);
    for (const [h, name] of [[web1, 'web-1'], [web2, 'web-2']] as const) {
      await ok(h, ['remote', 'add', 'origin', server.url, '--host', name]);
      await ok(h, ['push']);
    }
    // web-1 changes the pool with a risky, componented change later, and pushes again
    writeFileSync(join(web1.dir, 'config.yaml'), 'pool: 50\n');
    await ok(web1, ['snapshot', '-m', 'Raise pool for the sale', '--risk', 'high', '--component', 'db']);
    await ok(web1, ['push']);

    const auditor = hostStore(0, CREDS);
    await ok(auditor, ['remote', 'add', 'origin', server.url]);
    expect(await ok(auditor, ['fetch'])).toBe('new host web-1 (3 changes)\nnew host web-2 (3 changes)\n');

    const hosts = JSON.parse(await ok(auditor, ['hosts', '--json'])) as { host: string; changes: number }[];
    expect(hosts.map((h) => [h.host, h.changes])).toEqual([['web-1', 3], ['web-2', 3]]);

    // each host as the host itself sees it, text and JSON
    for (const [h, name] of [[web1, 'web-1'], [web2, 'web-2']] as const) {
      expect(await ok(auditor, ['log', '--host', name])).toBe(await ok(h, ['log']));
      expect(await ok(auditor, ['log', '--host', name, '--json'])).toBe(await ok(h, ['log', '--json']));
      expect(await ok(auditor, ['blame', 'config.yaml', '--host', name])).toBe(await ok(h, ['blame', 'config.yaml']));
    }

    // the fleet merged newest first, as native git orders the fetched branches
    const all = (await ok(auditor, ['log', '--all-hosts', '--oneline'])).trim().split('\n');
    const witness = gitIn(auditor.gitdir, ['log', '--remotes', '--date-order', '--format=%h']).trim().split('\n');
    const ours = all.map((l) => /^\[(web-\d)\] (\w{7}) /.exec(l)?.[2] ?? l);
    expect([...ours].sort()).toEqual([...witness].sort());
    // newest first by committer date (commits of one second may come in either order, as in git)
    const times = ours.map((c) => Number(gitIn(auditor.gitdir, ['show', '-s', '--format=%ct', c]).trim()));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const l of all) {
      const [, host, c] = /^\[(web-\d)\] (\w{7}) /.exec(l)!;
      expect(gitIn(auditor.gitdir, ['branch', '-r', '--contains', c!]).trim()).toContain(`origin/hosts/${host}`);
    }
    expect(all[0]).toMatch(/^\[web-1\] \w{7} I[0-9a-f]{8} Raise pool for the sale \(risk: high\)$/);

    // filters across the fleet: the one high-risk change, on web-1
    const risky = JSON.parse(await ok(auditor, ['log', '--all-hosts', '--risk', 'high', '--json'])) as { host: string; title: string }[];
    expect(risky.map((e) => [e.host, e.title])).toEqual([['web-1', 'Raise pool for the sale']]);

    // suspects across the fleet name the host of each change
    const at = gitIn(web1.gitdir, ['log', '-1', '--format=%cI']).trim();
    const sus = await ok(auditor, ['suspects', '--at', at, '--window', '1d', '--all-hosts']);
    expect(sus).toMatch(/web-1/);
    expect(sus).toContain('Raise pool for the sale');
    gitIn(auditor.gitdir, ['fsck', '--strict']);
  });

  it('wrong credentials are refused (exit 21) before anything is fetched, and the password is printed nowhere', async () => {
    const server = await startGitHttpServer({ auth: AUTH });
    const web1 = hostStore(1, CREDS);
    await ok(web1, ['remote', 'add', 'origin', server.url, '--host', 'web-1']);
    await ok(web1, ['push']);
    const auditor = hostStore(0);
    await ok(auditor, ['remote', 'add', 'origin', server.url]);
    const bad = await auditor.run(['fetch'], { CFGTRAIL_REMOTE_USERNAME: AUTH.user, CFGTRAIL_REMOTE_PASSWORD: 'not-the-Pa55word' });
    expect(bad.code).toBe(21);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stdout + bad.stderr).not.toContain('not-the-Pa55word');
    expect(gitIn(auditor.gitdir, ['for-each-ref'])).toBe('');
    const none = await auditor.run(['log', '--all-hosts']);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/cfgtrail fetch/);
  });
});
