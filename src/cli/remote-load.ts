import type { CliDeps } from './context.js';
import type { Store } from '../core/store/open.js';
import { CfgtrailError } from '../core/errors.js';
import { storeLockOptions } from '../core/store/lock.js';
import { existsSync } from 'node:fs';
import { credentialsFile, findCredentials } from '../ops/remote/credentials.js';
import type { RemoteContext } from '../ops/remote/remotes.js';

/** Seconds a silent server is waited for: CFGTRAIL_REMOTE_TIMEOUT. @default 30 */
export function remoteTimeoutMs(env: NodeJS.ProcessEnv): number {
  const text = env.CFGTRAIL_REMOTE_TIMEOUT;
  if (text === undefined || text === '') return 30_000;
  const s = Number(text);
  if (!Number.isFinite(s) || s <= 0) throw new CfgtrailError('BAD_INPUT', `CFGTRAIL_REMOTE_TIMEOUT must be a number of seconds, got '${text}'`, {});
  return s * 1000;
}

/**
 * The fleet use cases' context with isomorphic-git behind it. The adapter
 * (and isomorphic-git) is a bundle of its own (dist/vendor/git-remote.cjs,
 * see scripts/build.mjs), loaded here, by the remote commands only.
 */
export async function remoteContext(store: Store, deps: CliDeps): Promise<RemoteContext> {
  const adapter = await import('../adapters/git-remote.js');
  const timeoutMs = remoteTimeoutMs(deps.env);
  const fail = (code: 'REMOTE_FAILED' | 'AUTH_FAILED' | 'REFUSED', message: string) => new CfgtrailError(code, message, {});
  const warned = new Set<string>();
  return {
    store,
    config: adapter.gitConfigFile,
    transportFor: (url) => {
      const credentials = findCredentials(url, deps.env);
      const origin = credentials ? plainHttpOrigin(url) : null;
      if (origin && !warned.has(origin)) {
        warned.add(origin);
        deps.stderr(`warning: credentials for ${origin} go over plain http, readable on the way; use an https:// URL\n`);
      }
      return adapter.createTransport({ credentials, timeoutMs, fail, ...(credentials ? {} : { noCredentials: whyNoCredentials(deps.env) }) });
    },
    lock: storeLockOptions(store),
  };
}

/** `FILE has no line for this server` / `no FILE`: where credentials were looked for. */
function whyNoCredentials(env: NodeJS.ProcessEnv): string {
  const file = credentialsFile(env);
  // a file in another encoding (UTF-16) or with lines git cannot read matches nothing: say it was read
  return existsSync(file) ? `${file} has no line git-credential-store can read for this server` : `no ${file}`;
}

/**
 * `host:port` of an `http://` URL whose traffic leaves this machine, else
 * null: credentials sent there can be read on the way. Loopback addresses
 * (a local proxy or tunnel) never leave it.
 * @example plainHttpOrigin('http://git.example.com/fleet.git') // 'git.example.com'
 */
export function plainHttpOrigin(url: string): string | null {
  const u = URL.canParse(url) ? new URL(url) : null;
  if (!u || u.protocol !== 'http:') return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return null;
  return u.host;
}
