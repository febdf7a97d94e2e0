/**
 * `log --all-hosts`: every fetched host's matching changes merged newest
 * first by committer date, as `git log --remotes --date-order` orders them.
 * Each host's own order (its log, children before parents) is kept, equal
 * dates keep host order, and with `-n N` each host contributes at most its
 * newest N matches: nothing beyond the merge's window is rendered.
 */
import type { AuditFilter } from '../types.js';
import type { HostStore } from '../store/host-view.js';
import type { FetchedHost } from '../store/fleet-hosts.js';
import { parseCommit } from '../git/commit.js';
import { logHistoryJson, logScope } from './log-history.js';
import { isCfgtrailError } from '../errors.js';

/** One change of the merged fleet log. */
export interface FleetLogEntry {
  host: FetchedHost;
  /** The `log --json` entry text, as the host's own log has it. */
  json: string;
  commit: string;
  /** The view it came from (for its notes). */
  view: HostStore;
}

/**
 * The changes matching `filter` on every host in `views`, newest first.
 * @example fleetLog(await openAllHostStores(store), { limit: 20, risk: 'high' })
 */
export async function fleetLog(views: readonly HostStore[], filter: AuditFilter, warn: (line: string) => void = () => undefined): Promise<FleetLogEntry[]> {
  const lists: FleetLogEntry[][] = [];
  let unknownId: unknown = null;
  for (const view of views) {
    let scope;
    try {
      scope = await logScope(view, filter, [], warn);
    } catch (e) {
      // a --change-id names a change of one host: the others have none
      if (!isCfgtrailError(e, 'UNKNOWN_CHANGE_ID')) throw e;
      unknownId = e;
      continue;
    }
    lists.push(logHistoryJson(view, scope).map((json) => ({ host: view.host, json, commit: json.slice(11, 51), view })));
  }
  if (lists.length === 0 && unknownId !== null) throw unknownId;
  return mergeByDate(lists, filter.limit ?? Infinity, (e) => committerTime(e));
}

/**
 * Merges lists that are each newest first into one, taking at each step the
 * head with the latest `time` (the earliest list on a tie), up to `limit`.
 * @example mergeByDate([[a3, a1], [b2]], 10, t) // [a3, b2, a1]
 */
export function mergeByDate<T>(lists: readonly T[][], limit: number, time: (item: T) => number): T[] {
  const at = lists.map(() => 0);
  const heads = lists.map((l) => (l.length > 0 ? time(l[0]!) : -Infinity));
  const out: T[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) if (at[i]! < lists[i]!.length && (best < 0 || heads[i]! > heads[best]!)) best = i;
    if (best < 0) break;
    out.push(lists[best]![at[best]!]!);
    const next = ++at[best]!;
    heads[best] = next < lists[best]!.length ? time(lists[best]![next]!) : -Infinity;
  }
  return out;
}

function committerTime(e: FleetLogEntry): number {
  return parseCommit(e.view.objects.read(e.commit).content).committer.timestamp;
}

/**
 * A fleet entry's `log --json` text with its host in front:
 * `{"host":"web-1","remote":"origin","commit":…}`.
 */
export function labelledJson(e: FleetLogEntry): string {
  return `{"host":${JSON.stringify(e.host.host)},"remote":${JSON.stringify(e.host.remote)},${e.json.slice(1)}`;
}
