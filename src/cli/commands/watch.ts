import type { Command } from 'commander';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CfgtrailError } from '../../core/errors.js';
import type { Store } from '../../core/store/open.js';
import type { WatchContext } from '../../ops/watch/context.js';
import { watchLoop } from '../../ops/watch/loop.js';
import type { RoundStatus } from '../../ops/watch/round.js';
import { runRound } from '../../ops/watch/round.js';
import { watchStatus } from '../../ops/watch/status.js';
import { claimWatcher } from '../../ops/watch/watcher-lock.js';
import { formatWatchStatus } from '../format/watch.js';
import { resolveAuthor } from '../identity.js';
import { ExitWith, storeFor, workDir, type CliDeps } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { createMetricSource, loadServices, loadWatch, realAlertPorts, realPorts } from '../wire.js';
import { canChown } from './apply-flow.js';
import { startAlertListener } from './watch-listen.js';
import { withAbortOnSignal } from '../signals.js';

interface WatchFlags {
  once?: boolean;
  listen?: string;
  log?: string;
  json?: boolean;
}

/** `watch --once` exit codes by round status. */
const ONCE_EXIT: Record<RoundStatus, number> = {
  'healthy': ExitCode.OK,
  'no-snapshot': ExitCode.OK,
  'breach': ExitCode.WATCH_BREACH,
  'rolled-back': ExitCode.WATCH_ROLLED_BACK,
  'rollback-failed': ExitCode.VERIFY_FAILED,
  'no-data': ExitCode.METRICS_UNREACHABLE,
};

export function registerWatch(program: Command, deps: CliDeps): void {
  program
    .command('watch')
    .description('sample metrics every interval and roll back to the last good revision when they stay bad; `watch status` shows its state')
    .argument('[status]', "'status': show the last samples, cooldown, rollbacks this hour and alert delivery failures")
    .option('--once', 'evaluate one round and exit (for cron and CI; see the exit codes)')
    .option('--listen <host:port>', 'also accept Alertmanager webhook notifications here, e.g. 127.0.0.1:9099')
    .option('--log <file>', 'append the JSON lines to this file instead of stdout')
    .option('--json', 'with status: print it as JSON')
    .action(async (what: string | undefined, f: WatchFlags, cmd: Command) => {
      if (what !== undefined && what !== 'status') throw new CfgtrailError('BAD_INPUT', `unknown watch action '${what}' (the only one is 'status')`);
      const store = storeFor(cmd, deps);
      const config = loadWatch(store);
      if (what === 'status') {
        const s = watchStatus(store, config, deps.now());
        return deps.stdout(f.json ? `${JSON.stringify(s, null, 2)}\n` : formatWatchStatus(s));
      }
      if (f.once && f.listen) throw new CfgtrailError('BAD_INPUT', '--once and --listen cannot be used together: a listener needs a running watcher');
      if (config.metrics.length === 0 && !f.listen) throw new CfgtrailError('BAD_SETTINGS', `${store.settings.file}: watch.metrics: nothing to watch (add metrics, or run with --listen for Alertmanager)`);
      const emit = lineWriter(f.log ? resolve(workDir(cmd, deps), f.log) : null, deps);
      const ctx = watchContext(store, config, emit, deps);
      const release = await claimWatcher(store, f.once ? 'cfgtrail watch --once' : 'cfgtrail watch');
      try {
        if (f.once) return await once(ctx);
        await runUntilStopped(ctx, f, deps);
      } finally {
        release();
      }
    });
}

function watchContext(store: Store, config: ReturnType<typeof loadWatch>, emit: WatchContext['emit'], deps: CliDeps): WatchContext {
  return {
    store, config, services: loadServices(store), source: createMetricSource(), ...realPorts(), alertPorts: realAlertPorts(),
    author: resolveAuthor(undefined, deps.env), chown: canChown(), now: deps.now, emit, deliveries: [],
  };
}

async function once(ctx: WatchContext): Promise<void> {
  const status = await runRound(ctx);
  // The round has acted; now let its alerts finish their retries before the process ends.
  await Promise.all(ctx.deliveries);
  const code = ONCE_EXIT[status];
  if (code !== ExitCode.OK) throw new ExitWith(code);
}

/**
 * The long-running watcher. SIGINT/SIGTERM end it after the current round
 * (a rollback under way is finished, not cut), then exit 0, the clean stop
 * systemd and supervisord expect; a second signal exits at once (130/143),
 * leaving any rollback pending for `rollback --continue`.
 */
async function runUntilStopped(ctx: WatchContext, f: WatchFlags, deps: CliDeps): Promise<void> {
  await withAbortOnSignal((signal) => ctx.emit({ type: 'stop', at: new Date(deps.now()).toISOString(), signal }), async (stop) => {
    let wake: () => void = () => {};
    const listener = f.listen ? await startAlertListener(ctx, f.listen, () => wake(), deps) : null;
    ctx.emit({ type: 'start', at: new Date(deps.now()).toISOString(), pid: process.pid, intervalMs: ctx.config.intervalMs, metrics: ctx.config.metrics.map((m) => m.name), ...(listener ? { listen: listener.address } : {}) });
    await watchLoop(ctx, { stop, onWake: (w) => { wake = w; } });
    await listener?.close();
  });
}

/**
 * JSON lines to stdout, or appended to `file` (one write per line). The file
 * is tried at once, so a path that cannot be written is one line and exit 8
 * before anything is watched; a write failing later (disk full, file removed
 * with its directory) is a warning on stderr, once, and never stops a
 * rollback under way or the watcher.
 * @throws CfgtrailError WRITE_FAILED when `file` cannot be appended to
 */
function lineWriter(file: string | null, deps: CliDeps): WatchContext['emit'] {
  if (file === null) return (line) => deps.stdout(`${JSON.stringify(line)}\n`);
  try {
    appendFileSync(file, '');
  } catch (e) {
    throw new CfgtrailError('WRITE_FAILED', `--log ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}: cannot write the log there`, { file });
  }
  let warned = false;
  return (line) => {
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch (e) {
      if (!warned) deps.stderr(`warning: --log ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}: lines are lost until it can be written again\n`);
      warned = true;
    }
  };
}
