/**
 * `suspects` on this store, on one fetched host (`host`), or on every
 * fetched host ranked together (`allHosts`), each suspect of a fetched host
 * naming it.
 */
import type { Store } from '../core/store/open.js';
import { openAllHostStores, openHostStore } from '../core/audit/host-store.js';
import { damageWarning, syncIndexForRead } from '../core/audit/index-sync.js';
import type { IndexData } from '../core/audit/index-store.js';
import type { HostStore } from '../core/store/host-view.js';
import { findFleetSuspects, findSuspects, type SuspectsRequest, type SuspectsResult } from './suspects.js';

export interface SuspectsScope {
  /** A fetched host's name (`HOST` or `REMOTE/HOST`). */
  host?: string;
  allHosts?: boolean;
  /** Gets a line when a store read is damaged. */
  warn?: (line: string) => void;
}

/**
 * @example await suspectsIn(store, { at, windowSeconds: 7200 }, { allHosts: true })
 * @throws CfgtrailError UNKNOWN_REV / AMBIGUOUS_REV for a host that is not fetched (or none at all)
 */
export async function suspectsIn(store: Store, req: SuspectsRequest, scope: SuspectsScope = {}): Promise<SuspectsResult> {
  const warn = scope.warn ?? (() => undefined);
  if (!scope.allHosts && scope.host === undefined) return findSuspects(store, await indexFor(store, warn), req);
  const views: HostStore[] = scope.allHosts ? await openAllHostStores(store) : [await openHostStore(store, scope.host!)];
  const hosts = [];
  for (const view of views) hosts.push({ store: view, index: await indexFor(view, warn), label: view.host.label });
  return findFleetSuspects(hosts, req);
}

async function indexFor(store: Store, warn: (line: string) => void): Promise<IndexData> {
  const index = await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) warn(`${damage}\n`);
  return index;
}
