import type { Command } from 'commander';
import { CfgtrailError, isCfgtrailError } from '../../core/errors.js';
import { isoDate } from '../../core/audit/record.js';
import { parseDuration } from '../../core/record/duration.js';
import { freezeChanges, unfreezeChanges } from '../../ops/freeze.js';
import { resolveAuthor } from '../identity.js';
import { parseGitDate, withinDates } from '../git-date.js';
import { parseDateSpec } from '../../core/audit/dates.js';
import { storeFor, type CliDeps } from '../context.js';
import { sendStoreAlert } from '../wire.js';

/**
 * `--until`: any date git accepts (`2026-11-30T06:00+01:00`, `@1795456545`),
 * a date alone (`2026-12-24`: local midnight),
 * or a duration from now (`2h`, `90m`), as ISO 8601 in the given zone.
 * @example untilFromFlag('2h', () => 0) // '1970-01-01T02:00:00+00:00' (in the machine's zone)
 */
export function untilFromFlag(text: string, now: () => number): string {
  const ms = parseDuration(text);
  const at = ms === null ? NaN : now() + ms;
  if (ms !== null && withinDates(at)) {
    return isoDate(Math.floor(at / 1000), -new Date(at).getTimezoneOffset());
  }
  try {
    // A date alone (2026-12-24) is local midnight, as `log --until` reads it. Its
    // relative forms ('2 hours' = 2 hours ago) look back, so only this one is taken.
    if (/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) {
      const seconds = parseDateSpec(text, now());
      return isoDate(seconds, -new Date(seconds * 1000).getTimezoneOffset());
    }
    const d = parseGitDate(text);
    return isoDate(Math.floor(d.ms / 1000), d.tzOffset);
  } catch (e) {
    if (!isCfgtrailError(e, 'BAD_INPUT')) throw e;
    throw new CfgtrailError('BAD_INPUT', `--until: cannot read '${text}': use a date such as '2026-11-30T06:00:00+01:00' or a duration such as 2h or 90m`, { text });
  }
}

export function registerFreeze(program: Command, deps: CliDeps): void {
  program
    .command('freeze')
    .description('stop new changes (snapshot, check) until unfrozen; rollback and revert still work')
    .requiredOption('--reason <text>', 'why, recorded in history and shown to whoever is refused')
    .option('--until <time>', "end of the freeze: a date ('2026-11-30T06:00+01:00'; 2026-12-24 is local midnight) or a duration from now (2h)")
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .option('--json', 'print { commit, freeze, replaced } as JSON')
    .action(async (f: { reason: string; until?: string; author?: string; json?: boolean }, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const until = f.until === undefined ? null : untilFromFlag(f.until, deps.now);
      const r = await freezeChanges(store, { reason: f.reason, until, author: resolveAuthor(f.author, deps.env), now: deps.now });
      await sendStoreAlert(store, { kind: 'freeze', summary: `changes frozen${until ? ` until ${until}` : ''}: ${f.reason}`, commit: r.commit, details: { reason: f.reason, until } }, deps.stderr);
      if (f.json) return deps.stdout(`${JSON.stringify({ commit: r.commit, until, replaced: r.replaced }, null, 2)}\n`);
      if (r.replaced) deps.stdout(`replaced the freeze of ${r.replaced.since} by ${r.replaced.by}\n`);
      deps.stdout(`[${r.commit.slice(0, 7)}] changes frozen${until ? ` until ${until}` : ''}: snapshot and check refuse; rollback and revert still work\n`);
    });
}

export function registerUnfreeze(program: Command, deps: CliDeps): void {
  program
    .command('unfreeze')
    .description('lift the change freeze')
    .option('--reason <text>', 'why (recorded in history)')
    .option('--author <who>', "'Name <email>' (default: git identity, then user@host)")
    .option('--json', 'print { commit, lifted } as JSON')
    .action(async (f: { reason?: string; author?: string; json?: boolean }, cmd: Command) => {
      const store = storeFor(cmd, deps);
      const r = await unfreezeChanges(store, { reason: f.reason, author: resolveAuthor(f.author, deps.env), now: deps.now });
      await sendStoreAlert(store, { kind: 'unfreeze', summary: `changes unfrozen${f.reason ? `: ${f.reason}` : ''} (the freeze was: ${r.lifted.reason})`, commit: r.commit, details: { reason: f.reason ?? null, lifted: r.lifted.reason } }, deps.stderr);
      if (f.json) return deps.stdout(`${JSON.stringify({ commit: r.commit, lifted: r.lifted }, null, 2)}\n`);
      deps.stdout(`[${r.commit.slice(0, 7)}] unfrozen: lifted the freeze of ${r.lifted.since} by ${r.lifted.by} (${r.lifted.reason})\n`);
    });
}
