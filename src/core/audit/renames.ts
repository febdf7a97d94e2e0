import { jsDiff } from '../lazy.js';
import type { Store } from '../store/open.js';
import { changedFiles, flatTree } from './record.js';
import { parseCommit } from '../git/commit.js';

/** git's default rename threshold (`-M50%`): at least half of the file is the same. */
const MIN_SIMILARITY = 0.5;

/**
 * The file that `path`, added in `commit`, was renamed from: a file deleted
 * in the same commit with the same content, else the most similar one with at
 * least half its lines in common (git's rename detection on whole files; the
 * store records no renames). Null when there is none.
 * @example findRenameSource(store, commit, parent, 'conf/new.yaml') // 'conf/old.yaml'
 */
export function findRenameSource(store: Store, commit: string, parent: string, path: string): string | null {
  const tree = (oid: string) => flatTree(store.objects, parseCommit(store.objects.read(oid).content).tree);
  const before = tree(parent);
  const after = tree(commit);
  const added = after.get(path);
  if (!added) return null;
  const deleted = changedFiles(store.objects, before, after).filter((f) => f.status === 'deleted').map((f) => f.path);
  const exact = deleted.find((d) => before.get(d)!.oid === added.oid);
  if (exact !== undefined) return exact;
  const text = store.objects.read(added.oid).content.toString('utf8');
  let best: { path: string; score: number } | null = null;
  for (const d of deleted) {
    const score = similarity(store.objects.read(before.get(d)!.oid).content.toString('utf8'), text);
    if (score >= MIN_SIMILARITY && (best === null || score > best.score)) best = { path: d, score };
  }
  return best?.path ?? null;
}

/** Lines in common, twice, over the lines of both (1: identical). */
function similarity(a: string, b: string): number {
  let same = 0;
  let total = 0;
  for (const part of jsDiff().diffLines(a, b)) {
    const n = part.count ?? 0;
    total += n;
    if (!part.added && !part.removed) {
      same += n;
      total += n;
    }
  }
  return total === 0 ? 1 : (2 * same) / total;
}
