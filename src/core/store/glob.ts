/**
 * Minimal globs over `/`-separated relative paths: `*` and `?` stay inside one
 * path segment, `**` crosses segments, `{a,b}` alternates. Node 20's
 * `path.matchesGlob` prints an ExperimentalWarning, which a CLI must not show.
 *
 * Mode `gitignore` (include/exclude settings): a glob without `/` matches the
 * base name at any depth, and a match on a directory covers what is below it.
 * Mode `exact` (services' `files`): the whole relative path must match.
 *
 * @example globToRegExp('conf.d/*.yaml').test('conf.d/a.yaml') // true
 */
export function globToRegExp(glob: string, mode: 'gitignore' | 'exact' = 'gitignore'): RegExp {
  const anchored = mode === 'exact' || glob.includes('/');
  const g = glob.replace(/^\.\//, '').replace(/^\/+/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        if (g[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      const end = g.indexOf('}', i);
      if (end < 0) {
        re += '\\{';
        continue;
      }
      const alts = g.slice(i + 1, end).split(',').map(escapeRegExp);
      re += `(?:${alts.join('|')})`;
      i = end;
    } else {
      re += escapeRegExp(c);
    }
  }
  if (mode === 'exact') return new RegExp(`^${re}$`);
  return new RegExp(anchored ? `^${re}(?:/.*)?$` : `(?:^|/)${re}(?:/.*)?$`);
}

/** True when `path` matches any of `globs`. */
export function matchesAny(path: string, globs: RegExp[]): boolean {
  return globs.some((g) => g.test(path));
}

/** A service as settings.yaml describes it, as far as its `files` go. */
interface ServiceFiles {
  name: string;
  files: string[];
}

/** Each services list's `files` globs, compiled once (an export of a range matches every record). */
const compiled = new WeakMap<readonly ServiceFiles[], RegExp[][]>();

/**
 * The services whose `files` globs (mode `exact`) match one of `paths`, in
 * the settings' order.
 * @example servicesMatching(services, ['conf.d/db.yaml']).map((s) => s.name) // ['db']
 */
export function servicesMatching<T extends ServiceFiles>(services: readonly T[], paths: readonly string[]): T[] {
  let globs = compiled.get(services);
  if (globs === undefined) {
    globs = services.map((s) => s.files.map((g) => globToRegExp(g, 'exact')));
    compiled.set(services, globs);
  }
  const all = globs;
  return services.filter((_, i) => paths.some((p) => matchesAny(p, all[i]!)));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
