/**
 * Git keeps only 644/755 and symlinks, so like etckeeper's `.etckeeper` each
 * snapshot's tree carries `.cfgtrail-meta`: permission bits, uid and gid of
 * every regular file, one line each, sorted by path:
 *
 *     0600 0 0 secrets.yaml
 *     0640 0 33 "odd\nname.yaml"
 *
 * Paths with spaces at the ends, quotes, backslashes or control characters
 * are JSON-quoted, and so are names holding bytes that are not UTF-8 (their
 * escapes, see path-name.ts, become `\udcXX`, which JSON.parse gives back).
 * The file is never written into the live directory.
 */
export const META_FILE = '.cfgtrail-meta';

export interface FileMeta {
  perm: number;
  uid: number;
  gid: number;
}

/** Serialises file metadata; `files` must be sorted by path. */
export function formatMeta(files: Iterable<[string, FileMeta]>): string {
  let out = '';
  for (const [path, m] of files) {
    const p = /^\s|\s$|["\\\x00-\x1f]|(?<![\ud800-\udbff])[\udc80-\udcff]/.test(path) ? JSON.stringify(path) : path;
    out += `${m.perm.toString(8).padStart(4, '0')} ${m.uid} ${m.gid} ${p}\n`;
  }
  return out;
}

/** Largest uid/gid a file can have: 2^32-1 is (uid_t)-1, which chown reads as "leave unchanged". */
export const MAX_ID = 4294967294;

/**
 * A line whose values no file can have (perm above 7777, uid/gid above
 * {@link MAX_ID}, negative or not a number: only a crafted or damaged store
 * has them): it gives no permissions or owner, only what is wrong, so that a
 * rollback refuses to restore that file instead of failing half-way.
 */
export interface InvalidMeta {
  metaError: string;
  perm?: undefined;
  uid?: undefined;
  gid?: undefined;
}

/** Parses `.cfgtrail-meta`; unreadable lines are skipped (the file is advisory), lines with impossible values become {@link InvalidMeta}. */
export function parseMeta(text: string): Map<string, FileMeta | InvalidMeta> {
  const out = new Map<string, FileMeta | InvalidMeta>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+) (\S+) (.+)$/.exec(line);
    if (!m) continue;
    let path = m[4]!;
    if (path.startsWith('"')) {
      try {
        path = JSON.parse(path) as string;
      } catch {
        continue; // a damaged line loses only that file's permissions
      }
    }
    const problem = metaProblem(m[1]!, m[2]!, m[3]!);
    out.set(path, problem ? { metaError: problem } : { perm: parseInt(m[1]!, 8), uid: Number(m[2]), gid: Number(m[3]) });
  }
  return out;
}

/** What is wrong with one line's values (null: nothing). */
function metaProblem(perm: string, uid: string, gid: string): string | null {
  if (!/^[0-7]{3,4}$/.test(perm)) return `permissions '${perm}' (valid: 0000 to 7777)`;
  for (const [what, v] of [['uid', uid], ['gid', gid]] as const) {
    if (!/^\d+$/.test(v) || Number(v) > MAX_ID) return `${what} '${v}' (valid: 0 to ${MAX_ID})`;
  }
  return null;
}
