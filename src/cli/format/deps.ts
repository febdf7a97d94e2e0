import { escapeControls } from '../../core/path-name.js';
import type { DependencyGraph, DependencyNode } from '../../core/audit/dependency-graph.js';

/** `I1111222233334444 Raise pool (in effect)`, or `(rolled back by I5555…)`. */
export function nodeLine(n: DependencyNode): string {
  const state = n.undoneBy ? `${n.status} by ${n.undoneBy}` : n.status;
  return escapeControls(`${n.changeId} ${n.title ?? '(not in this store)'} (${state})`);
}

/**
 * `cfgtrail deps` as text: the change, then what it depends on and what
 * depends on it, as indented trees (a change already shown is marked `…`).
 */
export function formatDeps(g: DependencyGraph): string {
  const byId = new Map(g.nodes.map((n) => [n.changeId, n]));
  const out = [nodeLine(byId.get(g.root)!)];
  const tree = (title: string, next: (id: string) => string[]) => {
    const first = next(g.root);
    out.push(`${title}:${first.length === 0 ? ' none' : ''}`);
    const shown = new Set<string>([g.root]);
    const visit = (id: string, depth: number) => {
      const again = shown.has(id);
      out.push(`${'  '.repeat(depth)}${nodeLine(byId.get(id)!)}${again ? ' …' : ''}`);
      if (again) return;
      shown.add(id);
      for (const n of next(id)) visit(n, depth + 1);
    };
    for (const id of first) visit(id, 1);
  };
  tree('depends on', (id) => g.edges.filter((e) => e.from === id).map((e) => e.to));
  tree('depended on by', (id) => g.edges.filter((e) => e.to === id).map((e) => e.from));
  return `${out.join('\n')}\n`;
}

/**
 * The graph in Graphviz DOT: an edge from each change to what it depends on;
 * changes no longer in effect are drawn dashed and red.
 */
export function formatDepsDot(g: DependencyGraph): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph dependencies {', '  rankdir=LR;', '  node [shape=box];'];
  for (const n of g.nodes) {
    const label = `${n.changeId}\\n${(n.title ?? '(not in this store)').replace(/["\\]/g, '\\$&')}\\n${n.status}`;
    const style = n.inEffect ? '' : ', style=dashed, color=red';
    lines.push(`  ${q(n.changeId)} [label="${label}"${n.changeId === g.root ? ', penwidth=2' : ''}${style}];`);
  }
  for (const e of g.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)} [label="depends on"];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The lines `show` prints under a change's header: its direct dependencies both ways. */
export function formatDirectDeps(g: DependencyGraph): string {
  const byId = new Map(g.nodes.map((n) => [n.changeId, n]));
  const out: string[] = [];
  for (const id of g.dependsOn) out.push(`Depends on:     ${nodeLine(byId.get(id)!)}`);
  for (const id of g.dependents) out.push(`Depended on by: ${nodeLine(byId.get(id)!)}`);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
