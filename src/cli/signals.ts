/**
 * Ctrl-C and SIGTERM during a long command, in the two ways cfgtrail answers
 * them: say where things stand and exit at once (a rollback or a rollout,
 * whose state on disk is resumable at any instant), or stop gracefully and
 * exit on a second signal (a drill restoring its original state, a watcher
 * finishing its round). Exit codes are 128 + the signal, as shells report.
 */
import { ExitCode } from './exit-codes.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** 130 for Ctrl-C, 143 for SIGTERM. */
export function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? ExitCode.INTERRUPTED : ExitCode.TERMINATED;
}

/** `interrupted` (Ctrl-C) or `stopped by SIGTERM`, for the one line a command prints. */
export function stoppedWord(signal: NodeJS.Signals): string {
  return signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`;
}

/**
 * Until the returned function is called, Ctrl-C or SIGTERM prints `say(signal)`
 * on stderr and exits 130/143 at once, before main's own handlers (which exit
 * without a word).
 * @example const dispose = exitOnSignal((s) => `cfgtrail: rollout ${stoppedWord(s)}: …\n`, deps.stderr)
 */
export function exitOnSignal(say: (signal: NodeJS.Signals) => string, stderr: (text: string) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    stderr(say(signal));
    process.exit(exitCodeOf(signal));
  };
  for (const sig of SIGNALS) process.prependListener(sig, onSignal);
  return () => {
    for (const sig of SIGNALS) process.off(sig, onSignal);
  };
}

/**
 * Runs `run` with an AbortSignal that the first Ctrl-C or SIGTERM aborts
 * (its `reason` is the signal name), after `onFirst(signal)`; a second one
 * exits 130/143 at once. Other listeners (main's exit) are set aside while
 * it runs and put back after.
 * @example await withAbortOnSignal((s) => deps.stderr(`drill ${stoppedWord(s)}: restoring…\n`), (signal) => runDrill(…, { signal }))
 */
export async function withAbortOnSignal<T>(onFirst: (signal: NodeJS.Signals) => void, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const saved = SIGNALS.map((sig) => [sig, process.listeners(sig)] as const);
  const onSignal = (signal: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(exitCodeOf(signal));
    onFirst(signal);
    ac.abort(signal);
  };
  for (const sig of SIGNALS) {
    process.removeAllListeners(sig);
    process.on(sig, onSignal);
  }
  try {
    return await run(ac.signal);
  } finally {
    for (const [sig, listeners] of saved) {
      process.off(sig, onSignal);
      for (const l of listeners) process.on(sig, l as () => void);
    }
  }
}
