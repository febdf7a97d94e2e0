import fs, { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isoGit } from '../lazy.js';
import { CfgtrailError } from '../errors.js';
import { STORE_NAME, type StoreLocation } from './locate.js';
import { SETTINGS_FILE, settingsFileText } from './settings.js';
import { readRedactKey } from './redact-key.js';
import { STORE_DIR_MODE } from './store-mode.js';

export interface InitOptions {
  /** Where the git dir goes; default `<dir>/.cfgtrail`. Elsewhere leaves a pointer file. */
  storePath?: string;
  /** Written into settings.yaml for editors (see settingsFileText). */
  schemaUrl?: string;
}

/**
 * Creates a store for the config directory `dir`: a git repository whose
 * work tree is `dir`, readable by native git (`git --git-dir=STORE log`).
 * The store directory is 0700 (see store-mode.ts).
 *
 * @example await initStore('/etc/myapp', { storePath: '/var/lib/cfgtrail/myapp.git' })
 */
export async function initStore(dir: string, opts: InitOptions = {}): Promise<StoreLocation> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new CfgtrailError('ROOT_MISSING', `config directory '${root}' does not exist`, { root });
  }
  if (existsSync(join(root, STORE_NAME))) {
    throw new CfgtrailError('STORE_EXISTS', `'${root}' already has a cfgtrail store (${join(root, STORE_NAME)})`, { root });
  }
  const gitdir = opts.storePath ? resolve(opts.storePath) : join(root, STORE_NAME);
  if (existsSync(join(gitdir, 'HEAD'))) {
    throw new CfgtrailError('STORE_EXISTS', `'${gitdir}' is already a git repository`, { gitdir });
  }
  mkdirSync(gitdir, { recursive: true });
  // Private before anything is written: old versions of a 0600 file are readable from the store.
  chmodSync(gitdir, STORE_DIR_MODE);
  await isoGit().init({ fs, dir: root, gitdir, defaultBranch: 'main' });
  // isomorphic-git writes filemode=false, symlinks=false, ignorecase=true; native git
  // would then check symlinks out as text files.
  const config: [string, string | boolean][] = [
    ['core.filemode', true],
    ['core.symlinks', true],
    ['core.ignorecase', false],
    ['core.bare', false],
    ['core.worktree', root],
  ];
  for (const [path, value] of config) await isoGit().setConfig({ fs, gitdir, path, value });
  mkdirSync(join(gitdir, 'info'), { recursive: true });
  writeFileSync(join(gitdir, 'info', 'exclude'), `/${STORE_NAME}\n/${STORE_NAME}.lock\n*.swp\n*.swx\n*~\n.#*\n`);
  writeFileSync(join(gitdir, 'description'), `cfgtrail store for ${root}\n`);
  writeFileSync(join(gitdir, SETTINGS_FILE), settingsFileText(opts.schemaUrl));
  // The redaction key exists from the start, so read-only commands (diff, rollback --dry-run) never write one.
  readRedactKey(gitdir);
  if (opts.storePath) writeFileSync(join(root, STORE_NAME), `gitdir: ${gitdir}\n`);
  return { root, gitdir };
}
