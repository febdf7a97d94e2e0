/**
 * The checks `git fsck --strict` makes of one tree object's entries (git's
 * fsck.c `fsck_tree`): names in git's order, no name twice (a file and a
 * directory of the same name included), valid modes, no `.`, `..`, `.git`,
 * empty or `/`-holding names. Pure; the message ids are git's.
 */
import { nameFromBytes, quotePath } from '../path-name.js';

/**
 * One thing wrong with a tree: git's fsck message id, what is wrong, and how
 * bad: git's `--strict` fails on errors and only warns of a mode such as
 * 100664 (badFilemode), which old gits wrote; a rollback still refuses to write one.
 */
export interface TreeProblem {
  id: 'badTree' | 'duplicateEntries' | 'treeNotSorted' | 'badFilemode' | 'zeroPaddedFilemode' | 'fullPathname' | 'hasDot' | 'hasDotdot' | 'hasDotgit';
  message: string;
  severity: 'error' | 'warning';
}

const MODES = new Set(['100644', '100755', '120000', '40000', '160000']);
/** `.git` as git refuses it: any case, and the NTFS forms (trailing dots or spaces, the 8.3 name). */
const DOTGIT = /^(\.git[. ]*|git~1)$/i;

/**
 * Every kind of problem in the raw tree `buf`, each once with its first example.
 * @example treeProblems(treeWithTwoConfigYaml) // [{ id: 'duplicateEntries', message: "entry 'config.yaml' appears twice", severity: 'error' }]
 */
export function treeProblems(buf: Buffer): TreeProblem[] {
  const found = new Map<TreeProblem['id'], string>();
  const add = (id: TreeProblem['id'], message: string) => { if (!found.has(id)) found.set(id, message); };
  const seen = new Set<string>();
  let prevKey: Buffer | null = null;
  for (let p = 0; p < buf.length;) {
    const space = buf.indexOf(0x20, p);
    const nul = space < 0 ? -1 : buf.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) {
      add('badTree', `malformed entry at byte ${p}`);
      break;
    }
    const mode = buf.toString('latin1', p, space);
    const nameBuf = buf.subarray(space + 1, nul);
    const name = nameBuf.toString('utf8');
    const shown = quotePath(nameFromBytes(nameBuf));
    p = nul + 21;
    if (!MODES.has(mode)) add(mode.startsWith('0') ? 'zeroPaddedFilemode' : 'badFilemode', `entry '${shown}' has mode ${mode}`);
    if (nameBuf.length === 0) add('badTree', 'an entry has an empty name'); // git: "empty filename in tree entry"

    if (nameBuf.includes(0x2f)) add('fullPathname', `entry '${shown}' holds a '/'`);
    if (name === '.') add('hasDot', "an entry is named '.'");
    else if (name === '..') add('hasDotdot', "an entry is named '..'");
    else if (DOTGIT.test(name)) add('hasDotgit', `an entry is named '${shown}'`);
    // Names compare as bytes, a directory's as if it ended in '/'; the same name twice is a duplicate whatever the modes.
    const hex = nameBuf.toString('hex');
    if (seen.has(hex)) add('duplicateEntries', `entry '${shown}' appears twice`);
    seen.add(hex);
    const key = mode === '40000' ? Buffer.concat([nameBuf, Buffer.from('/')]) : nameBuf;
    if (prevKey && Buffer.compare(prevKey, key) > 0) add('treeNotSorted', `entry '${shown}' is out of git's order`);
    prevKey = key;
  }
  return [...found].map(([id, message]) => ({ id, message, severity: id === 'badFilemode' ? 'warning' : 'error' }));
}
