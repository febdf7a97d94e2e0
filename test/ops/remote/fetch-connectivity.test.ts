/**
 * A server that sends an incomplete history: `git http-backend` never does
 * (upload-pack refuses to pack a repository with holes), so the transport here
 * is a stand-in that hands over a pack native `git pack-objects` made of the
 * host's objects minus one blob. Everything else is real: the stores, the
 * config adapter, the pack install and the ref writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gitIn } from '../../helpers/cli.js';
import { hostStore } from '../../helpers/fleet-store.js';
import { openStore } from '../../../src/core/store/open.js';
import { fetchRemote } from '../../../src/ops/remote/fetch.js';
import { gitConfigFile } from '../../../src/adapters/git-remote.js';
import type { RemoteTransport } from '../../../src/ops/remote/ports.js';
import { isCfgtrailError } from '../../../src/core/errors.js';

function packOf(gitdir: string, scratch: string, drop: (line: string) => boolean): string {
  const objects = gitIn(gitdir, ['rev-list', '--objects', 'main']).trim().split('\n').filter((l) => !drop(l)).map((l) => l.split(' ')[0]).join('\n');
  const r = spawnSync('git', ['--git-dir', gitdir, 'pack-objects', join(scratch, 'pack')], { input: `${objects}\n`, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return join(scratch, `pack-${r.stdout.trim()}.idx`);
}

describe('fetch checks the history it received is whole before any ref names it', () => {
  // what the stand-in server leaves out of its pack, by the host's newest commit
  const cases: [string, (newest: { blob: string; tree: string }) => string | null, RegExp | null][] = [
    ['nothing: the history is taken', () => null, null],
    ['the newest config.yaml blob: refused', (n) => n.blob, /sent an incomplete history \([0-9a-f]{12} at config\.yaml is missing\); nothing was changed/],
    ['the newest root tree: refused', (n) => n.tree, /sent an incomplete history \([0-9a-f]{12} is missing\); nothing was changed/],
  ];
  it.each(cases)('a pack missing %s', async (_what, dropOf, refused) => {
    const host = hostStore(3);
    const auditor = hostStore(0);
    await auditor.run(['remote', 'add', 'origin', 'http://127.0.0.1:9/fleet.git']);
    const head = gitIn(host.gitdir, ['rev-parse', 'main']).trim();
    const dropped = dropOf({ blob: gitIn(host.gitdir, ['rev-parse', 'main:config.yaml']).trim(), tree: gitIn(host.gitdir, ['rev-parse', 'main^{tree}']).trim() });
    const scratch = mkdtempSync(join(auditor.gitdir, 'scratch-'));
    const transport: RemoteTransport = {
      listServerRefs: async () => new Map([['refs/heads/hosts/web-1', head]]),
      fetchObjects: async () => ({ packs: [packOf(host.gitdir, scratch, (l) => dropped !== null && l.startsWith(dropped))], dispose: () => rmSync(scratch, { recursive: true, force: true }) }),
      pushRefs: async () => undefined,
    };
    const store = openStore(auditor.dir);
    const result = await fetchRemote({ store, config: gitConfigFile, transportFor: () => transport, lock: { timeoutMs: 1000 } }).catch((e: unknown) => e);
    if (refused) {
      expect(isCfgtrailError(result, 'REMOTE_FAILED')).toBe(true);
      expect((result as Error).message).toMatch(refused);
      expect(gitIn(auditor.gitdir, ['for-each-ref'])).toBe(''); // no ref names the holes
    } else {
      expect(result).toMatchObject({ hosts: [{ host: 'web-1', state: 'new', changes: 3 }] });
      expect(gitIn(auditor.gitdir, ['rev-parse', 'refs/remotes/origin/hosts/web-1']).trim()).toBe(head);
      gitIn(auditor.gitdir, ['fsck', '--strict', '--no-dangling']);
    }
  });
});
