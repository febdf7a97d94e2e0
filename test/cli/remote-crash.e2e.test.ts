import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, gitIn, tempDir } from '../helpers/cli.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { hostStore } from '../helpers/fleet-store.js';

const hasStrace = spawnSync('strace', ['-V']).status === 0;

/** The CLI under strace, without blocking this process (the test's server must answer); resolves to the exit code (null: killed). */
function straced(strace: string[], args: string[], cwd: string): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('strace', ['-f', '-qq', ...strace, process.execPath, BIN, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function fleetRefs(gitdir: string): Map<string, string> {
  const out = gitIn(gitdir, ['for-each-ref', '--format=%(refname) %(objectname)']);
  return new Map(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

describe.skipIf(!hasStrace)('fleet commands under strace', () => {
  it('loads isomorphic-git (dist/vendor/git-remote.cjs) only for the remote commands: log never opens it', async () => {
    const s = hostStore(1);
    const remoteTrace = join(tempDir(), 'remote.strace');
    expect((await straced(['-e', 'trace=open,openat', '-o', remoteTrace], ['remote', '-v'], s.dir)).code).toBe(0);
    expect(readFileSync(remoteTrace, 'utf8')).toMatch(/dist\/vendor\/git-remote\.cjs/);
    const logTrace = join(tempDir(), 'log.strace');
    expect((await straced(['-e', 'trace=open,openat', '-o', logTrace], ['log', '--oneline'], s.dir)).code).toBe(0);
    const opened = readFileSync(logTrace, 'utf8');
    expect(opened).toMatch(/dist\/cli\.cjs/);
    expect(opened).not.toMatch(/git-remote\.cjs|isomorphic-git/);
  }, 60_000);

  it('SIGKILL at each rename and at several writes of a fetch leaves every ref old or new, the store readable and git fsck clean', async () => {
    const server = await startGitHttpServer();
    for (const host of ['web-1', 'web-2']) {
      const h = hostStore(3);
      gitIn(h.gitdir, ['tag', `v-${host}`, 'main']);
      gitIn(h.gitdir, ['notes', '--ref', 'cfgtrail', 'add', '-m', `ok ${host}`, 'main']);
      await h.run(['remote', 'add', 'origin', server.url, '--host', host]);
      expect((await h.run(['push'])).code).toBe(0);
    }
    const reference = hostStore(0);
    await reference.run(['remote', 'add', 'origin', server.url]);
    expect((await reference.run(['fetch'])).code).toBe(0);
    const after = fleetRefs(reference.gitdir);
    expect(after.size).toBe(6); // 2 branches, 2 notes refs, 2 tags

    const tried: string[] = [];
    const points = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => ['rename,renameat,renameat2', n] as const), ...[5, 20, 40, 80].map((n) => ['write', n] as const)];
    for (const [call, when] of points) {
      const a = hostStore(0);
      await a.run(['remote', 'add', 'origin', server.url]);
      const r = await straced(['-o', '/dev/null', '-e', `trace=${call}`, '-e', `inject=${call}:signal=SIGKILL:when=${when}`], ['fetch'], a.dir);
      tried.push(`${call}#${when}:${r.signal ?? r.code}`);
      for (const [ref, oid] of fleetRefs(a.gitdir)) expect(after.get(ref), `${call}#${when} ${ref}`).toBe(oid); // never a third value
      gitIn(a.gitdir, ['fsck', '--strict', '--no-dangling']);
      expect((await a.run(['log'])).code, `${call}#${when}`).toBe(0);
      const again = await a.run(['fetch']);
      expect(again.code, `${call}#${when}: ${again.stderr}`).toBe(0);
      expect(fleetRefs(a.gitdir)).toEqual(after);
      gitIn(a.gitdir, ['fsck', '--strict', '--no-dangling']);
    }
    expect(tried.filter((t) => t.endsWith(':SIGKILL')).length).toBeGreaterThanOrEqual(8);
  }, 300_000);

  it('SIGKILL at each rename of a pull into a re-created store: main is old (none) or new, never damaged; the next pull finishes', async () => {
    const server = await startGitHttpServer();
    const old = hostStore(3);
    gitIn(old.gitdir, ['notes', '--ref', 'cfgtrail', 'add', '-m', 'ok', 'main']);
    await old.run(['remote', 'add', 'origin', server.url, '--host', 'db-1']);
    expect((await old.run(['push'])).code).toBe(0);
    const main = gitIn(old.gitdir, ['rev-parse', 'main']).trim();
    const killed: number[] = [];
    for (let when = 1; when <= 8; when++) {
      const s = hostStore(0);
      await s.run(['remote', 'add', 'origin', server.url, '--host', 'db-1']);
      const r = await straced(['-o', '/dev/null', '-e', 'trace=rename,renameat,renameat2', '-e', `inject=rename,renameat,renameat2:signal=SIGKILL:when=${when}`], ['pull'], s.dir);
      if (r.signal === 'SIGKILL') killed.push(when);
      expect(['', main], `rename #${when}`).toContain(gitIn(s.gitdir, ['for-each-ref', '--format=%(objectname)', 'refs/heads/main']).trim());
      gitIn(s.gitdir, ['fsck', '--strict', '--no-dangling']);
      const lg = await s.run(['log']);
      expect(lg.code, `rename #${when}: ${lg.stderr}`).toBe(0);
      const again = await s.run(['pull']);
      expect(again.code, `rename #${when}: ${again.stderr}`).toBe(0);
      expect(gitIn(s.gitdir, ['rev-parse', 'main']).trim()).toBe(main);
      expect(gitIn(s.gitdir, ['notes', '--ref', 'cfgtrail', 'show', 'main'])).toBe('ok\n');
    }
    expect(killed.length).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it('SIGKILL during a push (at several of its writes and sends): the server keeps the old refs or the new, fsck clean; pushing again finishes', async () => {
    const server = await startGitHttpServer();
    const h = hostStore(20);
    await h.run(['remote', 'add', 'origin', server.url, '--host', 'web-1']);
    const main = gitIn(h.gitdir, ['rev-parse', 'main']).trim();
    const landed: string[] = [];
    for (const when of [1, 2, 3, 4, 6, 10]) {
      gitIn(server.repo, ['update-ref', '-d', 'refs/heads/hosts/web-1']);
      const r = await straced(['-o', '/dev/null', '-e', 'trace=write,sendto,sendmsg,writev', '-e', `inject=write,sendto,sendmsg,writev:signal=SIGKILL:when=${when}`], ['push'], h.dir);
      if (r.signal === 'SIGKILL') landed.push(`#${when}`);
      await new Promise((res) => setTimeout(res, 300)); // the server finishes or drops the request
      expect(['', main], `write #${when}`).toContain(gitIn(server.repo, ['for-each-ref', '--format=%(objectname)', 'refs/heads/hosts/web-1']).trim());
      gitIn(server.repo, ['fsck', '--strict', '--no-dangling']);
      const again = await h.run(['push']);
      expect(again.code, `write #${when}: ${again.stderr}`).toBe(0);
      expect(gitIn(server.repo, ['rev-parse', 'refs/heads/hosts/web-1']).trim()).toBe(main);
    }
    expect(landed.length).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
