/**
 * Listing refs under a prefix, loose and packed, as `git for-each-ref` sees
 * them: a loose ref wins over a packed one of the same name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OID_HEX, OID_RE } from './oid.js';

const PACKED_REF = new RegExp(`^(${OID_HEX}) (\\S+)$`);

/**
 * Every ref whose name starts with `prefix` (`refs/remotes/`), with the oid
 * it holds, sorted by name. Loose files that hold no commit id (a crash's
 * empty file, a symbolic ref, a `.lock`) are left out: they name nothing.
 * @example listRefs(gitdir, 'refs/remotes/') // Map { 'refs/remotes/origin/hosts/web-1' => '3f2a…' }
 */
export function listRefs(gitdir: string, prefix: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, oid] of packedRefs(gitdir)) if (name.startsWith(prefix)) found.set(name, oid);
  const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  walkLoose(gitdir, base.replace(/\/$/, ''), (name, text) => {
    const oid = text.trim();
    if (name.startsWith(prefix) && !name.endsWith('.lock') && OID_RE.test(oid)) found.set(name, oid);
  });
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function walkLoose(gitdir: string, dir: string, visit: (name: string, text: string) => void): void {
  let entries;
  try {
    entries = readdirSync(join(gitdir, dir), { withFileTypes: true });
  } catch {
    return; // no such directory: no loose refs there
  }
  for (const d of entries) {
    const name = `${dir}/${d.name}`;
    if (d.isDirectory()) walkLoose(gitdir, name, visit);
    else if (d.isFile()) visit(name, readOrEmpty(join(gitdir, name)));
  }
}

function packedRefs(gitdir: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of readOrEmpty(join(gitdir, 'packed-refs')).split('\n')) {
    const m = PACKED_REF.exec(line);
    if (m) out.push([m[2]!, m[1]!]);
  }
  return out;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // gone meanwhile (a concurrent fetch pruned it): no ref
  }
}
