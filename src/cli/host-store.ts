/**
 * The `--host NAME` / `--all-hosts` flags of the query commands: which
 * store a query reads, this one or a fetched host's (core/audit/host-store.ts).
 */
import { Option, type Command } from 'commander';
import type { Store } from '../core/store/open.js';
import { openAllHostStores, openHostStore } from '../core/audit/host-store.js';
import type { HostStore } from '../core/store/host-view.js';
import { storeFor, type CliDeps } from './context.js';

/** `--host NAME`: the option every query command offers. */
export function hostOption(): Option {
  return new Option('--host <name>', "query a fetched host's history (HOST or REMOTE/HOST; see 'cfgtrail hosts') instead of this store's");
}

/** `--all-hosts`, which cannot go with `--host`. */
export function allHostsOption(what: string): Option {
  return new Option('--all-hosts', `${what} of every fetched host, each labelled with its host`).conflicts('host');
}

/**
 * The store a query reads: this one, or the fetched host `host` names.
 * @example const store = await queryStoreFor(cmd, deps, f.host)
 */
export async function queryStoreFor(cmd: Command, deps: CliDeps, host: string | undefined): Promise<Store> {
  const store = storeFor(cmd, deps);
  return host === undefined ? store : openHostStore(store, host);
}

/** Every fetched host of this store, as stores. */
export async function allHostStoresFor(cmd: Command, deps: CliDeps): Promise<HostStore[]> {
  return openAllHostStores(storeFor(cmd, deps));
}
