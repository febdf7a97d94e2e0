/** The watcher's loop: a round every interval until asked to stop. */
import type { WatchContext } from './context.js';
import { runRound, type RoundStatus } from './round.js';

export interface LoopControl {
  /** Aborted: stop after the current round (a rollback in progress finishes first). */
  stop: AbortSignal;
  /** Resolves the current wait early, e.g. when Alertmanager reports an alert. */
  onWake?: (wake: () => void) => void;
}

/**
 * Runs rounds every `config.intervalMs` (measured from each round's start)
 * until `control.stop` aborts; returns the last round's status.
 */
export async function watchLoop(ctx: WatchContext, control: LoopControl): Promise<RoundStatus | null> {
  let last: RoundStatus | null = null;
  let wakeNow: AbortController | null = null;
  control.onWake?.(() => wakeNow?.abort());
  while (!control.stop.aborted) {
    const t0 = ctx.clock.now();
    last = await runRound(ctx);
    // Deliveries that have settled need not be kept.
    ctx.deliveries.length = 0;
    if (control.stop.aborted) break;
    wakeNow = new AbortController();
    await ctx.clock.sleep(Math.max(0, ctx.config.intervalMs - (ctx.clock.now() - t0)), AbortSignal.any([control.stop, wakeNow.signal]));
  }
  return last;
}
