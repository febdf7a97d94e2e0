import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTransport } from '../../src/adapters/git-remote.js';
import { CfgtrailError } from '../../src/core/errors.js';
import { openObjectStore } from '../../src/core/git/objects.js';
import { objectsToSend } from '../../src/core/git/objects-to-send.js';
import { writePack } from '../../src/core/git/pack-write.js';
import { gitIn, tempDir } from '../helpers/cli.js';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { hostStore } from '../helpers/fleet-store.js';

const fail = (code: 'REMOTE_FAILED' | 'AUTH_FAILED' | 'REFUSED', message: string) => new CfgtrailError(code, message);

function packOf(gitdir: string, wants: string[], haves: string[]): Buffer {
  const objects = openObjectStore(gitdir);
  const wanted = objectsToSend(objects, wants, haves);
  return readFileSync(writePack(mkdtempSync(join(tempDir(), 'p-')), [...wanted.keys()], objects, { pathHints: wanted }).packPath);
}

describe('the smart-HTTP transport against native git http-backend', () => {
  it('pushes in one request what native git then lists, and refuses a ref whose old value is stale, changing nothing', async () => {
    const server = await startGitHttpServer();
    const s = hostStore(3);
    const t = createTransport({ credentials: null, timeoutMs: 10_000, fail });
    // An empty repository (a new fleet's) is one discovery request and no refs.
    expect(await t.listServerRefs(server.url)).toEqual(new Map());
    expect(server.state.requests).toEqual(['GET /fleet.git/info/refs?service=git-upload-pack']);
    const head = gitIn(s.gitdir, ['rev-parse', 'main']).trim();
    const first = gitIn(s.gitdir, ['rev-parse', 'main~2']).trim();
    await t.pushRefs(server.url, [{ ref: 'refs/heads/hosts/a', old: null, new: first }], packOf(s.gitdir, [first], []));
    await t.pushRefs(server.url, [{ ref: 'refs/heads/hosts/a', old: first, new: head }, { ref: 'refs/heads/hosts/b', old: null, new: head }], packOf(s.gitdir, [head], [first]));
    expect(Object.fromEntries(await t.listServerRefs(server.url))).toEqual({ 'refs/heads/hosts/a': head, 'refs/heads/hosts/b': head });
    gitIn(server.repo, ['fsck', '--strict']);
    const before = gitIn(server.repo, ['for-each-ref']);
    const stale = await t.pushRefs(server.url, [{ ref: 'refs/heads/hosts/a', old: first, new: first }], packOf(s.gitdir, [], [])).catch((e: unknown) => e);
    expect((stale as CfgtrailError).code).toBe('REFUSED');
    expect(gitIn(server.repo, ['for-each-ref'])).toBe(before);
  });

  it('gives up on a silent server after the timeout', async () => {
    const server = await startGitHttpServer();
    server.state.mode = 'hang';
    const t0 = Date.now();
    const e = await createTransport({ credentials: null, timeoutMs: 300, fail }).listServerRefs(server.url).catch((x: unknown) => x);
    expect((e as CfgtrailError).code).toBe('REMOTE_FAILED');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
