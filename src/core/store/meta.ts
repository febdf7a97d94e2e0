/**
 * Git keeps only 644/755 and symlinks, so like etckeeper's `.etckeeper` each
 * snapshot's tree carries `.cfgtrail-meta`: permission bits, uid and gid of
 * every regular file, one line each, sorted by path:
 *
 *     0600 0 0 secrets.yaml
 *     0640 0 33 "odd\nname.yaml"
 *
 * Paths with spaces at the ends, quotes, backslashes or control characters
 * are JSON-quoted. The file is never written into the live directory.
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
    const p = /^\s|\s$|["\\\x00-\x1f]/.test(path) ? JSON.stringify(path) : path;
    out += `${m.perm.toString(8).padStart(4, '0')} ${m.uid} ${m.gid} ${p}\n`;
  }
  return out;
}

/** Parses `.cfgtrail-meta`; unreadable lines are skipped (the file is advisory). */
export function parseMeta(text: string): Map<string, FileMeta> {
  const out = new Map<string, FileMeta>();
  for (const line of text.split('\n')) {
    const m = /^([0-7]{3,4}) (\d+) (\d+) (.+)$/.exec(line);
    if (!m) continue;
    let path = m[4]!;
    if (path.startsWith('"')) {
      try {
        path = JSON.parse(path) as string;
      } catch {
        continue; // a damaged line loses only that file's permissions
      }
    }
    out.set(path, { perm: parseInt(m[1]!, 8), uid: Number(m[2]), gid: Number(m[3]) });
  }
  return out;
}
