/** `watch --listen`: the Alertmanager endpoint wired to the watcher's state. */
import { readFileSync } from 'node:fs';
import { CfgtrailError } from '../../core/errors.js';
import { listenForAlerts, type Listener } from '../wire.js';
import type { AlertmanagerConfig } from '../../ops/watch/config.js';
import type { WatchContext } from '../../ops/watch/context.js';
import { parseNotification, receiveAlerts } from '../../ops/watch/alertmanager.js';
import type { CliDeps } from '../context.js';

/**
 * Starts the endpoint at `address` (`127.0.0.1:9099`); `wake` makes the
 * watcher judge a firing alert at once instead of at its next interval.
 * @throws CfgtrailError BAD_INPUT (bad address, address in use), BAD_SETTINGS (no alertmanager section or no token)
 */
export async function startAlertListener(ctx: WatchContext, address: string, wake: () => void, deps: CliDeps): Promise<Listener> {
  const am = ctx.config.alertmanager;
  if (!am) throw new CfgtrailError('BAD_SETTINGS', `${ctx.store.settings.file}: watch.alertmanager: --listen needs this section, with token_file or token_env`);
  const token = readToken(am, deps);
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  if (!m || Number(m[3]) > 65535) throw new CfgtrailError('BAD_INPUT', `--listen: expected host:port such as 127.0.0.1:9099, not '${address}'`);
  const names = ctx.services.map((s) => s.name);
  try {
    return await listenForAlerts({
      host: (m[1] ?? m[2])!, port: Number(m[3]), token, maxBody: am.maxBody,
      onJson: (body) => {
        const parsed = parseNotification(body);
        if ('error' in parsed) {
          ctx.emit({ type: 'alertmanager', at: new Date(ctx.now()).toISOString(), rejected: parsed.error });
          return { status: 400, body: { error: parsed.error } };
        }
        const outcome = receiveAlerts(ctx.store, parsed.alerts, am, names, ctx.now());
        ctx.emit({ type: 'alertmanager', at: new Date(ctx.now()).toISOString(), ...outcome });
        if (outcome.firing.length > 0) wake();
        return { status: 200, body: { ...outcome } };
      },
    });
  } catch (e) {
    throw new CfgtrailError('BAD_INPUT', `--listen ${address}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {}, { cause: e });
  }
}

/** The shared secret, from the environment or the first line of a file; never printed. */
function readToken(am: AlertmanagerConfig, deps: CliDeps): string {
  let token = '';
  if (am.tokenEnv) token = deps.env[am.tokenEnv]?.trim() ?? '';
  if (!token && am.tokenFile) {
    try {
      token = readFileSync(am.tokenFile, 'utf8').split('\n')[0]!.trim();
    } catch (e) {
      throw new CfgtrailError('BAD_SETTINGS', `watch.alertmanager.token_file: cannot read ${am.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (token.length < 16) throw new CfgtrailError('BAD_SETTINGS', `watch.alertmanager: the token (${am.tokenEnv ? `$${am.tokenEnv}` : am.tokenFile}) is missing or shorter than 16 characters`);
  return token;
}
