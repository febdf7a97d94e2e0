import type { Command } from 'commander';
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
      const loc = await initStore(dir, { storePath });
      deps.stdout(`Initialised a cfgtrail store in ${loc.gitdir} for ${loc.root}\n`);
      deps.stdout(`Settings: ${loc.gitdir}/settings.yaml\nNext: cfgtrail snapshot -m "Initial config"\n`);
    });
}
