/**
 * Fetched hosts opened for queries: each one's view (store/host-view.ts)
 * with its own audit index, built on first use with the index code every
 * store uses, caught up when a fetch added commits on top, rebuilt when its
 * ref was force-moved. Views of hosts no longer fetched are removed first.
 */
import type { Store } from '../store/open.js';
import { findFetchedHost, listFetchedHosts, requireFetchedHosts, type FetchedHost, type FetchedHosts } from '../store/fleet-hosts.js';
import { openHostView, pruneHostViews, type HostStore } from '../store/host-view.js';
import { withStoreLock } from '../store/lock.js';
import { isCfgtrailError } from '../errors.js';
import { asciiQuoted } from '../path-name.js';
import { syncIndex } from './index-sync.js';
import { readIndexTail } from './index-store.js';
import { recordSettingsKey } from './record.js';

/**
 * The fetched host `name` (`HOST` or `REMOTE/HOST`) as a store.
 * @throws CfgtrailError UNKNOWN_REV / AMBIGUOUS_REV (see findFetchedHost), CORRUPT_STORE for a ref naming a missing commit
 * @example const web1 = await openHostStore(store, 'web-1'); queryHistory(web1, {}, await syncIndexForRead(web1))
 */
export async function openHostStore(store: Store, name: string): Promise<HostStore> {
  return openFetchedHost(store, findFetchedHost(fleetOf(store), name));
}

/**
 * One host of `fleetOf(store)` as a store, its index saved.
 * @throws CfgtrailError CORRUPT_STORE for a ref naming a missing commit
 */
export async function openFetchedHost(store: Store, host: FetchedHost): Promise<HostStore> {
  const view = openHostView(store, host);
  await saveIndex(view);
  return view;
}

/**
 * Every fetched host as a store, in ref-name order.
 * @throws CfgtrailError UNKNOWN_REV when none is fetched
 */
export async function openAllHostStores(store: Store): Promise<HostStore[]> {
  const hosts = requireFetchedHosts(fleetOf(store));
  const views: HostStore[] = [];
  for (const h of hosts) views.push(await openFetchedHost(store, h));
  return views;
}

/** The fetched hosts, their stale views removed; names no host can have are warned about once. */
export function fleetOf(store: Store): FetchedHosts {
  const fleet = listFetchedHosts(store.gitdir);
  for (const ref of fleet.refused) store.onWarning?.(`ignoring ${asciiQuoted(ref)}: not a valid host or remote name`);
  pruneHostViews(store.gitdir, fleet.hosts);
  return fleet;
}

/**
 * Brings the view's index up to date and saves it (appending the new
 * commits' records when the fetched head moved forward). Another process
 * doing the same right now holds the view's lock: the query then catches up
 * in memory, as any read-only query does.
 */
async function saveIndex(view: HostStore): Promise<void> {
  // Saved for this head already (head.json alone says so): the query reads and checks it.
  const tail = readIndexTail(view.gitdir);
  if (tail !== null && tail.head === view.host.head && tail.settings === recordSettingsKey(view.settings)) return;
  try {
    await withStoreLock(view.gitdir, { timeoutMs: 0 }, async () => {
      syncIndex(view, { persist: true });
    });
  } catch (e) {
    if (!isCfgtrailError(e, 'LOCKED')) throw e;
  }
}
