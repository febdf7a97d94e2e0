/**
 * What the fleet use cases need from a git server and from the git config
 * file; src/adapters/git-remote.ts implements both with isomorphic-git.
 */

/** A git server reached over smart HTTP. */
export interface RemoteTransport {
  /** Every ref under refs/ the server has, full name → oid (HEAD and peeled `^{}` entries left out). */
  listServerRefs(url: string): Promise<Map<string, string>>;
  /**
   * Brings the objects of the server refs `wants` into `gitdir` as one pack
   * per request, telling the server we have `haves` (local tips). Writes no
   * ref and no object of `gitdir`: the packs wait in a scratch directory
   * for the caller (which holds the store lock) to install.
   */
  fetchObjects(gitdir: string, url: string, wants: readonly { ref: string; have?: string }[], haves: readonly string[]): Promise<FetchedPacks>;
  /**
   * Sends `pack` and sets each server `ref` from `old` (null: create) to
   * `new`, in one request (git receive-pack); the server refuses a ref whose
   * value is no longer `old`.
   */
  pushRefs(url: string, commands: readonly { ref: string; old: string | null; new: string }[], pack: Buffer): Promise<void>;
}

/** Packs a fetch downloaded into a scratch directory of the store, to be checked and moved in; `dispose` removes the scratch. */
export interface FetchedPacks {
  packs: string[];
  dispose(): void;
}

/** A store's git config file (`<gitdir>/config`), as native git reads it. */
export interface GitConfigFile {
  get(gitdir: string, path: string): Promise<string | undefined>;
  set(gitdir: string, path: string, value: string | undefined): Promise<void>;
  listRemotes(gitdir: string): Promise<{ remote: string; url: string }[]>;
  addRemote(gitdir: string, name: string, url: string, fetch: string): Promise<void>;
  deleteRemote(gitdir: string, name: string): Promise<void>;
}
