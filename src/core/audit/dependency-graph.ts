import type { Trailer } from '../types.js';
import type { Store } from '../store/open.js';
import { CfgtrailError } from '../errors.js';
import { trailerValues } from '../record/trailers.js';
import type { DependencyState } from '../record/change-record.js';
import { eachLineWith, entryMember, splitLine, type IndexData } from './index-store.js';
import { dependencyStates } from './dependency-state.js';
import { damageWarning, syncIndexForRead } from './index-sync.js';
import { lookupEntry } from './query.js';
import { resolveRev } from './revs.js';

/** A change in a dependency graph, with whether it still stands on HEAD's history. */
export interface DependencyNode {
  changeId: string;
  /** Null when no change in the store carries this id (a `Depends-On` naming another store's change). */
  title: string | null;
  status: DependencyState['status'];
  inEffect: boolean;
  commit: string | null;
  undoneBy: string | null;
}

/** `from` names `to` in a `Depends-On` trailer. */
export interface DependencyEdge {
  from: string;
  to: string;
}

export interface DependencyGraph {
  root: string;
  /** The root first, then what it depends on and what depends on it, transitively. */
  nodes: DependencyNode[];
  edges: DependencyEdge[];
  /** Direct edges of the root: what it depends on, and what depends on it. */
  dependsOn: string[];
  dependents: string[];
}

/** Every `Depends-On` edge the index records: Change-Id → the ids it names (its newest commit's trailers). */
export function dependencyEdges(index: IndexData): Map<string, string[]> {
  const out = new Map<string, string[]>();
  // trailer keys are case-insensitive: the message column holds `Key: value` as written
  for (const needle of ['Depends-On', 'depends-on', 'DEPENDS-ON']) {
    eachLineWith(index, needle, (line) => {
      const col = splitLine(line);
      if (!col || col.changeId === '' || out.has(col.changeId)) return true;
      const ids = trailerValues(entryMember(col.json, 'trailers', 'files') as Trailer[], 'Depends-On');
      if (ids.length > 0) out.set(col.changeId, ids);
      return true;
    });
  }
  return out;
}

/**
 * The dependency graph around one change: what it depends on and what depends
 * on it, both transitively, each with its state on HEAD's history.
 * @param rev a Change-Id (or unique prefix), or any revision whose commit carries one
 * @throws CfgtrailError UNKNOWN_REV / UNKNOWN_CHANGE_ID, BAD_INPUT when the commit has no Change-Id
 * @example (await dependencyGraph(store, 'I1111')).dependents
 */
export async function dependencyGraph(store: Store, rev: string, warn: (line: string) => void = () => undefined): Promise<DependencyGraph> {
  const index = await syncIndexForRead(store);
  const damage = damageWarning(store, index);
  if (damage) warn(`${damage}\n`);
  const entry = lookupEntry(store, index, resolveRev(store, index, rev));
  if (entry.changeId === null) throw new CfgtrailError('BAD_INPUT', `${entry.commit.slice(0, 12)} has no Change-Id: nothing can depend on it`, { rev });
  return graphOf(index, entry.changeId, dependencyEdges(index), (id) => titleOf(store, index, id));
}

/** The graph from precomputed edges (pure but for `title`). */
export function graphOf(index: IndexData, root: string, forward: Map<string, string[]>, title: (id: string) => string | null): DependencyGraph {
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of forward) for (const to of tos) reverse.set(to, [...(reverse.get(to) ?? []), from]);
  const seen = new Set<string>([root]);
  const reach = (next: Map<string, string[]>) => {
    const queue = [root];
    const visited = new Set<string>([root]);
    while (queue.length > 0) {
      for (const other of next.get(queue.shift()!) ?? []) {
        seen.add(other);
        if (!visited.has(other)) {
          visited.add(other);
          queue.push(other);
        }
      }
    }
  };
  reach(forward);
  reach(reverse);
  // every edge among the changes found, not only the ones the walks took
  const edges = [...seen].flatMap((from) => [...new Set(forward.get(from) ?? [])].filter((to) => seen.has(to)).map((to) => ({ from, to })));
  const ids = [...seen];
  const nodes = dependencyStates(index, ids).map((s, i) => ({
    changeId: ids[i]!,
    title: title(ids[i]!),
    status: s.status,
    inEffect: s.in_effect,
    commit: s.commit,
    undoneBy: s.undone_by,
  }));
  return { root, nodes, edges, dependsOn: forward.get(root) ?? [], dependents: reverse.get(root) ?? [] };
}

function titleOf(store: Store, index: IndexData, id: string): string | null {
  let oid: string | null = null;
  eachLineWith(index, `\t${id}\t`, (line) => {
    const col = splitLine(line);
    if (col?.changeId === id) oid = col.oid;
    return oid === null;
  });
  return oid === null ? null : lookupEntry(store, index, oid).title;
}
