import type { PathSegment } from '../types.js';
import { parsePathText } from './path-text.js';

/**
 * Identifiers named per list in settings (`list_identifiers`): the list's
 * path, as map keys, and the key (or keys, for a compound identity such as a
 * Service port's `port` + `protocol`) that identifies its entries.
 */
export interface IdentifierRule {
  /** Map keys leading to the list; they match the end of its path, list entries in between skipped. */
  path: readonly string[];
  keys: readonly string[];
}

/** A compound identity's segment key joins its keys with `+` (`ports[port+protocol=80/TCP]`). */
export const COMPOUND_JOIN = '+';
/** …and its value joins the entry's values with `/`. */
export const COMPOUND_VALUE_JOIN = '/';

/**
 * The rules of a `list_identifiers` map (already shape-checked), e.g.
 * `{ scrape_configs: 'job_name', 'spec.ports': ['port', 'protocol'] }`.
 * @returns an error message for a path that is not plain map keys, else the rules
 */
export function compileIdentifierRules(map: Record<string, string | string[]>): IdentifierRule[] | string {
  const rules: IdentifierRule[] = [];
  for (const [text, keys] of Object.entries(map)) {
    let path: PathSegment[];
    try {
      path = parsePathText(text);
    } catch (e) {
      return (e as Error).message;
    }
    if (!path.every((s): s is string => typeof s === 'string')) return `"${text}": name the list by its map keys only (no [..] selectors)`;
    const list = typeof keys === 'string' ? [keys] : keys;
    if (new Set(list).size !== list.length) return `"${text}": a key is named twice`;
    rules.push({ path, keys: list });
  }
  return rules;
}

/**
 * The identifier keys the rules name for the list at `path`: the rule whose
 * path matches the most trailing map keys of it (list positions and entries
 * skipped: `containers.ports` names `spec.containers[name=app].ports`).
 */
export function identifierKeysFor(rules: readonly IdentifierRule[], path: readonly PathSegment[]): readonly string[] | null {
  if (rules.length === 0) return null;
  const keys = path.filter((s): s is string => typeof s === 'string');
  let best: IdentifierRule | null = null;
  for (const rule of rules) {
    if (rule.path.length > keys.length || (best && best.path.length >= rule.path.length)) continue;
    const tail = keys.slice(keys.length - rule.path.length);
    if (rule.path.every((k, i) => k === tail[i])) best = rule;
  }
  return best?.keys ?? null;
}
