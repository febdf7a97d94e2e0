/**
 * A git smart-HTTP server for one test: a new bare repository `fleet.git`
 * served by native `git http-backend` (git-http-backend.mjs), closed and
 * removed when the test finishes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { serveGitHttp, type ServerState } from './git-http-backend.mjs';

export interface GitHttpServer {
  /** `http://127.0.0.1:PORT/fleet.git` */
  url: string;
  /** The bare repository's path (a gitdir for native git). */
  repo: string;
  /** Set `mode` to make the server misbehave; `requests` lists what it served. */
  state: ServerState;
}

/** Starts a server; with `auth`, every request must carry those Basic credentials (else 401). */
export async function startGitHttpServer(opts: { auth?: { user: string; password: string } } = {}): Promise<GitHttpServer> {
  const root = mkdtempSync(join(tmpdir(), 'cfgtrail-githttp-'));
  const repo = join(root, 'fleet.git');
  execFileSync('git', ['init', '-q', '--bare', repo]);
  execFileSync('git', ['--git-dir', repo, 'config', 'http.receivepack', 'true']);
  const s = await serveGitHttp(root, opts);
  onTestFinished(async () => {
    await s.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { url: `http://127.0.0.1:${s.port}/fleet.git`, repo, state: s.state };
}
