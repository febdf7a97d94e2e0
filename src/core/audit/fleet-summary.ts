/**
 * `cfgtrail hosts`: the fleet at a glance, from each fetched host's index:
 * how many changes, the newest one, and how long ago it was (a host that
 * stopped pushing shows an old last change).
 */
import type { Store } from '../store/open.js';
import type { AuditEntry } from '../types.js';
import { fleetOf, openFetchedHost } from './host-store.js';
import { requireFetchedHosts } from '../store/fleet-hosts.js';
import { isCfgtrailError } from '../errors.js';
import { syncIndexForRead } from './index-sync.js';
import { eachLineSpanNewestFirst, splitLine } from './index-store.js';

/** One fetched host in the summary. */
export interface HostSummary {
  remote: string;
  host: string;
  /** `REMOTE/HOST`: how the host is named on the command line without doubt. */
  name: string;
  /** The fetched head commit. */
  head: string;
  changes: number;
  /** The newest change on the host's history (null: none recorded yet, or a damaged host). */
  last: { commit: string; changeId: string | null; title: string; date: string; timestamp: number } | null;
  /** Why the host cannot be read (its ref names a commit this store does not hold…); absent when it reads. */
  problem?: string;
}

/**
 * Every fetched host, in ref-name order. A host that cannot be read (a
 * damaged store, a ref naming a missing commit) is listed with its
 * `problem`, so one bad host does not hide the fleet.
 * @throws CfgtrailError UNKNOWN_REV when the store has fetched no host
 * @example (await summarizeHosts(store))[0] // { name: 'origin/web-1', changes: 12, last: { title: 'Raise pool', … } }
 */
export async function summarizeHosts(store: Store): Promise<HostSummary[]> {
  const out: HostSummary[] = [];
  for (const host of requireFetchedHosts(fleetOf(store))) {
    const entry = { remote: host.remote, host: host.host, name: `${host.remote}/${host.host}`, head: host.head };
    try {
      const index = await syncIndexForRead(await openFetchedHost(store, host));
      out.push({ ...entry, changes: index.count, last: newestOf(index.bytes) });
    } catch (e) {
      if (!isCfgtrailError(e, 'CORRUPT_STORE')) throw e;
      out.push({ ...entry, changes: 0, last: null, problem: e.message });
    }
  }
  return out;
}

function newestOf(bytes: Buffer): HostSummary['last'] {
  let last: HostSummary['last'] = null;
  eachLineSpanNewestFirst(bytes, (start, end) => {
    const col = splitLine(bytes.toString('utf8', start, end));
    if (!col) return true; // not a record line: look at the one before
    const e = JSON.parse(col.json) as AuditEntry;
    last = { commit: e.commit, changeId: e.changeId, title: e.title, date: e.date, timestamp: Number(col.timestamp) };
    return false;
  });
  return last;
}
