import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  writeGitSkeleton(gitdir, root);
  writeFileSync(join(gitdir, 'info', 'exclude'), `/${STORE_NAME}\n/${STORE_NAME}.lock\n*.swp\n*.swx\n*~\n.#*\n`);
  writeFileSync(join(gitdir, 'description'), `cfgtrail store for ${root}\n`);
  writeFileSync(join(gitdir, SETTINGS_FILE), settingsFileText(opts.schemaUrl));
  // The redaction key exists from the start, so read-only commands (diff, rollback --dry-run) never write one.
  readRedactKey(gitdir);
  if (opts.storePath) writeFileSync(join(root, STORE_NAME), `gitdir: ${gitdir}\n`);
  return { root, gitdir };
}

/** The directories `git init` makes (hooks stays empty: the operator puts cfgtrail's hooks there, see ops/hooks.ts). */
const GIT_DIRS = ['hooks', 'info', 'objects/info', 'objects/pack', 'refs/heads', 'refs/tags'];

/**
 * What native git needs to open `gitdir` as a repository whose work tree is
 * `root`: the directories, HEAD on `main`, and a config that checks symlinks
 * and modes out as they are (filemode/symlinks true, ignorecase false).
 */
function writeGitSkeleton(gitdir: string, root: string): void {
  for (const d of GIT_DIRS) mkdirSync(join(gitdir, d), { recursive: true });
  const core: [string, string][] = [
    ['worktree', configValue(root)],
    ['repositoryformatversion', '0'],
    ['filemode', 'true'],
    ['bare', 'false'],
    ['logallrefupdates', 'true'],
    ['symlinks', 'true'],
    ['ignorecase', 'false'],
  ];
  writeFileSync(join(gitdir, 'config'), `[core]\n${core.map(([k, v]) => `\t${k} = ${v}\n`).join('')}`);
  writeFileSync(join(gitdir, 'HEAD'), 'ref: refs/heads/main\n');
}

/**
 * A git config value as git reads it back: quoted when it has edge spaces or a
 * comment character, with backslash, quote, newline and tab escaped.
 */
function configValue(value: string): string {
  const quote = value.startsWith(' ') || value.endsWith(' ') || /[#;]/.test(value) ? '"' : '';
  const escaped = value.replace(/[\\"\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`));
  return `${quote}${escaped}${quote}`;
}
