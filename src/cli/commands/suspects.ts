import type { Command } from 'commander';
import { CfgtrailError } from '../../core/errors.js';
import { parseDateSpec } from '../../core/audit/dates.js';
import { parseDuration } from '../../core/record/duration.js';
import { suspectsIn } from '../../ops/fleet-suspects.js';
import { pickServices } from '../../ops/pick-services.js';
import { loadServices } from '../wire.js';
import { formatSuspects } from '../format/suspects.js';
import { storeFor, type CliDeps } from '../context.js';
import { allHostsOption, hostOption } from '../host-store.js';

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
      const result = await suspectsIn(store, { at, windowSeconds: window, service }, { host: f.host, allHosts: f.allHosts, warn: deps.stderr });
      deps.stdout(f.json ? `${JSON.stringify({ ...result, at: new Date(at * 1000).toISOString(), since: new Date(result.since * 1000).toISOString() }, null, 2)}\n` : formatSuspects(result, f.window));
    });
}
