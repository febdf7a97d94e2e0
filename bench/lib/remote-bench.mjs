// cfgtrail push / fetch of the 10,000-change store through native `git
// http-backend` on 127.0.0.1 (test/helpers/git-http-backend.mjs, in its own
// process: spawnSync blocks this one), side by side with native git pushing and
// fetching the same refs to and from the same server. NODE_EXTRA_CA_CERTS unset.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compare, timeOnce } from './measure.mjs';
import { run } from './gen-store.mjs';

const SERVER = resolve(import.meta.dirname, '../../test/helpers/git-http-backend.mjs');
const FLEET_REFSPECS = ['+refs/heads/hosts/*:refs/remotes/origin/hosts/*', '+refs/notes/hosts/*:refs/notes/remotes/origin/hosts/*'];

function startServer(root) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [SERVER, root], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', fail);
    child.stdout.once('data', (d) => ok({ port: Number(String(d).trim()), stop: () => child.kill() }));
  });
}

function bareRepo(path) {
  rmSync(path, { recursive: true, force: true });
  run('git', ['init', '-q', '--bare', path]);
  run('git', ['--git-dir', path, 'config', 'http.receivepack', 'true']);
}

export async function benchRemote(ctx, label, store, log) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-bench-remote-'));
  const srv = join(dir, 'srv');
  mkdirSync(srv);
  const server = await startServer(srv);
  const url = (name) => `http://127.0.0.1:${server.port}/${name}.git`;
  try {
    const host = join(dir, 'host');
    cpSync(store.root, host, { recursive: true });
    const gitdir = join(host, '.cfgtrail');
    const section = `fleet: push and fetch over git smart HTTP (native git http-backend on 127.0.0.1), ${label}, whole process`;
    const ours = (args, cwd = host) => ({ argv: [ctx.cli, ...args], cwd, env });
    const native = (args) => ({ argv: ['git', ...args], env });

    log(`${label}: first push (one sample each side)`);
    bareRepo(join(srv, 'ours.git'));
    bareRepo(join(srv, 'native.git'));
    run(ctx.cli, ['-C', host, 'remote', 'add', 'origin', url('ours'), '--host', 'bench'], { env });
    const firstOurs = timeOnce(ours(['push']).argv, ours(['push'])).ms;
    const firstNative = timeOnce(native(['--git-dir', gitdir, 'push', '-q', url('native'), 'main:refs/heads/hosts/bench']).argv, { env }).ms;
    ctx.row({ section, name: 'push, first (10,000 changes to an empty server repository), 1 sample', oursMs: firstOurs, native: 'git push of the same refs', nativeMs: firstNative, ratio: firstOurs / firstNative });

    log(`${label}: push of 1 new change, and up to date`);
    const back = (repo) => run('git', ['--git-dir', join(srv, repo), 'update-ref', 'refs/heads/hosts/bench', 'refs/heads/hosts/bench~1']);
    const nativePush = native(['--git-dir', gitdir, 'push', '-q', url('native'), 'main:refs/heads/hosts/bench']);
    const [inc, incNative] = compare([ours(['push']), nativePush], ctx.runs, { prepare: (k) => back(k === 0 ? 'ours.git' : 'native.git') });
    ctx.row({ section, name: 'push, 1 new change', oursMs: inc.ms, native: 'git push', nativeMs: incNative.ms, ratio: inc.ms / incNative.ms });
    const [same, sameNative] = compare([ours(['push']), nativePush], ctx.runs);
    ctx.row({ section, name: 'push, everything up to date', oursMs: same.ms, native: 'git push', nativeMs: sameNative.ms, ratio: same.ms / sameNative.ms });

    log(`${label}: first fetch into an empty auditor store`);
    const auditor = join(dir, 'auditor');
    const plainAuditor = join(dir, 'plain-auditor.git');
    const freshAuditor = () => {
      rmSync(auditor, { recursive: true, force: true });
      mkdirSync(auditor);
      run(ctx.cli, ['-C', auditor, 'init'], { env });
      run(ctx.cli, ['-C', auditor, 'remote', 'add', 'origin', url('ours')], { env });
    };
    const nativeFetch = native(['--git-dir', plainAuditor, 'fetch', '-q', url('ours'), ...FLEET_REFSPECS]);
    const [fetch, fetchNative] = compare([ours(['fetch'], auditor), nativeFetch], ctx.runs, { prepare: (k) => (k === 0 ? freshAuditor() : bareRepo(plainAuditor)) });
    ctx.row({ section, name: 'fetch, first (1 host, 10,000 changes, into an empty store)', oursMs: fetch.ms, native: 'git fetch of the same refs into an empty repository', nativeMs: fetchNative.ms, ratio: fetch.ms / fetchNative.ms });
    const [fetchSame, fetchSameNative] = compare([ours(['fetch'], auditor), nativeFetch], ctx.runs);
    ctx.row({ section, name: 'fetch, already up to date', oursMs: fetchSame.ms, native: 'git fetch', nativeMs: fetchSameNative.ms, ratio: fetchSame.ms / fetchSameNative.ms });
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
