import { SETTINGS_SCHEMA } from '../store/settings-schema.js';

/** The grammar of durations in settings.yaml (`definitions.duration` of the settings schema), so flags and settings agree. */
const DURATION = new RegExp(SETTINGS_SCHEMA.definitions!.duration!.pattern!);
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest wait a Node.js timer holds (2^31 - 1 ms, 596 h): a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a duration longer than MAX_TIMER_MS is refused, for settings errors. */
export const TOO_LONG = 'must be at most 596h (the longest a timer can wait)';

/**
 * Milliseconds of a duration written as settings.yaml writes them (`500ms`,
 * `30s`, `1.5m`, `2h`); null when `text` is not one. A bare number is not a
 * duration (seconds or minutes?).
 * @example parseDuration('1.5m') // 90000
 */
export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  const m = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/.exec(text)!;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

/**
 * A duration in milliseconds as people read it: `850 ms`, `4.2 s`, `3 min 5 s`, `1 h 2 min`.
 * @example formatDuration(4210) // '4.2 s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const min = Math.round(s / 60);
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
