/** Hooks as real processes: argv only (the hook file itself), stdin JSON, a timeout, killed with cfgtrail. */
import type { HookRunner } from '../ops/hooks.js';
import { runProcess } from './run-process.js';

/**
 * The hook runner of the CLI. A hook runs in its own process group (so a
 * timeout ends its children too); if cfgtrail itself exits meanwhile (Ctrl-C,
 * SIGTERM), the group is sent SIGTERM on the way out, so no hook outlives the
 * command that ran it.
 */
export function createHookRunner(): HookRunner {
  return {
    async run(path, opts) {
      const abort = new AbortController();
      const onExit = () => abort.abort();
      process.once('exit', onExit);
      try {
        const r = await runProcess([path], { timeoutMs: opts.timeoutMs, env: opts.env, cwd: opts.cwd, input: opts.input, signal: abort.signal, maxOutput: 16_384 });
        return { exitCode: r.exitCode, signal: r.signal, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut, durationMs: r.durationMs, ...(r.error ? { error: r.error } : {}) };
      } finally {
        process.off('exit', onExit);
      }
    },
  };
}
