import type { Command } from 'commander';
import { signatureOf } from '../../core/git/commit.js';
import { addRemote, listRemotes, removeRemote } from '../../ops/remote/remotes.js';
import { applyPush, planPush, type RefUpdate } from '../../ops/remote/push.js';
import { fetchRemote, type HostReport } from '../../ops/remote/fetch.js';
import { pullHost } from '../../ops/remote/pull.js';
import { hideCredentials } from '../../ops/remote/credentials.js';
import { asciiQuoted } from '../../core/path-name.js';
import { resolveAuthor } from '../identity.js';
import { storeFor, type CliDeps } from '../context.js';
import { remoteContext } from '../remote-load.js';

export function registerRemote(program: Command, deps: CliDeps): void {
  const remote = program
    .command('remote')
    .description('the git servers this store pushes to and fetches from (git remote)')
    .option('-v, --verbose', 'show each URL, as git remote -v')
    .action(async (f: { verbose?: boolean }, cmd: Command) => {
      const ctx = await remoteContext(storeFor(cmd, deps), deps);
      for (const r of await listRemotes(ctx)) {
        // A URL someone wrote into the config by hand may hold credentials: never shown.
        const url = hideCredentials(r.url, null);
        deps.stdout(f.verbose ? `${r.name}\t${url} (fetch)\n${r.name}\t${url} (push)\n` : `${r.name}\n`);
      }
    });
  remote
    .command('add <name> <url>')
    .description('add a git server (http/https); credentials come from the environment or the credentials file, never the URL')
    .option('--host <name>', 'the name this store pushes under (git config cfgtrail.host; default: the machine name)')
    .action(async (name: string, url: string, f: { host?: string }, cmd: Command) => {
      const ctx = await remoteContext(storeFor(cmd, deps), deps);
      await addRemote(ctx, name, url, f.host);
    });
  remote
    .command('remove <name>')
    .alias('rm')
    .description('forget a git server and the hosts fetched from it')
    .action(async (name: string, _f: unknown, cmd: Command) => {
      const ctx = await remoteContext(storeFor(cmd, deps), deps);
      await removeRemote(ctx, name);
    });
}

export function registerPush(program: Command, deps: CliDeps): void {
  program
    .command('push [remote]')
    .description("send this store's history, notes and tags to its branch hosts/<host> on the server; refuses when the server has diverged")
    .action(async (name: string | undefined, _f: unknown, cmd: Command) => {
      const ctx = await remoteContext(storeFor(cmd, deps), deps);
      const plan = await planPush(ctx, name);
      if (plan.updates.length === 0) return deps.stdout(`Everything up to date (${plan.remote.name} hosts/${plan.host})\n`);
      await applyPush(ctx, plan);
      for (const u of plan.updates) deps.stdout(`${pushLine(u, plan.newChanges)}\n`);
    });
}

function pushLine(u: RefUpdate, changes: number): string {
  const range = `${u.serverOid ? `${u.serverOid.slice(0, 7)}..` : ''}${u.oid.slice(0, 7)}`;
  const what = u.kind === 'branch' ? `${changes} new change${changes === 1 ? '' : 's'}` : u.kind;
  return `${u.remote.replace(/^refs\/(heads\/)?/, '')}: ${what} (${range})`;
}

export function registerFetch(program: Command, deps: CliDeps): void {
  program
    .command('fetch [remote]')
    .description("fetch every host's history, notes and tags from the server (refs/remotes/<remote>/hosts/<host>); prunes hosts deleted there")
    .option('--all', 'fetch from every remote')
    .action(async (name: string | undefined, f: { all?: boolean }, cmd: Command) => {
      const ctx = await remoteContext(storeFor(cmd, deps), deps);
      const names = f.all ? (await listRemotes(ctx)).map((r) => r.name) : [name];
      for (const n of names) {
        const r = await fetchRemote(ctx, n, { onSkip: (ref, why) => deps.stderr(`warning: skipped ${asciiQuoted(ref)}: ${why}\n`) });
        const prefix = f.all ? `${r.remote.name}/` : '';
        if (r.hosts.length === 0) deps.stdout(`${r.remote.name}: already up to date\n`);
        for (const h of r.hosts) deps.stdout(`${hostLine(h, prefix)}\n`);
      }
    });
}

function hostLine(h: HostReport, prefix: string): string {
  const n = `${h.changes} change${h.changes === 1 ? '' : 's'}`;
  if (h.state === 'new') return `new host ${prefix}${h.host} (${n})`;
  if (h.state === 'pruned') return `pruned ${prefix}${h.host}`;
  if (h.state === 'moved') return `${prefix}${h.host}: ${h.changes} new change${h.changes === 1 ? '' : 's'}`;
  return `${prefix}${h.host}: notes or tags updated`;
}

export function registerPull(program: Command, deps: CliDeps): void {
  program
    .command('pull [remote]')
    .description("fast-forward this store to its host's branch on the server (a re-created store gets its history back); never merges, never touches live files")
    .action(async (name: string | undefined, _f: unknown, cmd: Command) => {
      const ctx = await remoteContext(storeFor(cmd, deps), deps);
      const who = signatureOf(resolveAuthor(undefined, deps.env), Math.floor(deps.now() / 1000));
      const r = await pullHost(ctx, name, who);
      const notes = r.notes === 'updated' ? '; notes updated' : r.notes === 'diverged' ? '; notes kept (they diverged from the server\'s)' : '';
      if (r.changes === 0) return deps.stdout(`already up to date with ${r.remote}/hosts/${r.host}${notes}\n`);
      deps.stdout(`fast-forwarded to ${r.remote}/hosts/${r.host}: ${r.changes} change${r.changes === 1 ? '' : 's'}${notes}; live files untouched: run cfgtrail status / cfgtrail rollback to apply\n`);
    });
}
