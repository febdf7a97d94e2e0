import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CfgtrailError } from '../errors.js';

const OID = /^[0-9a-f]{40}$/;

/** The ref HEAD points to (`refs/heads/main`), or null when HEAD is detached. */
export function headRefName(gitdir: string): string | null {
  const head = readText(join(gitdir, 'HEAD'));
  if (head === null) throw new CfgtrailError('CORRUPT_STORE', `${gitdir}: HEAD is missing`, { gitdir });
  const m = /^ref:\s*(\S+)/.exec(head);
  return m ? m[1]! : null;
}

/** Commit id HEAD resolves to, or null for a store with no snapshot yet. */
export function readHead(gitdir: string): string | null {
  const head = readText(join(gitdir, 'HEAD'))?.trim() ?? '';
  if (OID.test(head)) return head;
  const name = headRefName(gitdir);
  return name ? readRef(gitdir, name) : null;
}

/** Resolves a full ref name from loose refs, then `packed-refs`. Peels nothing. */
export function readRef(gitdir: string, name: string): string | null {
  const loose = readText(join(gitdir, name))?.trim();
  if (loose) {
    if (loose.startsWith('ref:')) return readRef(gitdir, loose.slice(4).trim());
    if (!OID.test(loose)) throw new CfgtrailError('CORRUPT_STORE', `${gitdir}/${name}: not a commit id`, { ref: name });
    return loose;
  }
  return packedRefs(gitdir).get(name) ?? null;
}

/**
 * Points `name` at `oid`, atomically (temp file + rename). Caller holds the
 * store lock. The temp file ends in `.lock`, a name git never reads as a ref:
 * one left by a killed process does not show up as a branch or a notes ref.
 */
export function writeRef(gitdir: string, name: string, oid: string): void {
  const file = join(gitdir, name);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.lock`;
  writeFileSync(tmp, `${oid}\n`);
  renameSync(tmp, file);
}

function packedRefs(gitdir: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = readText(join(gitdir, 'packed-refs'));
  if (!text) return out;
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40}) (\S+)$/.exec(line);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw new CfgtrailError('CORRUPT_STORE', `cannot read ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
}
