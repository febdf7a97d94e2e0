/**
 * `cfgtrail fsck` for the git layer: every object and pack (fsck-objects.ts),
 * every ref resolving to an object of the right type, and everything
 * reachable from the refs present and readable. Read-only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isCfgtrailError } from '../errors.js';
import { parseCommit } from './commit.js';
import { OID_HEX } from './oid.js';
import { scanObjects, type FsckProblem, type ObjectScan } from './fsck-objects.js';
import { openObjectStore, type ObjectStore, type ObjectType } from './objects.js';
import { readHead, readRef } from './refs.js';
import type { HeadHint } from './ref-damage.js';
import { parseTree } from './tree.js';

export type { FsckProblem } from './fsck-objects.js';

export interface RepoFsckReport {
  problems: FsckProblem[];
  /** Not damage, but worth knowing (git's fsck warns of the same). */
  warnings: FsckProblem[];
  /** Objects checked: loose, and in packs. */
  loose: number;
  packed: number;
  packs: number;
  /** Refs under refs/ and in packed-refs that resolve (HEAD not counted). */
  refs: number;
  /** Commits reachable from the refs. */
  commits: number;
  /** HEAD's commit, when HEAD resolves. */
  head: string | null;
  /** Every commit reachable from HEAD (for the index check). */
  headHistory: Set<string>;
}

/**
 * Checks the whole object database and the refs of `gitdir`; `hint` is a
 * head remembered outside git (readHead).
 * @example fsckRepo(gitdir, { source: 'a note', read: () => null }).problems.length === 0
 */
export function fsckRepo(gitdir: string, hint: HeadHint): RepoFsckReport {
  const scan = scanObjects(gitdir);
  const problems = [...scan.problems];
  let head: string | null = null;
  try {
    head = readHead(gitdir, hint);
  } catch (e) {
    if (!isCfgtrailError(e)) throw e;
    // A damaged branch is named by its own ref, with the way to restore it; listed once.
    problems.push({ kind: 'ref', subject: typeof e.data.ref === 'string' ? e.data.ref : 'HEAD', message: e.message });
  }
  const tips = refTips(gitdir, problems);
  // HEAD is walked on its own only when detached: else its branch stands for it.
  if (head && !tips.some((t) => t.oid === head)) tips.unshift({ ref: 'HEAD', oid: head });
  const store = openObjectStore(gitdir);
  try {
    const walk = new Walk(store, scan, problems);
    for (const t of tips) walk.fromRef(t.ref, t.oid);
    const headHistory = head ? walk.commitsFrom(head) : new Set<string>();
    return { problems, warnings: scan.warnings, loose: scan.loose, packed: scan.packed, packs: scan.packs, refs: tips.filter((t) => t.ref !== 'HEAD').length, commits: walk.commits, head, headHistory };
  } finally {
    store.close();
  }
}

/** Every ref under refs/ and in packed-refs, with a problem for each that does not resolve. */
function refTips(gitdir: string, problems: FsckProblem[]): { ref: string; oid: string }[] {
  const names = new Set<string>();
  const walk = (dir: string, prefix: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // no refs directory: no loose refs
    }
    for (const d of entries) {
      if (d.isDirectory()) walk(path.join(dir, d.name), `${prefix}${d.name}/`);
      else if (!d.name.endsWith('.lock')) names.add(prefix + d.name);
    }
  };
  walk(path.join(gitdir, 'refs'), 'refs/');
  let packed = '';
  try {
    packed = fs.readFileSync(path.join(gitdir, 'packed-refs'), 'utf8');
  } catch {
    // no packed-refs: loose refs only
  }
  for (const m of packed.matchAll(new RegExp(`^${OID_HEX} (\\S+)$`, 'gm'))) names.add(m[1]!);
  const out: { ref: string; oid: string }[] = [];
  for (const ref of [...names].sort()) {
    try {
      const oid = readRef(gitdir, ref);
      if (oid) out.push({ ref, oid });
    } catch (e) {
      if (!isCfgtrailError(e)) throw e;
      if (problems.some((p) => p.subject === ref)) continue;
      problems.push({ kind: 'ref', subject: ref, message: e.message.replace(`${gitdir}/${ref}: `, '') });
    }
  }
  return out;
}

/** Walks commits, trees and blobs from ref tips, reporting what is missing or of the wrong type. */
class Walk {
  commits = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly store: ObjectStore, private readonly scan: ObjectScan, private readonly problems: FsckProblem[]) {}

  fromRef(ref: string, oid: string): void {
    const type = this.typeOf(oid);
    if (type === undefined) {
      if (!this.damaged(oid)) this.problems.push({ kind: 'ref', subject: ref, message: `points to ${oid}, which is missing` });
      return;
    }
    if (ref.startsWith('refs/tags/') && type === 'tag') return; // annotated tags: not walked
    if (type !== 'commit') {
      this.problems.push({ kind: 'ref', subject: ref, message: `points to ${type} ${oid}, not a commit` });
      return;
    }
    this.visit(oid, 'commit', ref);
  }

  /** Commits reachable from `head` (all already visited by fromRef). */
  commitsFrom(head: string): Set<string> {
    const out = new Set<string>();
    const stack = [head];
    while (stack.length > 0) {
      const oid = stack.pop()!;
      if (out.has(oid) || this.typeOf(oid) !== 'commit') continue;
      out.add(oid);
      stack.push(...parseCommit(this.store.read(oid).content).parents);
    }
    return out;
  }

  private visit(start: string, startType: ObjectType, ref: string): void {
    const stack: { oid: string; want: ObjectType; from: string }[] = [{ oid: start, want: startType, from: ref }];
    while (stack.length > 0) {
      const { oid, want, from } = stack.pop()!;
      if (this.seen.has(oid)) continue;
      this.seen.add(oid);
      const type = this.typeOf(oid);
      if (type === undefined) {
        // A damaged object was reported by the object pass; a missing one is reported here.
        if (!this.damaged(oid)) this.problems.push({ kind: 'missing', subject: oid, message: `missing ${want} (reachable from ${from})` });
        continue;
      }
      if (type !== want) {
        this.problems.push({ kind: 'object', subject: oid, message: `is a ${type}, ${from} expects a ${want}` });
        continue;
      }
      const content = this.store.read(oid).content;
      if (type === 'commit') {
        this.commits++;
        const c = parseCommit(content);
        stack.push({ oid: c.tree, want: 'tree', from: `commit ${oid}` });
        for (const p of c.parents) stack.push({ oid: p, want: 'commit', from: `commit ${oid}` });
      } else if (type === 'tree') {
        for (const e of parseTree(content)) {
          if (e.mode === '160000') continue; // a submodule's commit lives elsewhere
          stack.push({ oid: e.oid, want: e.mode === '40000' ? 'tree' : 'blob', from: `tree ${oid}` });
        }
      }
    }
  }

  /**
   * The type of an object the scan checked; else one read through the store,
   * which also looks in `objects/info/alternates` (not scanned: they belong
   * to another repository). undefined when missing or damaged.
   */
  private typeOf(oid: string): ObjectType | undefined {
    const known = this.scan.types.get(oid);
    if (known !== undefined || this.damaged(oid)) return known;
    try {
      const type = this.store.read(oid).type;
      this.scan.types.set(oid, type);
      return type;
    } catch {
      return undefined; // missing: the caller reports it
    }
  }

  private damaged(oid: string): boolean {
    return this.scan.damaged.has(oid);
  }
}
