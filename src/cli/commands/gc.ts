import type { Command } from 'commander';
import { packStore } from '../../core/git/gc.js';
import { storeLockOptions, withStoreLock } from '../../core/store/lock.js';
import { readStoreHead } from '../../core/audit/store-head.js';
import { storeFor, type CliDeps } from '../context.js';

export function registerGc(program: Command, deps: CliDeps): void {
  program
    .command('gc')
    .description('pack the store (delta-compressed, like git gc); also runs every gc_every snapshots')
    .action(async (_f: unknown, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const r = await withStoreLock(store.gitdir, storeLockOptions(store), () => {
        readStoreHead(store.gitdir); // refuses a damaged HEAD or branch before anything is repacked
        return packStore(store.gitdir);
      });
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      deps.stdout(`packed ${r.packedObjects} objects (${r.looseBefore} loose, ${r.packsBefore} packs before): ${kb(r.bytesBefore)} → ${kb(r.bytesAfter)}\n`);
      if (r.keptLayout) deps.stdout('kept the existing packs: one new pack would have taken more space\n');
    });
}
