import type { Command } from 'commander';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initStore } from '../../core/store/init.js';
import { workDir, type CliDeps } from '../context.js';

export function registerInit(program: Command, deps: CliDeps): void {
  program
    .command('init')
    .description('put the config directory (current, or -C DIR) under cfgtrail')
    .option('--store <path>', 'keep the store (a git dir) here instead of DIR/.cfgtrail, e.g. /var/lib/cfgtrail/myapp.git')
    .action(async (opts: { store?: string }, cmd: Command) => {
      const dir = workDir(cmd, deps);
      const storePath = opts.store && !opts.store.startsWith('/') ? `${deps.cwd}/${opts.store}` : opts.store;
      const loc = await initStore(dir, { storePath, schemaUrl: deps.schemaUrl });
      deps.stdout(`Initialised a cfgtrail store in ${loc.gitdir} for ${loc.root}\n`);
      deps.stdout(`Settings: ${loc.gitdir}/settings.yaml\nNext: cfgtrail snapshot -m "Initial config"\n`);
    });
}

/**
 * The installed package's schema/settings.schema.json as a file URL, found
 * upwards from the launcher (`bin/cfgtrail.js`, as `process.argv[1]`);
 * undefined when there is none.
 *
 * @example schemaFileUrl('/usr/lib/node_modules/cfgtrail/bin/cfgtrail.js') // 'file:///usr/lib/node_modules/cfgtrail/schema/settings.schema.json'
 */
export function schemaFileUrl(launcher: string | undefined): string | undefined {
  if (!launcher) return undefined;
  let dir: string;
  try {
    dir = dirname(realpathSync(launcher));
  } catch {
    return undefined; // not a file (node -e): no schema to point at
  }
  for (let i = 0; i < 3; i++, dir = dirname(dir)) {
    const file = join(dir, 'schema', 'settings.schema.json');
    if (existsSync(file)) return pathToFileURL(file).href;
  }
  return undefined;
}
