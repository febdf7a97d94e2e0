import { Option, type Command } from 'commander';
import { dependencyGraph } from '../../core/audit/dependency-graph.js';
import { formatDeps, formatDepsDot } from '../format/deps.js';
import { type CliDeps } from '../context.js';
import { hostOption, queryStoreFor } from '../host-store.js';

export function registerDeps(program: Command, deps: CliDeps): void {
  program
    .command('deps')
    .description('what a change depends on and what depends on it (Depends-On), transitively, and whether each is still in effect')
    .argument('<id>', 'a Change-Id (or a unique prefix), or a revision whose change to start from')
    .addOption(new Option('--json', 'print as JSON').conflicts('format'))
    .addOption(new Option('--format <format>', 'dot: a Graphviz graph').choices(['text', 'dot']))
    .addOption(hostOption())
    .action(async (id: string, f: { json?: boolean; format?: string; host?: string }, cmd: Command) => {
      const g = await dependencyGraph(await queryStoreFor(cmd, deps, f.host), id, deps.stderr);
      deps.stdout(f.json ? `${JSON.stringify(g, null, 2)}\n` : f.format === 'dot' ? formatDepsDot(g) : formatDeps(g));
    });
}
