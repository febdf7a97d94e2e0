import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CfgtrailError } from '../errors.js';

/** Where a store lives: the config root (work tree) and the git dir. */
export interface StoreLocation {
  root: string;
  gitdir: string;
}

/** Name of the store directory (or pointer file) inside a config root. */
export const STORE_NAME = '.cfgtrail';

/**
 * Finds the store by walking up from `start`, the way git finds `.git`:
 * `.cfgtrail/` is the store itself, a `.cfgtrail` file points to it
 * (`gitdir: /var/lib/cfgtrail/myapp.git`).
 */
export function findStore(start: string): StoreLocation {
  let dir = resolve(start);
  if (!existsSync(dir)) {
    throw new CfgtrailError('ROOT_MISSING', `directory '${dir}' does not exist`, { dir });
  }
  for (;;) {
    const candidate = join(dir, STORE_NAME);
    const st = statOrNull(candidate);
    if (st?.isDirectory()) return { root: dir, gitdir: candidate };
    if (st?.isFile()) return { root: dir, gitdir: readPointer(candidate, dir) };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new CfgtrailError(
    'NO_STORE',
    `no cfgtrail store in '${resolve(start)}' or any parent directory (run 'cfgtrail init' in the config directory)`,
    { start: resolve(start) },
  );
}

/** Reads a `.cfgtrail` pointer file. */
export function readPointer(file: string, root: string): string {
  const text = readFileSync(file, 'utf8');
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m) {
    throw new CfgtrailError('CORRUPT_STORE', `${file}: expected a line 'gitdir: PATH'`, { file });
  }
  const gitdir = isAbsolute(m[1]!) ? m[1]! : resolve(root, m[1]!);
  if (!statOrNull(join(gitdir, 'HEAD'))) {
    throw new CfgtrailError('NO_STORE', `${file} points to '${gitdir}', which is not a cfgtrail store`, { file, gitdir });
  }
  return gitdir;
}

function statOrNull(p: string) {
  try {
    return statSync(p);
  } catch {
    return null; // missing is the answer here
  }
}
