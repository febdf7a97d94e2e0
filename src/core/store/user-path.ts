import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CfgtrailError } from '../errors.js';

export interface UserPathOptions {
  /** The directory the user is in (`-C DIR` counts, as in git). */
  cwd: string;
  /** The config root the store tracks. */
  root: string;
  /** Whether a path exists, for the root-relative fallback. @default fs.existsSync */
  exists?: (abs: string) => boolean;
  /** The flag or operand the path came from, for errors. */
  what?: string;
}

/**
 * A path as the user typed it, made relative to the config root the way git
 * reads pathspecs: relative to the current directory, `:/path` from the root,
 * or absolute. When the current directory is below the root and the path
 * names nothing from there but does name something from the root
 * (`cd k8s && cfgtrail log --file k8s/deployment.yaml`), the root reading is
 * taken. `''` is the root itself.
 *
 * @throws CfgtrailError BAD_INPUT for a path outside the config root
 * @example rootRelativePath('deployment.yaml', { cwd: '/etc/app/k8s', root: '/etc/app' }) // 'k8s/deployment.yaml'
 */
export function rootRelativePath(input: string, opts: UserPathOptions): string {
  const root = resolve(opts.root);
  const fromTop = input.startsWith(':/');
  const abs = fromTop ? resolve(root, `.${sep}${input.slice(2)}`) : isAbsolute(input) ? resolve(input) : resolve(opts.cwd, input);
  const rel = relative(root, abs);
  const inside = rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  if (!fromTop && !isAbsolute(input) && resolve(opts.cwd) !== root) {
    const exists = opts.exists ?? existsSync;
    const fromRoot = join(root, input);
    if ((!inside || !exists(abs)) && relative(root, fromRoot).split(sep)[0] !== '..' && exists(fromRoot)) return clean(input);
  }
  if (!inside) {
    throw new CfgtrailError('BAD_INPUT', `${opts.what ? `${opts.what}: ` : ''}'${input}' is outside the config directory ${root}`, { path: input, root });
  }
  return clean(rel.split(sep).join('/'));
}

function clean(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return parts.join('/');
}

/**
 * A `--field FILE:PATH` query with FILE read as {@link rootRelativePath} reads
 * paths. Only a FILE part that names a file or directory from the current
 * directory (or starts with `:/`) is rewritten: a colon can also belong to a
 * key (`"a:b".c`), and a query without a file stays as typed.
 *
 * @example rootRelativeField('deployment.yaml:spec.replicas', { cwd: '/etc/app/k8s', root: '/etc/app' }) // 'k8s/deployment.yaml:spec.replicas'
 */
export function rootRelativeField(field: string, opts: UserPathOptions): string {
  const top = field.startsWith(':/');
  const colon = field.indexOf(':', top ? 2 : 0);
  if (colon <= 0 || field.slice(0, colon).includes('"') || field.slice(0, colon).includes('[')) return field;
  const file = field.slice(0, colon);
  const exists = opts.exists ?? existsSync;
  if (!top && (resolve(opts.cwd) === resolve(opts.root) || !exists(resolve(opts.cwd, file)))) return field;
  return `${rootRelativePath(file, opts)}:${field.slice(colon + 1)}`;
}
