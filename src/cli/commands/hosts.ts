import type { Command } from 'commander';
import { summarizeHosts } from '../../core/audit/fleet-summary.js';
import { formatHosts } from '../format/hosts.js';
import { storeFor, type CliDeps } from '../context.js';
import { CfgtrailError } from '../../core/errors.js';

export function registerHosts(program: Command, deps: CliDeps): void {
  program
    .command('hosts')
    .description('every fetched host: its changes, its last change and how long ago, its head commit')
    .option('--json', 'print as JSON')
    .action(async (f: { json?: boolean }, cmd: Command) => {
      const hosts = await summarizeHosts(storeFor(cmd, deps));
      deps.stdout(f.json ? `${JSON.stringify(hosts, null, 2)}\n` : formatHosts(hosts, Math.floor(deps.now() / 1000)));
      const bad = hosts.filter((h) => h.problem !== undefined);
      if (bad.length > 0) {
        // listed above with the others; the exit code says the store needs attention
        throw new CfgtrailError('CORRUPT_STORE', `${bad.length} fetched host${bad.length === 1 ? '' : 's'} cannot be read: ${bad.map((h) => h.name).join(', ')} (fetch again; see above)`, { hosts: bad.map((h) => h.name) });
      }
    });
}
