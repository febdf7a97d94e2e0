import { CfgtrailError } from '../errors.js';
import type { Store } from '../store/open.js';
import { eachLineWith, splitLine, type IndexData, type IndexLine } from './index-store.js';
import { parseCommit } from '../git/commit.js';
import { readRef } from '../git/refs.js';
import { readStoreHead } from './store-head.js';
import { isCommit } from '../git/objects.js';
import { peelToCommit } from '../git/oid.js';

/**
 * Resolves what a user types as a revision to a commit id: `HEAD`, a full
 * or abbreviated (≥4) commit id, a Change-Id, a tag or branch, each
 * optionally followed by `~N` / `^` steps along first parents.
 *
 * @example resolveRev(store, index, 'HEAD~2')
 */
export function resolveRev(store: Store, index: IndexData, rev: string): string {
  const m = /^(.*?)((?:~\d*|\^1?)*)$/.exec(rev.trim());
  const base = m?.[1] ?? '';
  const steps = m?.[2] ?? '';
  let oid = resolveBase(store, index, base, rev);
  for (const step of steps.match(/~\d*|\^1?/g) ?? []) {
    const n = step.startsWith('~') && step.length > 1 ? Number(step.slice(1)) : 1;
    for (let i = 0; i < n; i++) {
      const parent = parseCommit(store.objects.read(oid).content).parents[0];
      if (!parent) throw new CfgtrailError('UNKNOWN_REV', `'${rev}' goes back further than the first snapshot`, { rev });
      oid = parent;
    }
  }
  return oid;
}

function resolveBase(store: Store, index: IndexData, base: string, rev: string): string {
  if (base === '' || base === 'HEAD' || base === '@') {
    const head = readStoreHead(store.gitdir);
    if (!head) throw new CfgtrailError('UNKNOWN_REV', 'the store has no snapshot yet (run cfgtrail snapshot)', { rev });
    return head;
  }
  // A full commit id names that commit, as in git: no need to search the index.
  if (isCommit(store.objects, base)) return base;
  for (const ref of [`refs/tags/${base}`, `refs/heads/${base}`, base.startsWith('refs/') ? base : null]) {
    const oid = ref ? readRef(store.gitdir, ref) : null;
    if (oid) return peel(store, oid);
  }
  const hex = /^[0-9a-f]{4,40}$/i.test(base) ? base.toLowerCase() : null;
  // Each kind of name is looked for as text in the index (its bytes, when read from disk), then checked by column.
  const byChangeId = commitsWhere(index, `\t${base}\t`, (col) => col.changeId === base);
  const byPrefix = hex ? commitsWhere(index, hex, (col) => col.oid.startsWith(hex)) : [];
  // A Change-Id names the newest commit carrying it (a re-applied change keeps its id).
  if (byChangeId.length > 0) return byChangeId[0]!;
  const idPrefix = CHANGE_ID_PREFIX.test(base) ? changeIdsStartingWith(index, base) : new Map<string, string>();
  if (idPrefix.size === 1) return [...idPrefix.values()][0]!;
  if (idPrefix.size > 1) throw ambiguousChangeId(base, [...idPrefix.keys()], rev);
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) {
    throw new CfgtrailError('AMBIGUOUS_REV', `'${base}' matches ${byPrefix.length} commits: ${byPrefix.slice(0, 5).map((o) => o.slice(0, 12)).join(', ')}; give more characters`, { rev, candidates: byPrefix });
  }
  if (hex && hex.length === 40 && store.objects.has(hex)) return peel(store, hex);
  const what = /^I[0-9a-f]{16}$/.test(base) ? 'Change-Id' : 'revision';
  throw new CfgtrailError(what === 'Change-Id' ? 'UNKNOWN_CHANGE_ID' : 'UNKNOWN_REV', `unknown ${what} '${rev}' (not a commit, Change-Id, tag or HEAD~N of this store)`, { rev });
}

/** What `log --oneline` prints (`I11112222`) up to a whole generated Change-Id. */
const CHANGE_ID_PREFIX = /^I[0-9a-f]{4,15}$/;

/**
 * The Change-Id a user typed in full or as a unique prefix (`I11112222`),
 * as `log --change-id` and revisions take it.
 *
 * @throws CfgtrailError UNKNOWN_CHANGE_ID when no change has it, AMBIGUOUS_REV (listing them) when several do
 * @example resolveChangeId(index, 'I1111') // 'I1111222233334444'
 */
export function resolveChangeId(index: IndexData, text: string): string {
  if (commitsWhere(index, `\t${text}\t`, (col) => col.changeId === text).length > 0) return text;
  const ids = CHANGE_ID_PREFIX.test(text) ? [...changeIdsStartingWith(index, text).keys()] : [];
  if (ids.length === 1) return ids[0]!;
  if (ids.length > 1) throw ambiguousChangeId(text, ids, text);
  throw new CfgtrailError('UNKNOWN_CHANGE_ID', `no change in this store has the Change-Id '${text}'`, { rev: text });
}

/** Distinct Change-Ids starting with `prefix`, each with its newest commit. */
function changeIdsStartingWith(index: IndexData, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  eachLineWith(index, `\t${prefix}`, (line) => {
    const col = splitLine(line);
    if (col && col.changeId.startsWith(prefix) && !out.has(col.changeId)) out.set(col.changeId, col.oid);
    return true;
  });
  return out;
}

function ambiguousChangeId(prefix: string, ids: string[], rev: string): CfgtrailError {
  const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? `, … (${ids.length - 10} more)` : '');
  return new CfgtrailError('AMBIGUOUS_REV', `'${prefix}' is the start of ${ids.length} Change-Ids: ${shown}; give more characters`, { rev, candidates: ids });
}

/** Commits whose index line contains `needle` and passes `keep`, newest first. */
function commitsWhere(index: IndexData, needle: string, keep: (col: IndexLine) => boolean): string[] {
  const out: string[] = [];
  eachLineWith(index, needle, (line) => {
    const col = splitLine(line);
    if (col && keep(col)) out.push(col.oid);
    return true;
  });
  return out;
}

/** Follows annotated tags to the commit they name. */
function peel(store: Store, oid: string): string {
  const commit = peelToCommit(store.objects, oid);
  if (commit) return commit;
  throw new CfgtrailError('UNKNOWN_REV', `'${oid.slice(0, 12)}' is not a commit`, { oid });
}
