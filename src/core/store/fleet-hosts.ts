/**
 * The hosts a store has fetched (the fleet contract): each is
 * `refs/remotes/<remote>/hosts/<host>` (its commits), with its notes at
 * `refs/notes/remotes/<remote>/hosts/<host>` and its tags at
 * `refs/tags/hosts/<host>/<tag>`, loose or packed.
 */
import { CfgtrailError } from '../errors.js';
import { listRefs } from '../git/ref-list.js';

/** One fetched host. */
export interface FetchedHost {
  remote: string;
  host: string;
  /** `web-1`, or `origin/web-1` when another remote has a host of that name too. */
  label: string;
  ref: string;
  notesRef: string;
  /** The commit the fetched ref holds. */
  head: string;
}

/** The fetched hosts, and the names under refs/remotes that are no valid host (or remote) name. */
export interface FetchedHosts {
  hosts: FetchedHost[];
  refused: string[];
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * True for a host name the contract accepts: one git ref component of
 * `[A-Za-z0-9._-]`, not starting with `.` or `-`, no `..`, not ending `.lock`.
 * @example isValidHostName('web-1.eu') // true
 * @example isValidHostName('../x') // false
 */
export function isValidHostName(name: string): boolean {
  return NAME.test(name) && !name.includes('..') && !name.endsWith('.lock');
}

/**
 * Checks a host name given by a user or git config.
 * @throws CfgtrailError BAD_INPUT naming the rule
 */
export function checkHostName(name: string, what = 'host name'): string {
  if (!isValidHostName(name)) {
    throw new CfgtrailError('BAD_INPUT', `${what} ${JSON.stringify(name)} is not valid: use letters, digits, '.', '_' and '-', not starting with '.' or '-', without '..', not ending in '.lock'`, { host: name });
  }
  return name;
}

const REMOTE_HOST = /^refs\/remotes\/(.+)\/hosts\/([^/]+)$/;

/**
 * Every fetched host, sorted by ref name (as `git log --remotes` meets
 * them). A remote name is one or more valid components.
 * @example listFetchedHosts(store.gitdir).hosts.map((h) => h.label) // ['db-1', 'web-1']
 */
export function listFetchedHosts(gitdir: string): FetchedHosts {
  const hosts: FetchedHost[] = [];
  const refused: string[] = [];
  for (const [ref, head] of listRefs(gitdir, 'refs/remotes/')) {
    const m = REMOTE_HOST.exec(ref);
    if (!m) continue; // a remote-tracking ref of some other kind: not a host
    const [, remote, host] = m as unknown as [string, string, string];
    if (!isValidHostName(host) || !remote.split('/').every(isValidHostName)) {
      refused.push(ref);
      continue;
    }
    hosts.push({ remote, host, label: host, ref, notesRef: `refs/notes/remotes/${remote}/hosts/${host}`, head });
  }
  const count = new Map<string, number>();
  for (const h of hosts) count.set(h.host, (count.get(h.host) ?? 0) + 1);
  for (const h of hosts) if (count.get(h.host)! > 1) h.label = `${h.remote}/${h.host}`;
  return { hosts, refused };
}

/**
 * The host `name` (`HOST` or `REMOTE/HOST`) names.
 * @throws CfgtrailError BAD_INPUT for a name no host can have; UNKNOWN_REV when none has it
 *   (listing the known ones, or saying to fetch when there are none); AMBIGUOUS_REV when
 *   several remotes have that host
 */
export function findFetchedHost(fleet: FetchedHosts, name: string): FetchedHost {
  const slash = name.lastIndexOf('/');
  const host = checkHostName(name.slice(slash + 1), '--host');
  const remote = slash < 0 ? null : name.slice(0, slash);
  if (remote !== null && !remote.split('/').every(isValidHostName)) checkHostName(remote, '--host remote');
  const matches = fleet.hosts.filter((h) => h.host === host && (remote === null || h.remote === remote));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new CfgtrailError('AMBIGUOUS_REV', `host '${name}' is fetched from ${matches.length} remotes: ${matches.map((h) => `${h.remote}/${h.host}`).join(', ')}; name one as REMOTE/HOST`, { host: name, candidates: matches.map((h) => `${h.remote}/${h.host}`) });
  }
  throw new CfgtrailError('UNKNOWN_REV', `no fetched host '${name}'; ${knownHostsText(fleet)}`, { host: name, known: fleet.hosts.map((h) => `${h.remote}/${h.host}`) });
}

/**
 * Every fetched host, or the refusal when there is none.
 * @throws CfgtrailError UNKNOWN_REV when the store has fetched no host
 */
export function requireFetchedHosts(fleet: FetchedHosts): FetchedHost[] {
  if (fleet.hosts.length === 0) throw new CfgtrailError('UNKNOWN_REV', `this store has fetched no host; ${knownHostsText(fleet)}`, { known: [] });
  return fleet.hosts;
}

function knownHostsText(fleet: FetchedHosts): string {
  if (fleet.hosts.length === 0) return "run 'cfgtrail remote add NAME URL' and 'cfgtrail fetch NAME' first";
  const names = fleet.hosts.map((h) => `${h.remote}/${h.host}`);
  return `fetched hosts: ${names.slice(0, 20).join(', ')}${names.length > 20 ? `, … (${names.length - 20} more)` : ''}`;
}
