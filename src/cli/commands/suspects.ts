import type { Command } from 'commander';
import { CfgtrailError } from '../../core/errors.js';
import { parseDateSpec } from '../../core/audit/dates.js';
import { parseDuration } from '../../core/record/duration.js';
import { damageWarning, syncIndexForRead } from '../../core/audit/index-sync.js';
import { findFleetSuspects, findSuspects } from '../../ops/suspects.js';
import type { IndexData } from '../../core/audit/index-store.js';
import { pickServices } from '../../ops/pick-services.js';
import { loadServices } from '../wire.js';
import { formatSuspects } from '../format/suspects.js';
import { storeFor, type CliDeps } from '../context.js';
import { allHostsOption, hostOption } from '../host-store.js';
import { openAllHostStores, openHostStore } from '../../core/audit/host-store.js';
import type { Store } from '../../core/store/open.js';
import type { HostStore } from '../../core/store/host-view.js';

/**
 * `--window` as seconds: a duration as settings write them (`90m`, `2h`), or days (`1d`).
 * @throws CfgtrailError BAD_INPUT for anything else or zero
 */
export function windowSeconds(text: string): number {
  const days = /^(\d+(?:\.\d+)?)d$/.exec(text.trim());
  const ms = days ? Number(days[1]) * 86_400_000 : parseDuration(text.trim());
  if (ms === null || !(ms > 0)) throw new CfgtrailError('BAD_INPUT', `--window must be a duration such as 30m, 2h or 1d; got '${text}'`, { flag: '--window', value: text });
  return ms / 1000;
}

export function registerSuspects(program: Command, deps: CliDeps): void {
  program
    .command('suspects')
    .description('the changes, rollbacks, freezes and drills in the window before an incident, most suspicious first')
    .requiredOption('--at <time>', "when the incident started: 2026-11-29T14:02+01:00, '2 hours ago', yesterday, @1795456545")
    .option('--window <duration>', 'how far back to look: 30m, 2h, 1d', '2h')
    .option('--service <name>', 'rank first the changes to this service\'s files (settings.yaml services) or its component')
    .option('--json', 'print as JSON')
    .addOption(hostOption())
    .addOption(allHostsOption('the suspects'))
    .action(async (f: { at: string; window: string; service?: string; json?: boolean; host?: string; allHosts?: boolean }, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const at = parseDateSpec(f.at, deps.now());
      const window = windowSeconds(f.window);
      const service = f.service === undefined ? undefined : pickServices(loadServices(store), [f.service])[0];
      const req = { at, windowSeconds: window, service };
      const stores: (Store | HostStore)[] = f.allHosts ? await openAllHostStores(store) : [f.host === undefined ? store : await openHostStore(store, f.host)];
      const hosts = [];
      for (const s of stores) hosts.push({ store: s, index: await indexedFor(s, deps), label: 'host' in s ? s.host.label : '' });
      const result = f.allHosts || f.host !== undefined ? findFleetSuspects(hosts, req) : findSuspects(store, hosts[0]!.index, req);
      deps.stdout(f.json ? `${JSON.stringify({ ...result, at: new Date(at * 1000).toISOString(), since: new Date(result.since * 1000).toISOString() }, null, 2)}\n` : formatSuspects(result, f.window));
    });
}

/** The store's index for a query, with the damage line on stderr. */
async function indexedFor(store: Store, deps: CliDeps): Promise<IndexData> {
  const index = await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) deps.stderr(`${damage}\n`);
  return index;
}
