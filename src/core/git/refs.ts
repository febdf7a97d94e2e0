import { existsSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CfgtrailError } from '../errors.js';
import { writeFileDurably } from '../durable-file.js';
import { anyStoredCommit, damagedHeadError, damagedRefError, interruptedFirstSnapshot, type HeadHint } from './ref-damage.js';
import { appendReflog, lastLoggedOid, type ReflogEntry } from './reflog.js';
import { OID_HEX, OID_RE } from './oid.js';

const OID = OID_RE;
const PACKED_REF = new RegExp(`^(${OID_HEX}) (\\S+)$`);

/**
 * The ref HEAD points to (`refs/heads/main`), or null when HEAD is detached.
 * `hint`: a head remembered outside git (for the damage message).
 * @throws CfgtrailError CORRUPT_STORE when HEAD is missing or garbage
 */
export function headRefName(gitdir: string, hint: HeadHint): string | null {
  const head = readText(join(gitdir, 'HEAD'));
  if (head === null) throw new CfgtrailError('CORRUPT_STORE', `${gitdir}: HEAD is missing`, { gitdir });
  const text = head.trim();
  if (OID.test(text)) return null;
  const m = /^ref:\s*(refs\/\S+)$/.exec(text);
  if (!m) throw damagedHeadError(gitdir, text === '' ? 'empty file' : 'neither "ref: refs/…" nor a commit id', hint);
  return m[1]!;
}

/**
 * Commit id HEAD resolves to, or null for a new store (HEAD names a branch
 * that has no ref file, no packed-refs entry, no reflog, and the store holds
 * no commit). A HEAD or branch
 * ref that is empty, garbage, or gone while its reflog shows history is
 * damage, never "no snapshot yet": native git refuses such a store too.
 * `hint` is a head remembered outside git (the audit index's): it proves a
 * ref existed, and is offered in the damage message.
 * @throws CfgtrailError CORRUPT_STORE naming the last known head and how to restore it
 */
export function readHead(gitdir: string, hint: HeadHint): string | null {
  const name = headRefName(gitdir, hint);
  if (name === null) return readText(join(gitdir, 'HEAD'))!.trim();
  const oid = readBranch(gitdir, name, hint);
  if (oid !== null) return oid;
  // A first snapshot killed between its reflog line (or its commit object) and its ref: still a new store.
  if (interruptedFirstSnapshot(gitdir, name, hint)) return null;
  if ((lastLoggedOid(gitdir, name) ?? lastLoggedOid(gitdir, 'HEAD')) !== null) {
    throw damagedRefError(gitdir, name, 'the ref is gone but the reflog shows history', hint);
  }
  // A store with a git server configured (an auditor's) holds the commits it
  // fetched, or began to fetch, without a branch of its own: with no reflog
  // either, it is still new (its hosts' history is on the server anyway).
  if (/^\s*\[remote\s+"/m.test(readText(join(gitdir, 'config')) ?? '')) return null;
  const stored = anyStoredCommit(gitdir);
  if (stored !== null) throw damagedRefError(gitdir, name, 'the ref is gone but the store holds commits', hint, stored);
  return null;
}

function readBranch(gitdir: string, name: string, hint: HeadHint): string | null {
  try {
    return readRef(gitdir, name);
  } catch (e) {
    if (e instanceof CfgtrailError && e.data.reason !== undefined) throw damagedRefError(gitdir, name, String(e.data.reason), hint);
    throw e;
  }
}

/**
 * Resolves a full ref name from loose refs, then `packed-refs`; null when it
 * exists in neither. Peels nothing.
 * @throws CfgtrailError CORRUPT_STORE when the loose ref file is empty or not a commit id
 */
export function readRef(gitdir: string, name: string): string | null {
  const raw = readText(join(gitdir, name));
  if (raw === null) return packedRefs(gitdir).get(name) ?? null;
  const loose = raw.trim();
  if (loose.startsWith('ref:')) return readRef(gitdir, loose.slice(4).trim());
  if (!OID.test(loose)) {
    // An empty file is what a crash between create and write leaves: damage, not "no ref".
    const reason = loose === '' ? 'empty file' : 'not a commit id';
    throw new CfgtrailError('CORRUPT_STORE', `${gitdir}/${name}: ${reason}`, { ref: name, reason });
  }
  return loose;
}

/**
 * Points `name` at `oid`, atomically and durably, as git's lockfile code
 * does: the temp file is fsynced before the rename, the directory after it,
 * so a crash leaves the old ref or the new one, never an empty file. Caller
 * holds the store lock. The temp file ends in `.lock`, a name git never reads
 * as a ref: one left by a killed process does not show up as a branch or a
 * notes ref.
 */
export function writeRef(gitdir: string, name: string, oid: string): void {
  const file = join(gitdir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeRefFile(file, `${oid}\n`);
}

/**
 * Moves branch `ref` (the one HEAD points to) to `e.new`: logs the move in
 * the branch's and HEAD's reflogs, then writes the ref. The log comes first,
 * so a kill between the two leaves the new commit named in the reflog (from
 * where it can be restored), never a ref value the reflog does not know.
 * The caller holds the store lock.
 */
export function moveBranch(gitdir: string, ref: string, e: ReflogEntry): void {
  appendReflog(gitdir, ref, e);
  appendReflog(gitdir, 'HEAD', e);
  writeRef(gitdir, ref, e.new);
}

const TIP = new RegExp(`^(${OID_HEX})`);

/**
 * Tip oids of every ref: loose refs under refs/, packed-refs (peeled `^`
 * lines too) and a detached HEAD, for walks that must reach everything (gc).
 */
export function readRefTips(gitdir: string): string[] {
  const tips = new Set<string>();
  const addTip = (text: string | null): void => {
    const m = text === null ? null : TIP.exec(text.trim());
    if (m) tips.add(m[1]!);
  };
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else addTip(readFileSync(p, 'utf8'));
    }
  };
  walk(join(gitdir, 'refs'));
  for (const line of (readText(join(gitdir, 'packed-refs')) ?? '').split('\n')) {
    if (!line.startsWith('#')) addTip(line.replace(/^\^/, ''));
  }
  addTip(readText(join(gitdir, 'HEAD')));
  return [...tips];
}

/**
 * Deletes ref `name`: its `packed-refs` line first (the file is rewritten
 * atomically), then the loose file, so a crash in between leaves the loose
 * value, which is what git reads first anyway. Caller holds the store lock.
 */
export function deleteRef(gitdir: string, name: string): void {
  const file = join(gitdir, 'packed-refs');
  const text = readText(file);
  if (text !== null) {
    const lines = text.split('\n');
    const keep: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const m = PACKED_REF.exec(lines[i]!);
      if (m && m[2] === name) {
        if (lines[i + 1]?.startsWith('^')) i++; // its peeled line goes too
        continue;
      }
      keep.push(lines[i]!);
    }
    if (keep.length !== lines.length) writeRefFile(file, keep.join('\n'));
  }
  rmSync(join(gitdir, name), { force: true });
  rmSync(join(gitdir, 'logs', name), { force: true });
}

function packedRefs(gitdir: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = readText(join(gitdir, 'packed-refs'));
  if (!text) return out;
  for (const line of text.split('\n')) {
    const m = PACKED_REF.exec(line);
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

/** A ref file or packed-refs replaced as git does: a `.lock` temp, fsync, rename, and the directory fsynced. */
function writeRefFile(file: string, text: string): void {
  writeFileDurably(file, text, { mode: 0o644, suffix: 'lock', syncDir: true });
}
